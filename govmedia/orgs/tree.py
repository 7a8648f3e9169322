"""The departments as a tree, for the public 机构 pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from govmedia.orgs.models import Department

DepartmentTree = list[tuple[Department, "DepartmentTree"]]


def department_tree(
    item_counts: Mapping[int, int], departments: Iterable[Department] | None = None
) -> DepartmentTree:
    """Active departments as nested (department, children) pairs, each with `item_count` set.

    `departments` defaults to every active one in display order; a department
    whose parent is not among them is put at the top level rather than lost.
    """
    if departments is None:
        departments = Department.objects.filter(is_active=True).order_by("order", "id")
    departments = list(departments)
    children: dict[int | None, list[Department]] = {}
    known = {d.pk for d in departments}
    for d in departments:
        d.item_count = item_counts.get(d.pk, 0)
        parent = d.parent_id if d.parent_id in known else None
        children.setdefault(parent, []).append(d)

    def build(parent_id: int | None) -> DepartmentTree:
        return [(d, build(d.pk)) for d in children.get(parent_id, [])]

    return build(None)
