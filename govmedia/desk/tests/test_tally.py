"""The statistics' tallies (desk/tally.py) against the messages, after any sequence of changes.

A random walk of the desk's actions (submission, moderation, dispatch,
transfer, answer, rating, closing) mixed with the writes that bypass them
(`QuerySet.update`, `bulk_create`, `delete`, a rolled-back transaction): at
every checkpoint the stored tallies equal a recount from the messages, and
`stats.compute` gives, for random periods, kinds and departments, exactly
what a plain Python count over the messages gives.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from govmedia.desk import actions, stats, tally
from govmedia.desk.models import OPEN_STATUSES, Kind, Message, Status
from govmedia.desk.public_actions import do_rate_message
from govmedia.desk.tally_models import StatsLongTally, StatsTally
from govmedia.desk.tests.handling import new_message

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)  # the statistics' today; every date of the walk is before it
FIRST = dt.date(2025, 1, 1)
_numbers = itertools.count(1)


def reference(period: stats.Period, today: dt.date) -> tuple[dict, list]:
    """The statistics counted one message at a time, as stats.py defines them."""
    rows: dict = defaultdict(
        lambda: {
            "received": 0,
            "answered": 0,
            "on_time": 0,
            "overdue": 0,
            "days": {},
            "ratings": {},
        }
    )
    months: dict[str, list[int]] = {}
    day = period.start.replace(day=1)
    while day <= period.end:
        months[f"{day:%Y-%m}"] = [0, 0]
        day = (day + dt.timedelta(days=32)).replace(day=1)
    for m in Message.objects.all():
        if m.status in stats.NOT_COUNTED or (period.kind and m.kind != period.kind):
            continue
        if period.department_ids is not None and m.department_id not in period.department_ids:
            continue
        if period.start <= m.received_on <= period.end:
            rows[m.department_id]["received"] += 1
            months[f"{m.received_on:%Y-%m}"][0] += 1
            if m.status in OPEN_STATUSES and m.due_on is not None and m.due_on < today:
                rows[m.department_id]["overdue"] += 1
        if m.answered_on is not None and period.start <= m.answered_on <= period.end:
            r = rows[m.department_id]
            r["answered"] += 1
            r["on_time"] += m.on_time is True
            if m.handling_days is not None:
                r["days"][m.handling_days] = r["days"].get(m.handling_days, 0) + 1
            if m.rating is not None:
                r["ratings"][m.rating] = r["ratings"].get(m.rating, 0) + 1
            months[f"{m.answered_on:%Y-%m}"][1] += 1
    return dict(rows), [(k, a, b) for k, (a, b) in months.items()]


def computed(period: stats.Period, today: dt.date) -> tuple[dict, list]:
    report = stats.compute(period, today=today)
    rows = {
        r.department_id: {
            "received": r.received,
            "answered": r.answered,
            "on_time": r.on_time,
            "overdue": r.overdue_open,
            "days": r.days,
            "ratings": r.ratings,
        }
        for r in report.rows
    }
    return rows, report.months


def random_period(rng: random.Random, departments: list) -> stats.Period:
    start = FIRST + dt.timedelta(days=rng.randrange(0, 540))
    if rng.random() < 0.3:  # whole months, from a first day
        start = start.replace(day=1)
    end = min(TODAY, start + dt.timedelta(days=rng.choice([0, 5, 30, 45, 120, 400, 700])))
    if rng.random() < 0.3:  # to a month's last day
        end = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    kind = rng.choice(["", "", Kind.CONSULT, Kind.COMPLAINT])
    ids = None if rng.random() < 0.6 else frozenset(d.pk for d in rng.sample(departments, 1))
    return stats.Period(start, end, kind, ids)


def _raw(department, kind: str, received: dt.date, **fields) -> Message:
    return Message(
        number=f"R{next(_numbers):09d}",
        kind=kind,
        title="留言",
        body="内容",
        name="张三",
        department=department,
        received_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
        received_on=received,
        due_on=received + dt.timedelta(days=5),
        **fields,
    )


def walk(rng: random.Random, people, steps: int) -> None:
    departments = [people.education, people.transport]
    user = people.supervisor
    kinds = [Kind.CONSULT, Kind.COMPLAINT, Kind.HELP]

    def pick(*statuses):
        qs = Message.objects.filter(status__in=statuses) if statuses else Message.objects.all()
        ids = list(qs.values_list("pk", flat=True))
        return Message.objects.get(pk=rng.choice(ids)) if ids else None

    for _ in range(steps):
        step = rng.randrange(13)
        received = FIRST + dt.timedelta(days=rng.randrange(0, (TODAY - FIRST).days))
        try:
            if step <= 2:
                new_message(
                    rng.choice([*departments, None]), kind=rng.choice(kinds), received_on=received
                )
            elif step == 3:  # caught in moderation, then approved or refused
                m = new_message(None, kind=rng.choice(kinds), received_on=received)
                Message.objects.filter(pk=m.pk).update(status=Status.MODERATION, due_on=None)
                m.refresh_from_db()
                if rng.random() < 0.5:
                    actions.do_approve_message(m, user)
                else:
                    actions.do_reject_message(m, user, "广告")
            elif step == 4 and (m := pick(Status.RECEIVED)):
                actions.do_dispatch_message(m, user, rng.choice(departments))
            elif step == 5 and (m := pick(*OPEN_STATUSES)):
                other = [d for d in departments if d.pk != m.department_id]
                actions.do_transfer_message(m, user, rng.choice(other), "职责调整")
            elif step in (6, 7) and (m := pick(*OPEN_STATUSES)):
                span = (TODAY - m.received_on).days
                on = m.received_on + dt.timedelta(days=rng.randrange(0, span + 1))
                actions.do_answer_message(m, user, "已答复。", on=on)
            elif step == 8 and (m := pick(Status.ANSWERED, Status.CLOSED)):
                do_rate_message(m, rng.randint(1, 5))
            elif step == 9 and (m := pick(Status.ANSWERED)):
                actions.do_close_message(m, user)
            elif step == 10:  # bulk-created answers, some with long handling times
                answered = received + dt.timedelta(days=rng.randrange(0, 90))
                Message.objects.bulk_create(
                    _raw(
                        rng.choice([*departments, None]),
                        rng.choice(kinds),
                        received,
                        status=Status.ANSWERED,
                        answered_at=timezone.make_aware(dt.datetime.combine(answered, dt.time(15))),
                        answered_on=answered,
                        handling_days=rng.choice([0, 3, 40, 41, 75, -1, None]),
                        on_time=rng.choice([True, False, None]),
                        rating=rng.choice([None, 1, 5]),
                    )
                    for _ in range(rng.randint(1, 3))
                )
            elif step == 11 and (m := pick()):  # bare UPDATEs of the counted columns
                Message.objects.filter(pk=m.pk).update(
                    **rng.choice(
                        [
                            {"kind": rng.choice(kinds)},
                            {"department": rng.choice([*departments, None])},
                            {"handling_days": rng.choice([2, 50, None])},
                            {"rating": rng.choice([None, 2, 4])},
                            {"received_on": received},
                            {"status": rng.choice([Status.REJECTED, Status.HANDLING])},
                            {"on_time": rng.choice([True, False])},
                        ]
                    )
                )
            elif step == 12 and (m := pick()):
                if rng.random() < 0.5:
                    m.delete()
                else:  # a change rolled back takes its counts back with it
                    with pytest.raises(RuntimeError), transaction.atomic():
                        Message.objects.filter(pk=m.pk).update(kind=Kind.ERROR, department=None)
                        raise RuntimeError
        except (ValidationError, PermissionDenied):
            pass


def test_the_tallies_equal_a_recount_after_random_changes(people):
    assert tally.installed(connection)
    rng = random.Random(20261127)
    departments = [people.education, people.transport]
    for _ in range(6):
        walk(rng, people, 25)
        assert tally.differences() == []
        fixed = [
            stats.Period(dt.date(2025, 3, 3), dt.date(2025, 3, 30)),  # a month less its ends
            stats.Period(dt.date(2025, 3, 10), dt.date(2025, 3, 12)),  # three days
            stats.Period(dt.date(2025, 2, 15), dt.date(2026, 5, 20), Kind.CONSULT),
            stats.Period(FIRST, TODAY),
        ]
        for period in [*fixed, *(random_period(rng, departments) for _ in range(8))]:
            assert computed(period, TODAY) == reference(period, TODAY), period
    assert StatsLongTally.objects.exists()  # the walk reached the long handling times
    assert Message.objects.exclude(status__in=stats.NOT_COUNTED).count() > 40


def test_a_damaged_tally_is_found_and_rebuilt(people):
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 9)):
        new_message(people.education, received_on=day)
    assert tally.differences() == []
    StatsTally.objects.filter(span="d", received__gt=0).update(received=7)
    assert len(tally.differences()) == 2
    with pytest.raises(Exception, match="difference"):
        call_command("desk_tally")
    call_command("desk_tally", "--rebuild")
    assert tally.differences() == []
    call_command("desk_tally")
    report = stats.compute(stats.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert report.total.received == 2


# Committed, as the browser tests whose teardown runs `flush` (publishing's test_append_only).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_leaves_no_counts_and_the_triggers_in_place(people):
    new_message(people.education, received_on=dt.date(2026, 3, 2))
    assert StatsTally.objects.exists()
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not StatsTally.objects.exists() and not Message.objects.exists()
    assert tally.installed(connection)


def test_migrate_puts_back_triggers_a_table_rebuild_dropped(people):
    # Django rebuilds a SQLite table for some schema changes, dropping its triggers;
    # post_migrate (after every `migrate`) installs them again.
    from django.apps import apps
    from django.db.models.signals import post_migrate

    tally.remove(connection)
    assert not tally.installed(connection)
    post_migrate.send(
        sender=apps.get_app_config("desk"),
        app_config=apps.get_app_config("desk"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert tally.installed(connection)
    new_message(people.education, received_on=dt.date(2026, 3, 2))
    assert tally.differences() == []
