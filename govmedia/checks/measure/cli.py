"""``govmedia check-eval``: measure the content checks against real and labelled text.

Runs without Django (``python -m govmedia.checks.measure.cli``). Exit status:
0 every goal met, 1 a goal missed, 2 a usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import IO

from .sections import SECTIONS


def build_parser(prog: str = "govmedia check-eval") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Measure the content checks: false alarms on real official prose, typo "
            "detection on a labelled set, privacy recall on a generated set, and the "
            "guard for imported word lists. Each section prints its figures and goals."
        ),
    )
    sub = parser.add_subparsers(dest="section", metavar="SECTION", required=True)
    for module in SECTIONS:
        section = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(section)
        section.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None, out: IO[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args, out or sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
