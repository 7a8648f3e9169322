"""`govmedia workdays`: compute deadlines on the working-day calendar and list its years."""

from __future__ import annotations

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from govmedia.workdays import actions, service
from govmedia.workdays.builtin import builtin_schedule, package_version
from govmedia.workdays.models import HolidayYear
from govmedia.workdays.schedule import entries_from_maps, format_lines


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the number of working days cannot be negative")
    return value


class Command(BaseCommand):
    help = (
        "The working-day calendar every deadline uses: weekends, public holidays and make-up "
        "workdays (调休). Counting starts the day after the start date (次日起算). Years not "
        "in the calendar count weekends only and their results are marked provisional (暂定)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = sub.add_parser(
            "add",
            help="the date N working days after START, with the explanation",
            description="Print the deadline N working days after START (counting from the "
            "next day) and the explanation a requester sees: which days were skipped and why.",
        )
        add.add_argument("start", type=_date, help="start date, YYYY-MM-DD")
        add.add_argument("days", type=_count, help="number of working days (0 or more)")
        between = sub.add_parser(
            "between",
            help="working days in (START, END]",
            description="Count the working days after START up to and including END "
            "(negative when END is before START).",
        )
        between.add_argument("start", type=_date, help="start date, YYYY-MM-DD")
        between.add_argument("end", type=_date, help="end date, YYYY-MM-DD")
        sub.add_parser(
            "years",
            help="list the known years and where each comes from",
            description="List every year with a holiday schedule: the chinesecalendar "
            "package's years and those entered in the admin (an entered year replaces the "
            "package's).",
        )
        show = sub.add_parser(
            "show",
            help="print one year's schedule in the admin form's line format",
            description="Print a year's holidays and make-up workdays, one line per day or "
            "range, in the format the admin's 录入节假日安排 form reads.",
        )
        show.add_argument("year", type=int)
        pin = sub.add_parser(
            "pin",
            help="store a built-in year in the database (source 内置), so a package upgrade "
            "cannot change it",
            description="Copy the chinesecalendar package's schedule of YEAR into the "
            "database with source 内置. Audited as done by the system.",
        )
        pin.add_argument("year", type=int)

    def handle(self, *args, action: str, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, *, start: date, days: int, **options):
        cal = service.calendar()
        deadline = cal.add_workdays(start, days)
        suffix = " (provisional)" if deadline.provisional else ""
        self.stdout.write(f"{deadline.day.isoformat()}{suffix}")
        for line in cal.explain(start, days):
            self.stdout.write(f"  {line}")

    def handle_between(self, *, start: date, end: date, **options):
        cal = service.calendar()
        count = cal.workdays_between(start, end)
        suffix = " (provisional)" if cal.is_provisional(start, end) else ""
        self.stdout.write(f"{count}{suffix}")

    def handle_years(self, **options):
        self.stdout.write(f"chinesecalendar {package_version()}")
        for summary in service.known_years():
            origin = "entered" if summary.stored else "built-in"
            if summary.overrides_builtin:
                origin += ", replaces built-in"
            notice = f"  {summary.announced_by}" if summary.announced_by else ""
            self.stdout.write(
                f"{summary.year}  {origin:<30} holidays {summary.holidays:>2}, "
                f"make-up workdays {summary.workdays}{notice}"
            )

    def handle_show(self, *, year: int, **options):
        if year not in service.calendar().known_years:
            raise CommandError(f"{year} is not a known year: it counts weekends only")
        self.stdout.write(format_lines(service.year_entries(year)))

    def handle_pin(self, *, year: int, **options):
        builtin = builtin_schedule()
        if year not in builtin.years:
            raise CommandError(f"chinesecalendar {package_version()} does not know {year}")
        if HolidayYear.objects.filter(year=year).exists():
            raise CommandError(f"{year} is already stored in the database")
        actions.do_save_holiday_year(
            None,
            year=year,
            entries=entries_from_maps(builtin.holidays, builtin.workdays, year),
            note=f"chinesecalendar {package_version()}",
            source=HolidayYear.Source.BUILTIN,
        )
        self.stdout.write(f"Stored {year} from chinesecalendar {package_version()}.")
