"""Reading what the command line is asked to check: text, HTML, .docx and .xlsx.

Every failure becomes an ``InputError`` with a one-line English message, so the
command line can report it and carry on with the next file.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from govmedia.core import tabular

TEXT_SUFFIXES = (".txt", ".text", ".md", ".csv", ".tsv")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CHECKABLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + (".docx", ".xlsx")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class InputError(Exception):
    """An input that cannot be checked; the message says why."""


@dataclass(frozen=True, slots=True)
class Document:
    source: str
    text: str
    html: bool
    encoding: str = "utf-8"


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030.

    GB18030 is a superset of GBK and GB2312, the usual encodings of older
    government documents. As a last resort, charset-normalizer guesses.
    """
    head = data[:8192]
    if not data.startswith(tabular.UTF16_BOMS) and b"\x00" not in head:
        controls = sum(1 for b in head if b < 0x20 and b not in b"\t\n\r\f\x1b")
        # Text has next to no control bytes; PDFs, images and archives have many.
        if head and controls / len(head) > 0.01:
            raise InputError(f"{source}: looks like a binary file, not text (control bytes)")
    try:
        return tabular.decode_text(data, source)
    except tabular.TableError as exc:
        if exc.reason != tabular.REASON_ENCODING or data.startswith(tabular.UTF16_BOMS):
            raise InputError(str(exc)) from exc
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputError(f"{source}: cannot tell the text encoding (tried UTF-8 and GB18030)")


def _docx_text(data: bytes, source: str) -> str:
    import docx  # python-docx; imported lazily, it is slow to load

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for bad files
        raise InputError(f"{source}: not a readable .docx file ({exc.__class__.__name__})") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx_text(data: bytes, source: str) -> str:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for bad files
        raise InputError(f"{source}: not a readable .xlsx file ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    lines.append("\t".join(cells).rstrip("\t"))
    finally:
        book.close()
    return "\n".join(lines)


def read_bytes(data: bytes, source: str, *, suffix: str = "", html: bool | None = None) -> Document:
    suffix = suffix.lower()
    if suffix == ".docx":
        text, encoding, is_html = _docx_text(data, source), "docx", False
    elif suffix == ".xlsx":
        text, encoding, is_html = _xlsx_text(data, source), "xlsx", False
    else:
        text, encoding = decode(data, source)
        is_html = suffix in HTML_SUFFIXES if html is None else html
        if (
            html is None
            and not suffix
            and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
        ):
            is_html = True
    if not text.strip():
        raise InputError(f"{source}: is empty; there is nothing to check")
    return Document(source, text, is_html, encoding)


def read_path(
    path: str,
    *,
    html: bool | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: io.BufferedIOBase | None = None,
) -> Document:
    """Read one input; ``-`` is standard input."""
    if path == "-":
        if stdin is None:
            raise InputError("standard input is not available")
        data = stdin.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(
                f"<stdin>: larger than {max_bytes // (1024 * 1024)} MB; split it or raise --max-size"
            )
        return read_bytes(data, "<stdin>", html=html)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or folder")
    if not p.is_file():
        raise InputError(f"{path}: not a regular file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{path}: {size / (1024 * 1024):.1f} MB is larger than the limit of "
            f"{max_bytes // (1024 * 1024)} MB; split the file or raise --max-size"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    return read_bytes(data, path, suffix=p.suffix, html=html)


def expand_paths(paths: list[str]) -> Iterator[str]:
    """Files as given; folders expanded to the checkable files inside them, sorted."""
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            yield from (
                str(f)
                for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in CHECKABLE_SUFFIXES
            )
        else:
            yield path
