"""The content check judges outdated names by the item's 成文日期."""

from __future__ import annotations

from datetime import date

import pytest

from govmedia.publishing.checking import check_item
from govmedia.publishing.tests.factories import draft_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "flagged"), [(date(2017, 6, 1), False), (date(2024, 6, 1), True), (None, True)]
)
def test_an_agency_name_is_outdated_only_after_the_reform(people, written, flagged):
    item = draft_item(people.education, people.editor, body="<p>由国家工商总局负责登记。</p>")
    item.written_date = written
    report = check_item(item)
    names = [f.text for f in report.findings if f.category == "expression"]
    assert names == (["国家工商总局"] if flagged else [])
