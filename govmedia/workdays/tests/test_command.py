"""`govmedia workdays` and the event that tells higher layers a year changed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govmedia.workdays import actions, service
from govmedia.workdays.models import HolidayYear
from govmedia.workdays.schedule import HOLIDAY, Entry
from govmedia.workdays.signals import calendar_changed


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_prints_the_deadline_and_why():
    out = run("add", "2025-09-26", "20")
    lines = out.splitlines()
    assert lines[0] == "2025-10-30"
    assert (
        "  不计：2025年10月1日（周三）至2025年10月8日（周三），共 8 天，国庆节、中秋节。" in lines
    )
    provisional = run("add", "2026-12-21", "10").splitlines()
    assert provisional[0] == "2027-01-04 (provisional)"
    assert provisional[-1].startswith("  暂定：2027 年")
    assert run("between", "2025-12-25", "2026-01-23") == "20\n"
    assert run("between", "2026-12-25", "2027-01-04") == "6 (provisional)\n"


@pytest.mark.django_db
def test_years_show_and_pin():
    years = run("years").splitlines()
    assert years[0] == "chinesecalendar 1.11.0"
    assert years[1].startswith("2026  built-in")
    assert "2026-02-15..2026-02-23 春节 放假" in run("show", "2026")
    with pytest.raises(CommandError, match="2031 is not a known year"):
        run("show", "2031")
    assert run("pin", "2026") == "Stored 2026 from chinesecalendar 1.11.0.\n"
    row = HolidayYear.objects.get(year=2026)
    assert row.source == HolidayYear.Source.BUILTIN
    assert row.entered_by is None
    assert "2026  entered, replaces built-in" in run("years")
    assert service.calendar().add_workdays(date(2025, 12, 25), 20).day == date(2026, 1, 23)
    with pytest.raises(CommandError, match="already stored"):
        run("pin", "2026")


@pytest.mark.django_db
def test_calendar_changed_is_sent_after_commit(people, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, years, **kwargs):
        received.append(years)

    calendar_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_save_holiday_year(
                people.admin, year=2027, entries=[Entry(date(2027, 1, 1), "元旦", HOLIDAY)]
            )
            assert received == []
        assert received == [(2027,)]
    finally:
        calendar_changed.disconnect(listener)


@pytest.mark.django_db
def test_the_actions_refuse_an_editor(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_save_holiday_year(people.editor, year=2027, entries=[])
    assert not HolidayYear.objects.exists()
