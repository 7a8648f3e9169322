"""Who sees which department's inspection results: the one function every view consults.

A supervisor (or an administrator) sees every department; anyone else who
belongs to departments sees those departments only; everyone else nothing.
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


def can_mark_rectified(user: AnyUser, department_id: int) -> bool:
    """The department's own people say 已整改; a supervisor may too."""
    return is_supervisor(user) or department_id in department_ids(user)
