"""Who sees and handles which department's opinion work: the one function every view consults.

Supervisors (and administrators) see and handle every department. Anyone
else needs the 舆情分析 permission (`opinion.analyse`, given to a group in the
admin) and sees the departments they belong to.
"""

from __future__ import annotations

from govmedia.orgs.permissions import AnyUser, department_ids, is_supervisor


def visible_departments(user: AnyUser) -> set[int] | None:
    """The departments `user` may watch: None for all of them, else a set (maybe empty)."""
    if is_supervisor(user):
        return None
    if not user.is_authenticated or not user.has_perm("opinion.analyse"):
        return set()
    return department_ids(user)


def may_use(user: AnyUser) -> bool:
    visible = visible_departments(user)
    return visible is None or bool(visible)


def can_analyse(user: AnyUser, department_id: int) -> bool:
    visible = visible_departments(user)
    return visible is None or department_id in visible
