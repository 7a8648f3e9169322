"""Build small .xlsx files in memory for the import tests."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from govmedia.orgs.importing import HEADERS


def xlsx(kind: str, rows: list[list], headers: list[str] | None = None) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or HEADERS[kind])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = f"{kind}.xlsx"
    return buffer


def read_back(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def refused(response) -> bool:
    """Forbidden, not found, or Wagtail's answer to a refused action: back to the dashboard."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url.rstrip("/").endswith("/admin")
