"""Steps of the fault-injection test, each run as its own (killable) process.

    python -m govmedia.publishing.tests.fault_script seed COUNT SPREAD_SECONDS
    python -m govmedia.publishing.tests.fault_script withdraw COUNT
    python -m govmedia.publishing.tests.fault_script check

The database and data directory come from the environment (DATABASE_URL,
GOVMEDIA_DATA_DIR), as for `govmedia worker`. `check` prints one JSON object:
{"problems": [...], "stats": {...}}.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
from collections import Counter
from datetime import timedelta


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    import django

    django.setup()


def seed(count: int, spread: float) -> None:
    from django.utils import timezone

    from govmedia.devtools.testing import make_people
    from govmedia.orgs.models import Channel
    from govmedia.publishing.tests.factories import draft_item

    people = make_people()
    channel = Channel.objects.create(department=people.education, kind="app", name="故障测试客户端")
    start = timezone.now()
    for number in range(count):
        item = draft_item(people.education, people.editor, title=f"故障注入测试信息第{number}号")
        at = start + timedelta(seconds=spread * number / count)
        item.channels.set([channel])
        item.go_live_at = at
        revision = item.save_revision(user=people.editor)
        # Approved for this time, as the workflow's sign-off leaves a scheduled item.
        revision.approved_go_live_at = at
        revision.save(update_fields=["approved_go_live_at"])
    print(f"seeded {count}")


def withdraw(count: int) -> None:
    from django.contrib.auth import get_user_model

    from govmedia.publishing.actions import do_withdraw_item
    from govmedia.publishing.models import ItemPage

    approver = get_user_model().objects.get(username="approver")
    print("ready", flush=True)
    live = list(ItemPage.objects.live().values_list("pk", flat=True))
    for pk in random.sample(live, min(count, len(live))):
        item = ItemPage.objects.get(pk=pk)
        if item.live:
            do_withdraw_item(approver, item, "故障注入测试：撤稿")
            print(f"withdrew {pk}", flush=True)


def check() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import PageLogEntry

    from govmedia.portal.models import SearchTerm
    from govmedia.publishing.models import ArchiveKind, ArchiveRecord, Delivery, ItemPage
    from govmedia.publishing.tests.fault_publisher import sent_keys

    problems: list[str] = []
    records = list(ArchiveRecord.objects.values_list("page_id", "kind", "payload__revision_id"))
    publications = Counter(
        (page_id, revision_id)
        for page_id, kind, revision_id in records
        if kind != ArchiveKind.WITHDRAWAL
    )
    withdrawal_records = Counter(
        page_id for page_id, kind, _ in records if kind == ArchiveKind.WITHDRAWAL
    )
    withdraw_actions = Counter(
        PageLogEntry.objects.filter(action="govmedia.withdraw").values_list("page_id", flat=True)
    )
    indexed = set(SearchTerm.objects.values_list("page_id", flat=True).distinct())
    items = list(ItemPage.objects.values_list("pk", "live", "live_revision_id"))
    for pk, live, revision_id in items:
        if live:
            if publications[(pk, revision_id)] != 1:
                problems.append(
                    f"item {pk}: {publications[(pk, revision_id)]} records of live revision"
                )
            if pk not in indexed:
                problems.append(f"item {pk}: live but not in the search index")
        if withdrawal_records[pk] != withdraw_actions[pk]:
            problems.append(
                f"item {pk}: {withdraw_actions[pk]} withdrawal(s), "
                f"{withdrawal_records[pk]} withdrawal record(s)"
            )
    for (pk, revision_id), n in publications.items():
        if n != 1:
            problems.append(f"item {pk}: revision {revision_id} sealed {n} times")
    unpublished_due = [pk for pk, live, _ in items if not live and not withdraw_actions[pk]]
    if unpublished_due:
        problems.append(f"items never published: {unpublished_due[:10]}")

    sends = Counter(sent_keys())
    statuses = Counter()
    for key, status, publisher in Delivery.objects.values_list(
        "idempotency_key", "status", "publisher"
    ):
        statuses[status] += 1
        if status not in {"sent", "retracted"}:
            problems.append(f"delivery {key}: left {status}")
        if publisher == "faultfile":
            expected = 1 if status == "sent" else 0
            if sends[key] != expected:
                problems.append(f"delivery {key} ({status}) went out {sends[key]} time(s)")
    known = set(Delivery.objects.values_list("idempotency_key", flat=True))
    problems += [f"send {key} has no delivery" for key in sends if key not in known]

    running = DBTaskResult.objects.filter(status="RUNNING").count()
    if running:
        problems.append(f"{running} task row(s) stuck RUNNING")
    try:
        call_command("archive", "verify", "--quiet", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        problems.append(f"archive verify: {exc}")
    stats = {
        "items": len(items),
        "live": sum(1 for _, live, _ in items if live),
        "withdrawals": sum(withdraw_actions.values()),
        "records": len(records),
        "sends": sum(sends.values()),
        "deliveries": dict(statuses),
        "tasks_lost": DBTaskResult.objects.filter(
            exception_class_path="govmedia.core.workers.WorkerLost"
        ).count(),
    }
    print(json.dumps({"problems": problems, "stats": stats}, ensure_ascii=False))


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], argv[1:]
    if command == "seed":
        seed(int(args[0]), float(args[1]))
    elif command == "withdraw":
        withdraw(int(args[0]))
    elif command == "check":
        check()
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
