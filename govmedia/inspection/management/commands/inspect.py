"""`govmedia inspect`: run an inspection round now."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = (
        "Run an inspection round: judge every watched channel against the indicators of "
        "国办秘函〔2019〕19号 (as set in the admin's rule table) as of the end of a day, score and "
        "rank the departments, issue rectification notices (整改通知), confirm or reopen the "
        "notices marked 已整改, and alert channels nearing a veto. It judges what sources has "
        "already read; it does not read the channels. A second round for the same day replaces "
        "the first. The worker runs one a day by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help="the last day of the period judged, YYYY-MM-DD (default: yesterday, Asia/Shanghai)",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="no progress bar (the default off a terminal)",
        )

    def handle(self, *args, **options):
        from govmedia.inspection.service import SHANGHAI, run_round

        day = options["date"] or timezone.localdate(timezone.now(), SHANGHAI) - timedelta(days=1)
        show = not options["no_progress"] and sys.stderr.isatty()
        bar = None

        def progress(step: str, done: int, total: int) -> None:
            nonlocal bar
            if not show:
                return
            from tqdm import tqdm

            if step == "judge":
                if bar is None:
                    bar = tqdm(total=total, desc="judging channels", unit="channel")
                bar.update(done - bar.n)

        round_ = run_round(day, progress=progress)
        if bar is not None:
            bar.close()
        states = {}
        for state in round_.department_results.values_list("state", flat=True):
            states[state] = states.get(state, 0) + 1
        self.stdout.write(
            f"Round of {day:%Y-%m-%d}: {round_.channels} channels, {round_.departments} departments "
            f"(healthy {states.get('healthy', 0)}, warned {states.get('warned', 0)}, "
            f"vetoed {states.get('vetoed', 0)}) in {round_.seconds:.1f} s; "
            f"{round_.notices.count()} rectification notices issued."
        )
