"""`govmedia channels`: the channels' API credentials from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govmedia.orgs.models import Channel
from govmedia.publishing import credentials
from govmedia.publishing.publishers import PUBLISHERS, Publisher, PublishError, publisher_name_for


class Command(BaseCommand):
    help = (
        "The channels' publishing interfaces. `rekey` encrypts every channel's stored "
        "credentials again under the first key of GOVMEDIA_CREDENTIALS_KEY (put the new key "
        "first, keep the old one after it, run rekey, then drop the old key); `test CHANNEL_ID` "
        "asks the channel's publisher to check its credentials against the channel's API "
        "(exit 1 when the check fails). Credentials are set in the admin, in the channel's "
        "edit form (机构与渠道 → 渠道); no value is ever printed."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "rekey",
            help="encrypt every channel's credentials again under the first key of "
            "GOVMEDIA_CREDENTIALS_KEY",
            description="Encrypt every stored channel credential again under the first key of "
            "GOVMEDIA_CREDENTIALS_KEY (all keys listed there decrypt). Prints how many channels.",
        )
        test = sub.add_parser(
            "test",
            help="check a channel's credentials against its API",
            description="Ask the publisher serving the channel to check its stored credentials "
            "(for WeChat: fetch an access token; for Weibo: read the account). Prints the "
            "publisher's answer; exit 1 when the check fails or the channel cannot be checked.",
        )
        test.add_argument("channel_id", type=int, help="the channel's id (shown in the admin)")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_rekey(self, **options):
        try:
            count = credentials.rekey()
        except credentials.CredentialsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"re-encrypted the credentials of {count} channel(s) under the first key")

    def do_test(self, channel_id: int, **options):
        channel = Channel.objects.filter(pk=channel_id).first()
        if channel is None:
            raise CommandError(f"no channel {channel_id}")
        name = publisher_name_for(channel)
        if name is None:
            raise CommandError(f"{channel}: 该类型渠道没有自动发布接口（人工发布），无需检查凭据。")
        publisher = PUBLISHERS[name]()
        if type(publisher).check is Publisher.check:
            raise CommandError(f"{channel}: {publisher.check(channel)}")
        try:
            status = publisher.check(channel)
        except (PublishError, credentials.CredentialsError) as exc:
            raise CommandError(f"{channel}: 检查未通过：{exc}") from exc
        self.stdout.write(f"{channel}: {status}")
