#!/usr/bin/env python3
"""Benchmark the working-day calendar: 100,000 deadlines, against a day-by-day loop.

    .venv/bin/python bench/bench_workdays.py [--deadlines 100000]

The calendar (govmedia.workdays.calendar) adds N working days by jumping over
whole weeks with a table of the known years' exceptions. The baseline of the
same run is the naive way: step one day at a time and ask `is_workday`. The
result is the time per deadline of each and their ratio (lower is better);
the calendar is plain Python, so no database is needed.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from govmedia.workdays.builtin import builtin_schedule
from govmedia.workdays.calendar import Calendar


def naive_add(cal: Calendar, start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if cal.is_workday(day):
            n -= 1
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    args = parser.parse_args()
    schedule = builtin_schedule()
    cal = Calendar(schedule.holidays, schedule.workdays, schedule.years)
    work = [
        (date(2024, 1, 1) + timedelta(days=i % 1000), 20 if i % 2 else 7)
        for i in range(args.deadlines)
    ]
    began = time.perf_counter()
    fast = [cal.add_workdays(start, n).day for start, n in work]
    calendar_s = time.perf_counter() - began
    began = time.perf_counter()
    slow = [naive_add(cal, start, n) for start, n in work]
    naive_s = time.perf_counter() - began
    assert fast == slow, "the calendar and the day-by-day loop disagree"
    per = 1e6 / args.deadlines
    print(f"deadlines: {args.deadlines:,}")
    print(f"calendar:       {calendar_s:.3f} s  ({calendar_s * per:.2f} µs each)")
    print(f"day-by-day loop: {naive_s:.3f} s  ({naive_s * per:.2f} µs each)")
    print(f"ratio calendar/loop: {calendar_s / naive_s:.2f}")


if __name__ == "__main__":
    main()
