"""`govmedia reach pull | scores`: pull the platforms' statistics now, or recompute WCI/BCI."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = (
        "Reach statistics of the WeChat and Weibo accounts. `pull` asks the platforms' APIs "
        "for one day's figures (default: yesterday) of every active account with credentials, "
        "or of the --channel given; pulling a day twice changes nothing. `scores` recomputes "
        "and stores the WCI/BCI of every account for the day, week and month containing --day. "
        "The worker pulls yesterday once a day by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["pull", "scores"])
        parser.add_argument(
            "--day", type=_date, default=None, help="YYYY-MM-DD (default: yesterday)"
        )
        parser.add_argument(
            "--channel", type=int, action="append", help="a channel id (repeatable)"
        )

    def handle(self, *args, **options):
        from govmedia.orgs.models import Channel, ChannelKind
        from govmedia.reach import pull, scoring
        from govmedia.reach.models import PeriodKind

        day = options["day"] or timezone.localdate() - timedelta(days=1)
        if options["action"] == "pull":
            channels = pull.pullable_channels()
        else:
            channels = Channel.objects.filter(kind__in=[ChannelKind.WECHAT, ChannelKind.WEIBO])
        if options["channel"]:
            channels = channels.filter(pk__in=options["channel"])
        failed = 0
        for channel in channels:
            if options["action"] == "scores":
                for period in PeriodKind.values:
                    score = scoring.compute(channel, period, day)
                    if score is not None:
                        self.stdout.write(
                            f"{channel.pk} {channel.name} {period} {score.start}: "
                            f"{score.index} {score.value:.2f} ({score.version})"
                        )
                continue
            try:
                result = pull.pull_channel(channel, day)
            except Exception as exc:  # report every channel, then fail
                failed += 1
                self.stderr.write(f"{channel.pk} {channel.name}: failed: {exc}")
                continue
            self.stdout.write(
                f"{channel.pk} {channel.name} {day}: {result['posts']} posts, {result['stats']} figures"
            )
        if failed:
            raise CommandError(f"{failed} channel(s) could not be pulled")
