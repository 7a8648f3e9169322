"""The department tree of the public 机构 page, built in orgs from counts it is given."""

from __future__ import annotations

import pytest

from govmedia.orgs.models import Department, DepartmentKind
from govmedia.orgs.tree import department_tree

pytestmark = pytest.mark.django_db


def _department(name: str, serial: int, parent=None, **fields) -> Department:
    return Department.objects.create(
        name=name,
        kind=DepartmentKind.DEPARTMENT if parent else DepartmentKind.CITY,
        code=f"1100000{serial:02d}MB00000{serial:02d}X"[:18],
        parent=parent,
        **fields,
    )


def test_it_nests_active_departments_under_their_parents_with_their_counts():
    city = _department("示例市人民政府", 1, order=0)
    education = _department("示例市教育局", 2, parent=city, order=2)
    _department("示例市交通运输局", 3, parent=city, order=1)
    _department("示例市已撤销局", 4, parent=city, is_active=False)

    tree = department_tree({education.pk: 3})

    assert [(d.name, [c.name for c, _ in children]) for d, children in tree] == [
        ("示例市人民政府", ["示例市交通运输局", "示例市教育局"])
    ]
    counts = {d.name: d.item_count for d, _ in tree[0][1]}
    assert counts == {"示例市交通运输局": 0, "示例市教育局": 3}


def test_it_keeps_a_department_whose_parent_is_inactive_at_the_top():
    city = _department("示例市人民政府", 1, is_active=False)
    _department("示例市教育局", 2, parent=city)

    assert [d.name for d, _ in department_tree({})] == ["示例市教育局"]
