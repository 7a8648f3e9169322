"""Who sees which department's reach figures: the one function every view consults.

A supervisor (or an administrator) sees every department; anyone else sees
the departments they belong to; a person without a department sees nothing.
"""

from __future__ import annotations

from govmedia.orgs.permissions import AnyUser, department_ids, is_supervisor


def visible_departments(user: AnyUser) -> set[int] | None:
    """The departments `user` may see: None for all of them, else a set (maybe empty)."""
    if is_supervisor(user):
        return None
    return department_ids(user)


def can_see(user: AnyUser, department_id: int) -> bool:
    visible = visible_departments(user)
    return visible is None or department_id in visible
