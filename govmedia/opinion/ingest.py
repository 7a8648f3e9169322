"""Posts in: a vendor's push, the sources' entries, a table, the desk's messages.

Everything is stored raw first (status 待处理) and run through the pipeline
by the worker in chunks (processing.py), so a push of 100,000 posts is
answered in seconds and a bad post never holds up the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast
from django.utils import timezone

from govmedia.opinion.models import Origin, PostRecord, PostStatus, Vendor

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_KEY = 500
MAX_TEXT = 20_000
LOOKUP_CHUNK = 500  # keys per IN (...) query: under SQLite's variable limit


@dataclass
class PushResult:
    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": len(self.errors),
            "errors": self.errors,
        }


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time (a naive one is Beijing time) or seconds since the epoch."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _problem(post: object) -> tuple[str, str] | None:
    """(code, Chinese message) when a pushed post cannot be kept."""
    if not isinstance(post, dict):
        return "not_an_object", "每条帖子应是一个 JSON 对象。"
    key = post.get("key")
    if not isinstance(key, str | int) or isinstance(key, bool) or not str(key).strip():
        return "missing_key", "缺少帖子标识 key。"
    if len(str(key)) > MAX_KEY:
        return "key_too_long", f"帖子标识超过 {MAX_KEY} 个字符。"
    text = post.get("text")
    if not isinstance(text, str) or not text.strip():
        return "missing_text", "缺少帖子内容 text。"
    if len(text) > MAX_TEXT:
        return "text_too_long", f"帖子内容超过 {MAX_TEXT} 个字符。"
    if parse_time(post.get("at")) is None:
        return "bad_time", "发帖时间 at 缺失或不是 ISO 8601 时间。"
    engagement = post.get("engagement", 0)
    if not isinstance(engagement, int) or isinstance(engagement, bool) or engagement < 0:
        return "bad_engagement", "互动量 engagement 应是非负整数。"
    for name in ("author", "parent_key", "url", "platform"):
        if not isinstance(post.get(name, ""), str):
            return "bad_field", f"字段 {name} 应是字符串。"
    return None


# The columns a new post is written with; the pipeline's columns start empty.
COLUMNS = (
    "channel",
    "key",
    "origin",
    "source_id",
    "vendor_id",
    "author",
    "text",
    "at",
    "engagement",
    "parent_key",
    "url",
    "platform",
    "received_at",
    "status",
    "error",
    "sentiment",
)
INSERT_CHUNK = 5000


def _row(
    post: dict, channel: str, origin: str, now: datetime, vendor_id: int | None = None
) -> tuple:
    return (
        channel,
        str(post["key"]).strip(),
        origin,
        None,
        vendor_id,
        (post.get("author") or "")[:200],
        post["text"].replace("\x00", ""),
        parse_time(post["at"]) or now,
        post.get("engagement", 0) or 0,
        (post.get("parent_key") or "")[:MAX_KEY],
        (post.get("url") or "")[:2000],
        (post.get("platform") or "")[:40],
        now,
        PostStatus.PENDING.value,
        "",
        "",
    )


def _as_row(record: PostRecord) -> tuple:
    values = {name: getattr(record, name) for name in COLUMNS}
    values.update(status=PostStatus.PENDING.value, error="", sentiment="")
    return tuple(values[name] for name in COLUMNS)


def store_rows(rows: list[tuple]) -> tuple[int, int]:
    """Insert new posts, skipping keys already stored on their channel: (stored, duplicates).

    One INSERT … ON CONFLICT DO NOTHING per few thousand rows (SQLite and
    PostgreSQL both have it): the unique (channel, key) constraint drops a
    second delivery, one racing in from another request included. Django's
    bulk_create spent over 100 µs a post building objects and SQL, and a push
    of 100,000 posts must be answered in seconds.
    """
    unique = {(row[0], row[1]): row for row in rows}
    duplicates = len(rows) - len(unique)
    if not unique:
        return 0, duplicates
    at, received = COLUMNS.index("at"), COLUMNS.index("received_at")
    adapt = connection.ops.adapt_datetimefield_value
    values = []
    for row in unique.values():
        listed = list(row)
        listed[at], listed[received] = adapt(listed[at]), adapt(listed[received])
        values.append(listed)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(PostRecord._meta.db_table)} ({', '.join(quote(c) for c in COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) ON CONFLICT DO NOTHING"
    )
    counted = PostRecord.objects.filter(channel__in={channel for channel, _key in unique})
    with transaction.atomic():
        before = counted.count()
        with connection.cursor() as cursor:
            for start in range(0, len(values), INSERT_CHUNK):
                cursor.executemany(sql, values[start : start + INSERT_CHUNK])
        stored = counted.count() - before
    return stored, duplicates + len(unique) - stored


def store(records: list[PostRecord]) -> tuple[int, int]:
    """Store new posts given as unsaved rows: (stored, duplicates)."""
    return store_rows([_as_row(r) for r in records])


def accept_push(vendor: Vendor, posts: list) -> PushResult:
    """Validate each post on its own: bad ones are reported by index, good ones kept."""
    now = timezone.now()
    result = PushResult(received=len(posts))
    rows = []
    channel = f"vendor:{vendor.pk}"
    for index, post in enumerate(posts):
        problem = _problem(post)
        if problem:
            result.errors.append({"index": index, "code": problem[0], "message": problem[1]})
            continue
        rows.append(_row(post, channel, Origin.PUSH, now, vendor.pk))
    result.accepted, result.duplicates = store_rows(rows)
    return result


def from_entries(source_id: int, keys: list[str]) -> int:
    """Posts from the entries a source just read (sources' `entries_read`)."""
    from govmedia.sources.models import Entry

    now = timezone.now()
    records = []
    for start in range(0, len(keys), LOOKUP_CHUNK):
        for entry in Entry.objects.filter(
            source_id=source_id, key__in=keys[start : start + LOOKUP_CHUNK]
        ):
            text = "\n".join(part for part in (entry.title, entry.text) if part).strip()
            if not text:
                continue
            extra = entry.extra or {}
            engagement = sum(
                v
                for k, v in extra.items()
                if k in {"reposts", "comments", "likes", "shares", "slash_comments"}
                and isinstance(v, int)
            )
            records.append(
                PostRecord(
                    channel=f"source:{source_id}",
                    key=entry.key[:MAX_KEY],
                    origin=Origin.SOURCE,
                    source_id=source_id,
                    author=entry.author,
                    text=text,
                    at=entry.published_at or entry.first_seen_at,
                    engagement=engagement,
                    parent_key=entry.parent_key[:MAX_KEY],
                    url=entry.url[:2000],
                    received_at=now,
                )
            )
    return store(records)[0]


def from_desk() -> int:
    """The desk's messages not read yet (opinion sits above the desk and reads it directly)."""
    from govmedia.desk.models import Message

    last = (
        PostRecord.objects.filter(channel="desk")
        .annotate(number=Cast("key", IntegerField()))
        .aggregate(m=Max("number"))["m"]
        or 0
    )
    now = timezone.now()
    records = [
        PostRecord(
            channel="desk",
            key=str(m.pk),
            origin=Origin.DESK,
            author="",  # the submitter's name stays in the desk
            text=f"{m.title}\n{m.body}",
            at=m.received_at,
            received_at=now,
            platform="政民互动",
        )
        for m in Message.objects.filter(pk__gt=last).order_by("pk")[:5000]
    ]
    return store(records)[0]


def from_table(name: str, rows: list[dict]) -> PushResult:
    """Rows of an imported .csv/.xlsx (read by sources' tabular reader) as posts."""
    now = timezone.now()
    result = PushResult(received=len(rows))
    good = []
    for index, row in enumerate(rows):
        problem = _problem(row)
        if problem:
            result.errors.append({"index": index, "code": problem[0], "message": problem[1]})
            continue
        good.append(_row(row, f"import:{name}"[:120], Origin.IMPORT, now))
    result.accepted, result.duplicates = store_rows(good)
    return result


def read_posts_table(data: bytes, name: str) -> list[dict]:
    """The rows of a .csv/.xlsx export as posts, read by sources' tabular reader.

    The reader's headers (标题, 内容, 发布时间, 编号, 作者, 原文编号, 链接 and the
    counts 阅读数/点赞数/转发数/评论数); a table of posts without a 标题 column is
    read with 内容 as the title.
    """
    from govmedia.sources.readers.base import ReadError
    from govmedia.sources.readers.tabular import read_table

    try:
        result = read_table(data, name, {})
    except ReadError:
        result = read_table(data, name, {"columns": {"title": "内容", "text": "正文"}})
    rows = []
    for entry in result.entries:
        counts = [v for k, v in entry.extra.items() if k != "reads" and isinstance(v, int)]
        text = (
            entry.title
            if not entry.text or entry.text == entry.title
            else f"{entry.title}\n{entry.text}"
        )
        rows.append(
            {
                "key": entry.key,
                "text": text,
                "at": entry.published_at.isoformat() if entry.published_at else None,
                "author": entry.author,
                "parent_key": entry.parent_key,
                "url": entry.url,
                "engagement": sum(counts),
            }
        )
    return rows
