"""Steps of the WeChat fault test, each run as its own process (as `fault_script.py`).

    python -m govmedia.publishing.tests.wechat_fault_script seed API_BASE APPID SECRET TITLE
    python -m govmedia.publishing.tests.wechat_fault_script state TITLE

`seed` makes (or reuses) a WeChat channel, points its credentials at the
fake server, and makes an item titled TITLE chosen for it, approved and due
now, so the worker's scheduled publishing sends it. `state` prints the WeChat
deliveries of that item as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
    import django

    django.setup()


def seed(api_base: str, appid: str, secret: str, title: str) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from govmedia.devtools.testing import make_people
    from govmedia.orgs.models import Channel, ChannelKind
    from govmedia.publishing.credentials import set_credentials
    from govmedia.publishing.tests.factories import draft_item

    channel = Channel.objects.filter(kind=ChannelKind.WECHAT, account_id="sl-jy").first()
    if channel is None:
        people = make_people()
        channel = Channel.objects.create(
            department=people.education,
            kind=ChannelKind.WECHAT,
            name="示例教育",
            account_id="sl-jy",
        )
    editor = get_user_model().objects.get(username="editor")
    set_credentials(channel, {"appid": appid, "secret": secret, "api_base": api_base})
    item = draft_item(channel.department, editor, title=title)
    item.channels.set([channel])
    item.go_live_at = timezone.now()
    revision = item.save_revision(user=editor)
    revision.approved_go_live_at = item.go_live_at
    revision.save(update_fields=["approved_go_live_at"])
    print("seeded", flush=True)


def state(title: str) -> None:
    from govmedia.publishing.models import Delivery

    rows = list(
        Delivery.objects.filter(publisher="wechat", page__title=title).values(
            "status", "attempts", "external_id", "external_url", "last_error", "progress"
        )
    )
    print(json.dumps(rows, ensure_ascii=False, default=str))


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], argv[1:]
    if command == "seed":
        seed(*args)
    elif command == "state":
        state(*args)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
