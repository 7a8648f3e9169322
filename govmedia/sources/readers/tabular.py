"""Tables exported from the back-ends of WeChat, Weibo and the like (.xlsx, .csv).

Platforms that forbid reading them offer only an export: a person downloads
it and uploads it (``read_table``), or the source's address serves it.
Each entry is one row; the columns are found by their header
(``core.tabular``: "*" marks, spaces and half-width brackets forgiven).

Config, the header of each field (these are the defaults)::

    {
      "columns": {
        "title": "标题", "date": "发布时间", "url": "链接", "key": "编号",
        "text": "内容", "author": "作者", "parent": "原文编号"
      },
      "extra": {"reads": "阅读数", "likes": "点赞数", "shares": "转发数", "comments": "评论数"}
    }

A row without a title, or with a date that cannot be read, is reported by
its row number and skipped; the good rows are kept. An empty date cell is
kept as no date (which counts as not updated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from govmedia.core import tabular
from govmedia.sources import dates
from govmedia.sources.readers.base import BAD_TABLE, Fetcher, ReadEntry, ReadError, ReadResult

KIND = "tabular"
DEFAULT_COLUMNS = {
    "title": "标题",
    "date": "发布时间",
    "url": "链接",
    "key": "编号",
    "text": "内容",
    "author": "作者",
    "parent": "原文编号",
}
DEFAULT_EXTRA = {"reads": "阅读数", "likes": "点赞数", "shares": "转发数", "comments": "评论数"}


def _number(text: str) -> int | float | str:
    cleaned = text.replace(",", "").strip()
    try:
        return int(cleaned)
    except ValueError:
        try:
            return float(cleaned)
        except ValueError:
            return text


def read_table(
    data: bytes, name: str, config: Mapping[str, Any], *, now: datetime | None = None
) -> ReadResult:
    """The entries of one exported table; per-row problems become warnings."""
    columns = {**DEFAULT_COLUMNS, **(config.get("columns") or {})}
    extra = dict(config.get("extra") or DEFAULT_EXTRA)
    headers = list(dict.fromkeys([*columns.values(), *extra.values()]))
    try:
        table = tabular.read_records(data, headers, required=[columns["title"]], name=name)
    except tabular.TableError as exc:
        raise ReadError(BAD_TABLE, str(exc), _table_error_zh(exc)) from exc
    result = ReadResult()
    for record in table.records:
        values = {field: record.values.get(header, "") for field, header in columns.items()}
        if not values["title"]:
            result.warnings.append(f"row {record.number}: no title; skipped")
            continue
        published_at = None
        if values["date"]:
            found = dates.find_date(values["date"], now)
            if found is None:
                result.warnings.append(
                    f"row {record.number}: cannot read the date {values['date']!r}; skipped"
                )
                continue
            published_at = found.at
        key = values["key"] or values["url"]
        if not key:
            digest = hashlib.sha256(f"{values['title']}\n{values['date']}".encode()).hexdigest()
            key = f"sha256:{digest[:32]}"
        result.entries.append(
            ReadEntry(
                key=key,
                url=values["url"],
                title=values["title"],
                text=values["text"],
                published_at=published_at,
                date_text=values["date"],
                author=values["author"],
                parent_key=values["parent"],
                extra={
                    field: _number(record.values[header])
                    for field, header in extra.items()
                    if record.values.get(header)
                },
            )
        )
    return result


def _table_error_zh(exc: tabular.TableError) -> str:
    if exc.reason == tabular.REASON_MISSING_COLUMNS:
        return f"表格缺少列：{'、'.join(exc.columns)}。"
    if exc.reason == tabular.REASON_LEGACY_XLS:
        return "这是 Excel 97-2003 的 .xls 文件，请另存为 .xlsx 后再导入。"
    if exc.reason == tabular.REASON_ENCODING:
        return "表格文字既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 后再导入。"
    if exc.reason == tabular.REASON_EMPTY:
        return "表格是空的，第一行应为表头。"
    return "无法读取该表格文件（支持 .xlsx、.csv）。"


class TabularReader:
    kind = KIND
    label = "导出表格（.xlsx/.csv）"

    def read(
        self,
        url: str,
        config: Mapping[str, Any],
        fetcher: Fetcher,
        *,
        etag: str = "",
        last_modified: str = "",
        since: datetime | None = None,
        now: datetime | None = None,
    ) -> ReadResult:
        """Read a table the source's address serves (a back-end's export link)."""
        fetched = fetcher.get(url, etag=etag, last_modified=last_modified)
        if fetched.not_modified:
            return ReadResult(
                not_modified=True, etag=etag, last_modified=last_modified, final_url=fetched.url
            )
        name = PurePosixPath(urlsplit(fetched.url).path).name or "export.csv"
        if "." not in name:
            name += ".xlsx" if fetched.content.startswith(tabular.ZIP_MAGIC) else ".csv"
        result = read_table(fetched.content, name, config, now=now)
        result.etag, result.last_modified, result.final_url = (
            fetched.etag,
            fetched.last_modified,
            fetched.url,
        )
        return result

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        problems = []
        for name in ("columns", "extra"):
            value = config.get(name)
            if value is not None and not (
                isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
            ):
                problems.append(f"{name} 应为“字段: 表头”的对象。")
        columns = config.get("columns") or {}
        unknown = set(columns) - set(DEFAULT_COLUMNS) if isinstance(columns, Mapping) else set()
        if unknown:
            problems.append(f"columns 中有未知字段：{'、'.join(sorted(unknown))}。")
        return problems


reader = TabularReader()
