"""Word lists as data: parsing ``.txt`` and ``.xlsx`` files into entries.

A row is ``term[<TAB>category[<TAB>severity[<TAB>suggestion[<TAB>subcategory[<TAB>note
[<TAB>boundary[<TAB>since[<TAB>except]]]]]]]]``. Empty trailing columns take the
file's defaults. In ``.txt`` files, ``#`` starts a comment line, and a comment of
the form ``# category: typo`` (also ``severity``, ``subcategory``, ``boundary``)
sets the default for the rows below it, so a plain one-word-per-line file needs
one header line.

The last three columns say when an entry applies:

- ``boundary``: ``word`` — a match must start and end on word boundaries of the
  text (jieba segmentation, see ``segment.py``), so 商确 is not found in 协商确定;
  ``any`` — anywhere. Empty: ``word`` for typo keys of two or three characters,
  ``any`` otherwise.
- ``since``: ``YYYY-MM-DD``, the date from which the term is outdated (for an
  abolished agency, the reform); a document written before it is not flagged.
  The current name goes in ``suggestion``.
- ``except``: longer phrases, separated by ``|``, that contain the term and in
  which it is not reported (税务机关代开发票|申请代开发票 for 代开发票). ``.xlsx`` files have the
same columns; a first row whose first cell is a column name is skipped.

A malformed row never stops a load: it is reported as a ``ListError`` with
its line number and reason, and the good rows are kept.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from govmedia.core import tabular

from .findings import (
    ALLOW,
    BLOCKING,
    EXPRESSION,
    INFO,
    LIST_CATEGORIES,
    SENSITIVE,
    SEVERITIES,
    TYPO,
    WARNING,
)
from .normalize import fold_entry

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN_LIST_DIR = DATA_DIR / "lists"
LIST_SUFFIXES = (".txt", ".tsv", ".xlsx")

DEFAULT_SEVERITY = {
    SENSITIVE: BLOCKING,
    EXPRESSION: WARNING,
    TYPO: WARNING,
    ALLOW: INFO,
}

# Chinese spellings accepted in imported spreadsheets, where editors write 类别 in Chinese.
_CATEGORY_ALIASES = {
    "敏感词": SENSITIVE,
    "敏感": SENSITIVE,
    "提法": EXPRESSION,
    "错误提法": EXPRESSION,
    "过时提法": EXPRESSION,
    "错别字": TYPO,
    "错字": TYPO,
    "例外": ALLOW,
    "允许": ALLOW,
    "白名单": ALLOW,
}
_SEVERITY_ALIASES = {"阻断": BLOCKING, "警告": WARNING, "提示": INFO}
_HEADER_WORDS = {"term", "entry", "word", "词条", "词语", "词", "敏感词"}
_MIN_TERM_LENGTH = 2
BOUNDARY_WORD = "word"
BOUNDARY_ANY = "any"
_BOUNDARY_ALIASES = {"词": BOUNDARY_WORD, "词边界": BOUNDARY_WORD, "任意": BOUNDARY_ANY}
# Typo keys of these lengths need word boundaries unless the row says otherwise.
_DEFAULT_BOUNDARY_LENGTHS = range(2, 4)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which
# made reloading 100,000 cached rows about twice as slow.
@dataclass(slots=True)
class ListEntry:
    """One row of a word list. ``key`` is the normalised term the matcher uses."""

    term: str
    category: str
    severity: str
    suggestion: str = ""
    subcategory: str = ""
    note: str = ""
    source: str = ""
    key: str = ""
    boundary: str = ""  # "word", "any" or "" (the default for the category and length)
    since: date | None = None  # outdated from this date (expressions)
    exceptions: tuple[str, ...] = ()  # normalised phrases containing the key: not reported

    def __post_init__(self) -> None:
        # Computed once here (OpenCC per term is the costly part of loading a list);
        # the on-disk cache stores it so a cached load skips it.
        if not self.key:
            self.key = fold_entry(self.term)

    @property
    def needs_boundary(self) -> bool:
        """Whether a match must align with word boundaries (see the module docstring)."""
        if self.boundary:
            return self.boundary == BOUNDARY_WORD
        return self.category == TYPO and len(self.key) in _DEFAULT_BOUNDARY_LENGTHS

    @property
    def rule(self) -> str:
        sub = f":{self.subcategory}" if self.subcategory else ""
        origin = f"@{self.source}" if self.source else ""
        return f"list:{self.category}{sub}{origin}"


@dataclass(frozen=True, slots=True)
class ListError:
    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


class ListFileError(Exception):
    """A list file that cannot be read at all (missing, not a list, corrupt)."""


def _normalise_category(value: str) -> tuple[str, str]:
    """Return (category, subcategory) from ``sensitive``, ``sensitive:涉赌`` or ``敏感词``."""
    value = value.strip()
    sub = ""
    for sep in (":", "：", "/"):
        if sep in value:
            value, sub = (part.strip() for part in value.split(sep, 1))
            break
    value = _CATEGORY_ALIASES.get(value, value.lower())
    return value, sub


def make_entry(
    fields: list[str],
    *,
    defaults: dict[str, str],
    source: str,
) -> ListEntry:
    """Build an entry from row fields; raise ``ValueError`` with a reason if malformed."""
    fields = [(f or "").strip() for f in fields] + [""] * 9
    term, category, severity, suggestion, subcategory, note = fields[:6]
    boundary, since, exceptions = fields[6:9]
    if not term:
        raise ValueError("empty term")
    category, sub_from_category = _normalise_category(category or defaults.get("category", ""))
    if not category:
        raise ValueError("no category (add a column or a '# category: ...' line)")
    if category not in LIST_CATEGORIES:
        raise ValueError(
            f"unknown category {category!r}; expected one of {', '.join(LIST_CATEGORIES)}"
        )
    severity = severity or defaults.get("severity", "") or DEFAULT_SEVERITY[category]
    severity = _SEVERITY_ALIASES.get(severity, severity.lower())
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; expected one of {', '.join(SEVERITIES)}")
    key = fold_entry(term)
    if len(key) < _MIN_TERM_LENGTH:
        raise ValueError(
            f"term {term!r} is shorter than {_MIN_TERM_LENGTH} characters once "
            "spaces and punctuation are removed; it would match too much"
        )
    boundary = boundary or defaults.get("boundary", "")
    boundary = _BOUNDARY_ALIASES.get(boundary, boundary.lower())
    if boundary not in ("", BOUNDARY_WORD, BOUNDARY_ANY):
        raise ValueError(f"unknown boundary {boundary!r}; expected word or any")
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        raise ValueError(f"since {since!r} is not a date like 2018-03-17") from None
    raw_phrases = [p.strip() for p in exceptions.replace("｜", "|").split("|") if p.strip()]
    phrases = tuple(fold_entry(p) for p in raw_phrases)
    for phrase, raw in zip(phrases, raw_phrases, strict=True):
        if key not in phrase or phrase == key:
            raise ValueError(f"exception {raw!r} must be longer than and contain {term!r}")
    return ListEntry(
        term=term,
        category=category,
        severity=severity,
        suggestion=suggestion,
        subcategory=subcategory or sub_from_category or defaults.get("subcategory", ""),
        note=note,
        source=source,
        key=key,
        boundary=boundary,
        since=since_date,
        exceptions=phrases,
    )


def parse_rows(
    rows: Iterable[tuple[int, list[str]]], *, source: str, defaults: dict[str, str] | None = None
) -> tuple[list[ListEntry], list[ListError]]:
    """Parse numbered rows of fields; keep good rows, report bad ones."""
    defaults = dict(defaults or {})
    entries: list[ListEntry] = []
    errors: list[ListError] = []
    for line_no, fields in rows:
        try:
            entries.append(make_entry(fields, defaults=defaults, source=source))
        except ValueError as exc:
            errors.append(ListError(source, line_no, str(exc)))
    return entries, errors


def parse_text(
    content: str, *, source: str, defaults: dict[str, str] | None = None
) -> tuple[list[ListEntry], list[ListError]]:
    """Parse the ``.txt`` format (see module docstring)."""
    defaults = dict(defaults or {})
    entries: list[ListEntry] = []
    errors: list[ListError] = []
    for line_no, raw in enumerate(content.splitlines(), start=1):
        line = raw.lstrip("\ufeff").rstrip("\r\n")
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            directive = line.lstrip()[1:].strip()
            name, sep, value = directive.partition(":")
            if sep and name.strip().lower() in ("category", "severity", "subcategory", "boundary"):
                defaults[name.strip().lower()] = value.strip()
            continue
        new, bad = parse_rows([(line_no, line.split("\t"))], source=source, defaults=defaults)
        entries += new
        errors += bad
    return entries, errors


def parse_xlsx(
    path: Path, *, source: str, defaults: dict[str, str] | None = None
) -> tuple[list[ListEntry], list[ListError]]:
    """Parse the first sheet of an ``.xlsx`` list; row numbers are spreadsheet rows."""
    try:
        rows = [(row.number, row.cells) for row in tabular.read_rows(path)]
    except tabular.TableError as exc:
        raise ListFileError(str(exc)) from exc
    if (
        rows
        and rows[0][0] == 1
        and tabular.normalise_header(rows[0][1][0]).lower() in _HEADER_WORDS
    ):
        rows = rows[1:]
    return parse_rows(rows, source=source, defaults=defaults)


def load_list_file(
    path: Path | str, *, defaults: dict[str, str] | None = None
) -> tuple[list[ListEntry], list[ListError]]:
    """Load one list file by its suffix."""
    path = Path(path)
    source = path.name
    if not path.is_file():
        raise ListFileError(f"{path}: no such list file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return parse_xlsx(path, source=source, defaults=defaults)
    if suffix not in (".txt", ".tsv"):
        raise ListFileError(f"{path}: list files must end in .txt, .tsv or .xlsx")
    try:
        content, _encoding = tabular.decode_text(path.read_bytes(), str(path))
    except tabular.TableError as exc:
        raise ListFileError(str(exc)) from exc
    return parse_text(content, source=source, defaults=defaults)


def list_files(path: Path | str) -> list[Path]:
    """The list files in a folder (sorted, so later files override earlier ones), or the file."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in LIST_SUFFIXES)
    return [path]


def load_lists(
    paths: Iterable[Path | str], *, cache_dir: Path | None = None
) -> tuple[list[ListEntry], list[ListError]]:
    """Load list files and folders, using the on-disk parse cache when given."""
    entries: list[ListEntry] = []
    errors: list[ListError] = []
    for top in paths:
        for path in list_files(top):
            new, bad = load_list_file_cached(path, cache_dir=cache_dir)
            entries += new
            errors += bad
    return entries, errors


def load_builtin_lists(
    cache_dir: Path | None = None,
) -> tuple[list[ListEntry], list[ListError]]:
    return load_lists([BUILTIN_LIST_DIR], cache_dir=cache_dir)


# --- on-disk cache -----------------------------------------------------------
# Parsing and normalising 100,000 rows takes seconds (OpenCC per row); the cache
# keeps the parsed rows keyed by the file's content hash, so a reload costs one
# hash and one unpickle. The automaton itself cannot be pickled (ahocorasick_rs
# objects are not serialisable); rebuilding it from the cached keys is ~0.7 s.

_CACHE_VERSION = 3


def default_cache_dir() -> Path:
    base = os.environ.get("GOVMEDIA_CHECKS_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "govmedia" / "checks"


def load_list_file_cached(
    path: Path, *, cache_dir: Path | None
) -> tuple[list[ListEntry], list[ListError]]:
    if cache_dir is None or not path.is_file():
        return load_list_file(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ListFileError(f"{path}: cannot read ({exc})") from exc
    cache_file = cache_dir / f"list-v{_CACHE_VERSION}-{digest}.pickle"
    if cache_file.is_file():
        try:
            with cache_file.open("rb") as fh:
                rows, bad = pickle.load(fh)
            return [ListEntry(*row) for row in rows], [ListError(*e) for e in bad]
        except Exception:  # a corrupt or foreign cache file is rebuilt, never fatal
            pass
    entries, errors = load_list_file(path)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".tmp{os.getpid()}")
        with tmp.open("wb") as fh:
            rows = [
                (
                    e.term,
                    e.category,
                    e.severity,
                    e.suggestion,
                    e.subcategory,
                    e.note,
                    e.source,
                    e.key,
                    e.boundary,
                    e.since,
                    e.exceptions,
                )
                for e in entries
            ]
            bad = [(e.source, e.line, e.reason) for e in errors]
            pickle.dump((rows, bad), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    except OSError:
        pass  # a read-only cache directory only costs speed
    return entries, errors
