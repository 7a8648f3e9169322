"""A generic JSON API, mapped by paths.

Config::

    {
      "items": "data.items[*]",          # where the list is (required)
      "key": "id",                       # each field by its path within an item
      "title": "title",
      "url": "url",                      # relative addresses are joined to the API's
      "date": "pub_time",                # text in any form of dates.py, or epoch seconds/ms
      "text": "content",
      "author": "user.name",
      "parent": "retweeted_status.id",   # the post this one reposts or answers
      "extra": {"reposts": "reposts_count", "likes": "attitudes_count"},
      "url_template": "https://example.gov.cn/a/{id}"  # when items carry no address
    }

A path is names joined by dots, with ``[n]`` for the n-th element and
``[*]`` for every element; an absent step gives nothing, never an error.
The body must be JSON (``not_json`` otherwise); when the list path finds no
list at all, the API has changed (``layout_changed``: "接口返回的数据结构已改变");
an empty list is an empty source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from govmedia.sources import dates
from govmedia.sources.readers.base import (
    LAYOUT_CHANGED,
    NOT_JSON,
    Fetcher,
    ReadEntry,
    ReadError,
    ReadResult,
    config_str,
    fetch_for_read,
    refuse_bad_config,
)
from govmedia.sources.readers.html import html_to_text

KIND = "jsonapi"
STEP = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+)\]")
FIELDS = ("key", "title", "url", "date", "text", "author", "parent")
# Epoch numbers above this are milliseconds (1e11 s is the year 5138).
MILLISECONDS_FROM = 10**11


def steps(path: str) -> list[str | int | None]:
    """'data.items[*].id' -> ['data', 'items', None, 'id'] (None: every element)."""
    parsed: list[str | int | None] = []
    for name, index in STEP.findall(path):
        if name:
            parsed.append(name)
        elif index == "*":
            parsed.append(None)
        else:
            parsed.append(int(index))
    return parsed


def select(data: Any, path: str) -> list[Any]:
    """Every value `path` reaches in `data` (empty when a step is absent)."""
    values = [data]
    for step in steps(path):
        found: list[Any] = []
        for value in values:
            if step is None:
                if isinstance(value, list):
                    found.extend(value)
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    found.append(value[step])
            elif isinstance(value, Mapping) and step in value:
                found.append(value[step])
        values = found
    return values


def first(data: Any, path: str) -> Any:
    if not path:
        return None
    found = select(data, path)
    return found[0] if found else None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def parse_date_value(value: Any, now: datetime | None) -> tuple[datetime | None, str]:
    if value is None or value == "":
        return None, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value >= MILLISECONDS_FROM else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).astimezone(dates.SHANGHAI), str(value)
        except (OverflowError, OSError, ValueError):
            return None, str(value)
    text = _as_text(value)
    if text.isdigit() and len(text) >= 10:
        return parse_date_value(int(text), now)
    found = dates.find_date(text, now)
    return (found.at if found else None), text


def _key_of(values: dict[str, str], item: Any) -> str:
    if values["key"]:
        return values["key"]
    if values["url"]:
        return values["url"]
    digest = hashlib.sha256(
        json.dumps(item, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return f"sha256:{digest[:32]}"


def map_items(
    data: Any, config: Mapping[str, Any], base_url: str, now: datetime | None
) -> list[ReadEntry]:
    """The entries of a parsed JSON document under `config` (see the module docstring)."""
    items_path = config_str(config, "items")
    # The list itself: the path without its final [*] ("data.items" means the same).
    container_path = (
        items_path[: items_path.rfind("[")] if items_path.endswith("[*]") else items_path
    )
    containers = select(data, container_path) if container_path else [data]
    lists = [c for c in containers if isinstance(c, list)]
    if not lists:
        raise ReadError(
            LAYOUT_CHANGED,
            f"{base_url}: no list at {container_path or 'the top'}; the API has changed",
            f"接口返回的数据结构已改变：在 {items_path} 找不到列表（之前读到的条目已保留）。",
        )
    items = (
        select(data, items_path)
        if items_path.endswith("[*]")
        else [item for found in lists for item in found]
    )
    extra_paths = config.get("extra") or {}
    entries = []
    for item in items:
        values = {name: _as_text(first(item, config_str(config, name))) for name in FIELDS}
        url = values["url"]
        if not url and (template := config_str(config, "url_template")):
            try:
                url = (
                    template.format(**{k: _as_text(v) for k, v in item.items()})
                    if isinstance(item, Mapping)
                    else ""
                )
            except (KeyError, IndexError, ValueError):
                url = ""
        if url:
            url = urljoin(base_url, url)
            values["url"] = url
        published_at, date_text = parse_date_value(first(item, config_str(config, "date")), now)
        text = values["text"]
        entries.append(
            ReadEntry(
                key=_key_of(values, item),
                url=url,
                title=values["title"],
                text=html_to_text(text) if "<" in text else text,
                published_at=published_at,
                date_text=date_text,
                author=values["author"],
                parent_key=values["parent"],
                extra={
                    name: first(item, path)
                    for name, path in extra_paths.items()
                    if isinstance(path, str)
                },
            )
        )
    return entries


class JsonApiReader:
    kind = KIND
    label = "JSON 接口"

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
        refuse_bad_config(self.check_config(config), "JSON API")
        fetched, result = fetch_for_read(fetcher, url, etag=etag, last_modified=last_modified)
        if result.not_modified:
            return result
        try:
            data = json.loads(fetched.text)
        except ValueError as exc:
            raise ReadError(
                NOT_JSON,
                f"{url} did not answer JSON ({exc})",
                "接口返回的内容不是 JSON（可能是网页或错误页）。",
            ) from exc
        result.entries = map_items(data, config, fetched.url, now)
        return result

    def check_config(self, config: Mapping[str, Any]) -> list[str]:
        problems = []
        if not config_str(config, "items"):
            problems.append("JSON 接口需要设置列表路径（items），例如 data.items[*]。")
        if not (
            config_str(config, "key")
            or config_str(config, "url")
            or config_str(config, "url_template")
        ):
            problems.append("JSON 接口需要设置标识（key）或链接（url）的路径。")
        extra = config.get("extra")
        if extra is not None and not isinstance(extra, Mapping):
            problems.append("extra 应为“名称: 路径”的对象。")
        return problems


reader = JsonApiReader()
