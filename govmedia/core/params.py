"""Query parameters of the public pages, read so that no value can break a page.

An address can carry anything. `²` and `①` pass `str.isdigit()` but not
`int()`; a year of 0 or 10000 has no `datetime.date`; a 20-digit number does
not fit the databases' integers; PostgreSQL refuses a NUL character in any
string it is sent. The readers here take plain ASCII digits and ISO dates
inside the ranges the databases and `datetime` accept, and drop control
characters from free text. A filter given but unusable is ignored, and its
Chinese label kept in `ignored`, so the page answers 200 with the filter off
and says which one it ignored (docs/query-parameters.md).
"""

from __future__ import annotations

import datetime
import re

from django.http import HttpRequest

# The largest id the databases store (a signed 64-bit integer) and its digits.
MAX_ID = 2**63 - 1
MAX_YEAR = datetime.MAXYEAR
_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters (NUL among them) never belong in a search phrase.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QueryParams:
    """The GET parameters of one request, each read with its type and range."""

    def __init__(self, request: HttpRequest) -> None:
        self._data = request.GET
        self.ignored: list[str] = []

    def _raw(self, name: str) -> str:
        return self._data.get(name, "").strip()

    def _ignore(self, label: str) -> None:
        if label not in self.ignored:
            self.ignored.append(label)

    def whole_number(
        self, name: str, label: str, *, minimum: int = 1, maximum: int = MAX_ID
    ) -> int | None:
        """A whole number in [minimum, maximum]; None when absent or unusable."""
        value = self._raw(name)
        if not value:
            return None
        if _DIGITS.fullmatch(value):
            number = int(value)
            if minimum <= number <= maximum:
                return number
        self._ignore(label)
        return None

    def year(self, name: str, label: str) -> int | None:
        return self.whole_number(name, label, minimum=1, maximum=MAX_YEAR)

    def date(self, name: str, label: str) -> datetime.date | None:
        """A date written YYYY-MM-DD, as a date input sends it."""
        value = self._raw(name)
        if not value:
            return None
        if _ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self._ignore(label)
        return None

    def text(self, name: str, *, max_length: int) -> str:
        """Free text without control characters, at most max_length characters."""
        return _CONTROL.sub("", self._data.get(name, "")).strip()[:max_length]
