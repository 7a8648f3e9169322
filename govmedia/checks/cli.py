"""``govmedia check``: check texts, HTML, .docx and .xlsx files from the command line.

Runs without Django (``python -m govmedia.checks.cli``); the ``checktext``
management command delegates here, adding the lists kept in the database.

Exit status: 0 nothing blocking, 1 something blocking, 2 a usage or input
error (reported in one English line on stderr, never a traceback).

``govmedia check`` runs this module directly, without starting Django, unless
an installation is configured whose database lists are wanted (see
``govmedia/cli.py``); ``environment_args`` then supplies the defaults the
settings would have given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

from .engine import CheckReport, Engine
from .evaluate import EvaluationFileError, evaluate
from .findings import CATEGORY_LABELS, SEVERITY_LABELS, TYPO, Finding
from .inputs import DEFAULT_MAX_BYTES, Document, InputError, expand_paths, read_path
from .leaders_file import LeaderFileError, load_leaders
from .lists import ListEntry, ListFileError, default_cache_dir, load_builtin_lists, load_lists
from .rules.format import (
    Edit,
    FindingGroup,
    apply_edits,
    entry_dict,
    fix_html,
    format_edits,
    group_findings,
)
from .rules.leaders import Leader
from .rules.links import DEFAULT_TIMEOUT, LinkChecker
from .rules.privacy import mask_text

EXIT_OK = 0
EXIT_BLOCKING = 1
EXIT_ERROR = 2

# Extra entries and leaders supplied by the caller (the Django command adds the database's).
ExtraSource = Callable[[], tuple[list[ListEntry], list[Leader]]]

FIX_SCOPES = ("format", "all")
# Text and HTML can be written back; a .docx or .xlsx would need its own writer.
_UNFIXABLE_ENCODINGS = ("docx", "xlsx")
# How many positions of a grouped format finding the text report spells out.
_POSITIONS_SHOWN = 10
# A list typo's suggestion that --fix=all may apply: one word of Chinese characters,
# no alternatives (、/或) and no explanation in brackets.
_SINGLE_WORD_RE = re.compile("[\u4e00-\u9fff]{1,12}")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit 2 itself
        raise UsageError(message)


def build_parser(prog: str = "govmedia check") -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        description=(
            "Check texts for sensitive words, outdated expressions, wrong leader titles, "
            "typos, privacy leaks, broken or forbidden links and punctuation problems. "
            "Exit status: 0 nothing blocking, 1 something blocking, 2 usage or input error."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders to check (.txt, .html, .docx, .xlsx); '-' or nothing reads stdin",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--show-text", action="store_true", help="print the visible text that offsets refer to"
    )
    parser.add_argument(
        "--mask", action="store_true", help="print the text with privacy findings masked"
    )
    parser.add_argument(
        "--addresses",
        action="store_true",
        help="also report street addresses with a house number (privacy; off by default)",
    )
    parser.add_argument(
        "--lists",
        action="append",
        default=[],
        metavar="PATH",
        help="add word lists from a .txt/.xlsx file or a folder (repeatable)",
    )
    parser.add_argument(
        "--no-builtin", action="store_true", help="do not load the built-in word lists"
    )
    parser.add_argument(
        "--leaders",
        metavar="FILE",
        help="leader table (.txt/.tsv/.xlsx: name, title, organisation, start, end)",
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="date at which leader titles are checked (default today)",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the document's date (成文日期): names outdated only after it are not flagged",
    )
    parser.add_argument(
        "--forbidden-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a host whose links are blocking findings (repeatable; subdomains included)",
    )
    parser.add_argument("--no-links", action="store_true", help="do not check links over HTTP")
    parser.add_argument(
        "--link-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="per-link timeout",
    )
    parser.add_argument(
        "--typo-model",
        action="store_true",
        help=(
            "also run the statistical typo finder (a pass of its own, suggestions only, "
            "never blocking; loads a 5 MB model in under a second)"
        ),
    )
    parser.add_argument("--html", action="store_true", help="treat stdin and unknown files as HTML")
    parser.add_argument(
        "--fix",
        nargs="?",
        const="format",
        metavar="format|all",
        help=(
            "write the corrected text: 'format' (the default) applies the mechanical format "
            "fixes (half-width punctuation, doubled marks, bracket widths); 'all' also "
            "replaces list typos whose suggestion is a single word. Text and HTML only; "
            "to stdout (the report then goes to stderr), to -o FILE, or --in-place"
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="with --fix: write the corrected text of the one input to FILE",
    )
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="with --fix: rewrite each file, keeping the original as FILE.bak (FILE.bak.1, ...)",
    )
    parser.add_argument(
        "--no-group",
        dest="group",
        action="store_false",
        help="list every format finding on its own (default: one entry per rule with a count)",
    )
    parser.add_argument(
        "--no-db",
        action="store_true",
        help=(
            "do not use the word lists and leaders kept in the installation's database "
            "(`govmedia check` then does not start Django)"
        ),
    )
    parser.add_argument(
        "--max-size",
        type=float,
        default=DEFAULT_MAX_BYTES / (1024 * 1024),
        metavar="MB",
        help="refuse files larger than this (default %(default)s MB)",
    )
    parser.add_argument(
        "--evaluate",
        metavar="FILE",
        help="run a labelled .jsonl set and print precision and recall per category",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: on for several files when stderr is a terminal)",
    )
    return parser


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def format_report(report: CheckReport, *, show_text: bool, mask: bool, group: bool = True) -> str:
    out: list[str] = []
    blocking = report.stats.get("blocking", 0)
    out.append(f"{report.source}: {len(report.findings)} finding(s), {blocking} blocking")
    if show_text:
        out.append("--- visible text ---")
        out.append(report.text)
        out.append("--- end of text ---")
    if mask:
        out.append("--- masked text ---")
        out.append(mask_text(report.text, report.findings))
        out.append("--- end of masked text ---")
    entries: Sequence[Finding | FindingGroup] = (
        group_findings(report.findings) if group else report.findings
    )
    for entry in entries:
        f = entry.first if isinstance(entry, FindingGroup) else entry
        line, col = _line_col(report.text, f.start)
        label = f"{CATEGORY_LABELS.get(f.category, f.category)}/{SEVERITY_LABELS.get(f.severity, f.severity)}"
        text = f.text if len(f.text) <= 60 else f.text[:57] + "…"
        suggestion = f" → {f.suggestion}" if f.suggestion else ""
        if isinstance(entry, FindingGroup) and entry.count > 1:
            shown = ", ".join(
                ":".join(map(str, _line_col(report.text, start)))
                for start, _ in entry.positions[:_POSITIONS_SHOWN]
            )
            more = entry.count - _POSITIONS_SHOWN
            if more > 0:
                shown += f", … (+{more} more)"
            out.append(
                f"  {line}:{col} [{f.severity}] {f.category} ({label}) “{text}”{suggestion}"
                f"  ×{entry.count} at {shown}  [{f.rule}]"
            )
        else:
            out.append(
                f"  {line}:{col} [{f.severity}] {f.category} ({label}) “{text}”{suggestion}  [{f.rule}; {f.start}-{f.end}]"
            )
        if f.reason:
            out.append(f"      why: {f.reason}")
    return "\n".join(out)


def _date_option(option: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r} is not a date like 2026-06-01") from exc


def _err(stream: IO[str], message: str) -> None:
    print(f"govmedia check: {message}", file=stream)


def environment_args(environ: dict[str, str] | None = None) -> list[str]:
    """The defaults Django's settings would pass, read from the same variables without Django.

    GOVMEDIA_CHECKS_LINK_TIMEOUT and GOVMEDIA_CHECKS_FORBIDDEN_HOSTS (comma
    separated), placed before the user's arguments so those win.
    """
    env = os.environ if environ is None else environ
    args = []
    timeout = env.get("GOVMEDIA_CHECKS_LINK_TIMEOUT", "").strip()
    if timeout:
        args.append(f"--link-timeout={timeout}")
    hosts = env.get("GOVMEDIA_CHECKS_FORBIDDEN_HOSTS", "")
    args += [f"--forbidden-host={h.strip()}" for h in hosts.split(",") if h.strip()]
    return args


# --- --fix ----------------------------------------------------------------------


class NotFixable(Exception):
    pass


def suggestion_edits(findings: Sequence[Finding]) -> list[Edit]:
    """Corrections of list typos whose suggestion is one unambiguous word (--fix=all)."""
    return [
        Edit(f.start, f.end, f.suggestion, f.rule)
        for f in findings
        if f.category == TYPO
        and f.rule.startswith("list:")
        and _SINGLE_WORD_RE.fullmatch(f.suggestion)
        and f.suggestion != f.text
    ]


def corrected_text(
    document: Document, report: CheckReport, engine: Engine, scope: str
) -> tuple[str, int]:
    """The document's text with the corrections of ``scope`` applied, and how many."""
    if document.encoding in _UNFIXABLE_ENCODINGS:
        raise NotFixable(
            f"{document.source}: only text and HTML files can be fixed; "
            f"this .{document.encoding} file was checked but not changed"
        )
    if not document.html:
        # The report's offsets are the text's own: no second check is needed.
        edits = format_edits(document.text)
        if scope == "all":
            edits += suggestion_edits(report.findings)
        return apply_edits(document.text, edits)
    if scope == "all":
        return fix_html(
            document.text,
            lambda node: format_edits(node) + suggestion_edits(engine.check(node).findings),
        )
    return fix_html(document.text)


def _backup_path(path: Path) -> Path:
    backup = path.with_name(path.name + ".bak")
    n = 0
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.bak.{n}")
    return backup


def write_fixed(document: Document, fixed: str, args: argparse.Namespace, stdout: IO[str]) -> str:
    """Write the corrected text where the options say; return a description of where."""
    try:
        if args.in_place:
            path = Path(document.source)
            backup = _backup_path(path)
            shutil.copy2(path, backup)
            path.write_text(fixed, encoding=document.encoding, newline="")
            return f"{path} (original kept as {backup.name})"
        if args.output:
            Path(args.output).write_text(fixed, encoding=document.encoding, newline="")
            return args.output
    except OSError as exc:
        raise NotFixable(f"cannot write the corrected text: {exc}") from exc
    stdout.write(fixed)
    stdout.flush()
    return "standard output"


def main(
    argv: Sequence[str] | None = None,
    *,
    prog: str = "govmedia check",
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    extra: ExtraSource | None = None,
) -> int:
    """Run the command line; return the exit status instead of exiting."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        return _run(
            list(sys.argv[1:] if argv is None else argv), prog, stdin, stdout, stderr, extra
        )
    except UsageError as exc:
        _err(stderr, f"{exc} (see {prog} --help)")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (| head); nothing useful is left to say.
        return EXIT_OK
    except Exception as exc:  # the promise is no traceback; GOVMEDIA_DEBUG=1 shows it
        if os.environ.get("GOVMEDIA_DEBUG"):
            raise
        _err(stderr, f"internal error: {exc.__class__.__name__}: {exc}")
        return EXIT_ERROR


def _run(
    argv: list[str],
    prog: str,
    stdin: IO[bytes] | None,
    stdout: IO[str],
    stderr: IO[str],
    extra: ExtraSource | None,
) -> int:
    parser = build_parser(prog)
    if "-h" in argv or "--help" in argv:
        parser.print_help(stdout)
        return EXIT_OK
    args = parser.parse_args(argv)
    if args.fix is not None and args.fix not in FIX_SCOPES:
        # `--fix FILE`: argparse took the first path for the optional scope.
        args.paths.insert(0, args.fix)
        args.fix = "format"
    if (args.output or args.in_place) and not args.fix:
        raise UsageError("-o and --in-place go with --fix")
    if args.output and args.in_place:
        raise UsageError("choose either -o FILE or --in-place")
    status = EXIT_OK
    cache_dir = default_cache_dir()

    entries: list[ListEntry] = []
    if not args.no_builtin:
        builtin, _ = load_builtin_lists(cache_dir=cache_dir)
        entries += builtin
    try:
        added, row_errors = load_lists([Path(p) for p in args.lists], cache_dir=cache_dir)
    except ListFileError as exc:
        _err(stderr, str(exc))
        return EXIT_ERROR
    for error in row_errors:
        _err(stderr, f"list row skipped: {error}")
    if row_errors:
        status = EXIT_ERROR
    entries += added

    leaders: list[Leader] = []
    if args.leaders:
        try:
            leaders, leader_errors = load_leaders(Path(args.leaders))
        except LeaderFileError as exc:
            _err(stderr, str(exc))
            return EXIT_ERROR
        for error in leader_errors:
            _err(stderr, f"leader row skipped: {error}")
        if leader_errors:
            status = EXIT_ERROR
    if extra is not None:
        more_entries, more_leaders = extra()
        entries += more_entries
        leaders += more_leaders

    if args.evaluate:
        try:
            result = evaluate(Path(args.evaluate), entries=entries)
        except (EvaluationFileError, KeyError, TypeError, ValueError) as exc:
            _err(stderr, f"{args.evaluate}: {exc}")
            return EXIT_ERROR
        if args.format == "json":
            print(json.dumps(result.to_dict(), ensure_ascii=False), file=stdout)
        else:
            print(f"{result.passages} passages", file=stdout)
            print(result.table(), file=stdout)
            for mistake in result.mistakes:
                print(f"  {mistake}", file=stdout)
        return status

    today = _date_option("--as-of", args.as_of)
    document_date = _date_option("--date", args.date)
    if args.max_size <= 0:
        raise UsageError("--max-size must be positive")
    engine = Engine(
        entries,
        leaders,
        forbidden_hosts=args.forbidden_host,
        link_checker=None if args.no_links else LinkChecker(timeout=args.link_timeout),
        addresses=args.addresses,
        today=today,
        typo_finder=_typo_finder() if args.typo_model else None,
    )

    paths = list(expand_paths(args.paths or ["-"]))
    if not paths:
        raise UsageError("no checkable files found in the given folders")
    if paths.count("-") > 1:
        raise UsageError("standard input ('-') can be read only once")
    if args.fix and not args.in_place and len(paths) > 1:
        raise UsageError(
            "--fix writes one corrected text (to stdout or -o FILE); use --in-place for several files"
        )
    if args.in_place and "-" in paths:
        raise UsageError("--in-place cannot rewrite standard input; use -o FILE or stdout")
    # The corrected text takes standard output unless it goes to a file; the report moves aside.
    report_out = stderr if args.fix and not (args.output or args.in_place) else stdout
    show_progress = (
        args.progress if args.progress is not None else (len(paths) > 1 and stderr.isatty())
    )
    iterator: Any = paths
    if show_progress:
        from tqdm import tqdm

        iterator = tqdm(paths, file=stderr, unit="file", desc="checking")
    raw_stdin = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
    max_bytes = int(args.max_size * 1024 * 1024)
    any_blocking = False
    for path in iterator:
        try:
            document = read_path(
                path, html=True if args.html else None, max_bytes=max_bytes, stdin=raw_stdin
            )
        except InputError as exc:
            _err(stderr, str(exc))
            status = EXIT_ERROR
            continue
        report = engine.check(
            document.text,
            html=document.html,
            source=document.source,
            document_date=document_date,
        )
        report.stats["encoding"] = document.encoding
        any_blocking = any_blocking or report.has_blocking
        fixed: tuple[int, str] | None = None
        if args.fix:
            try:
                text, count = corrected_text(document, report, engine, args.fix)
                fixed = (count, write_fixed(document, text, args, stdout))
            except NotFixable as exc:
                _err(stderr, str(exc))
                status = EXIT_ERROR
        _print_report(report, args, fixed, report_out)
    if status == EXIT_ERROR:
        return EXIT_ERROR
    return EXIT_BLOCKING if any_blocking else EXIT_OK


def _print_report(
    report: CheckReport, args: argparse.Namespace, fixed: tuple[int, str] | None, out: IO[str]
) -> None:
    if args.format == "json":
        obj = report.to_dict(include_text=args.show_text)
        if args.group:
            obj["findings"] = [entry_dict(e) for e in group_findings(report.findings)]
        if args.mask:
            obj["masked_text"] = mask_text(report.text, report.findings)
        if fixed is not None:
            obj["fixed"], obj["fixed_to"] = fixed
        print(json.dumps(obj, ensure_ascii=False), file=out)
        return
    print(
        format_report(report, show_text=args.show_text, mask=args.mask, group=args.group), file=out
    )
    if fixed is not None:
        print(f"  fixed {fixed[0]} problem(s); corrected text written to {fixed[1]}", file=out)


def _typo_finder() -> Any:
    from .typos.finder import TypoFinder  # numpy and the model load only when asked

    return TypoFinder()


if __name__ == "__main__":
    sys.exit(main())
