"""Reading the platforms' own statistics exports: WeChat's 图文分析 and Weibo's 数据助手.

Neither platform documents its export's columns, and their wording has
changed over the years, so each field accepts several headers (the first
header found in the file wins) and the whole mapping is a default that
settings.GOVMEDIA_REACH_EXPORT_COLUMNS can replace per export and field.
docs/reach.md lists the headers assumed. Rows are read by
govmedia.core.tabular (.xlsx, .csv, .tsv; UTF-8 or GBK); a file that cannot
be read is refused whole, and in a readable file every bad row is reported
with its row number and reason while the good rows are kept. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from govmedia.core import tabular

WECHAT_POSTS = "wechat_posts"
WEIBO_POSTS = "weibo_posts"
ACCOUNT_DAYS = "account_days"
EXPORT_LABELS = {
    WECHAT_POSTS: "微信公众号 图文分析（单篇群发数据）导出",
    WEIBO_POSTS: "微博 数据助手（博文分析）导出",
    ACCOUNT_DAYS: "粉丝/用户分析（按日）导出",
}

# field -> the headers that may name it, most likely first.
DEFAULT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    WECHAT_POSTS: {
        "title": ("内容标题", "文章标题", "标题"),
        "published": ("发表时间", "群发时间", "发布时间", "时间"),
        "url": ("文章链接", "原文链接", "链接"),
        "position": ("位置", "图文位置", "序号"),
        "reads": ("总阅读次数", "阅读次数", "阅读数", "阅读量"),
        "shares": ("总分享次数", "分享次数", "分享数", "转发数"),
        "likes": ("点赞数", "点赞次数", "点赞人数", "点赞"),
        "wows": ("在看数", "在看次数", "在看人数", "在看"),
        "comments": ("留言数", "留言次数", "评论数", "留言"),
        "favourites": ("收藏次数", "收藏数", "收藏人数", "收藏"),
    },
    WEIBO_POSTS: {
        "id": ("微博ID", "mid", "博文ID", "ID"),
        "title": ("微博内容", "博文内容", "内容", "正文"),
        "published": ("发布时间", "发博时间", "时间"),
        "url": ("微博链接", "博文链接", "链接"),
        "reads": ("阅读数", "阅读量", "阅读次数"),
        "shares": ("转发数", "转发量", "转发"),
        "comments": ("评论数", "评论量", "评论"),
        "likes": ("点赞数", "赞", "点赞"),
        "favourites": ("收藏数", "收藏"),
    },
    ACCOUNT_DAYS: {
        "day": ("日期", "时间", "统计日期"),
        "followers": ("累积关注人数", "累计关注人数", "粉丝数", "总粉丝数", "累计粉丝数"),
        "new_followers": ("新关注人数", "新增粉丝数", "新增关注", "新增粉丝"),
        "unfollowers": ("取消关注人数", "取关人数", "减少粉丝数"),
        "net_followers": ("净增关注人数", "净增粉丝数", "净增粉丝"),
        "posts": ("发文数", "发博数", "发布数", "群发篇数"),
    },
}
REQUIRED = {
    WECHAT_POSTS: ("title", "reads"),
    WEIBO_POSTS: ("published", "title"),
    ACCOUNT_DAYS: ("day",),
}
POST_METRICS = ("reads", "likes", "wows", "shares", "comments", "favourites")
DAY_METRICS = ("followers", "new_followers", "unfollowers", "net_followers", "posts")
# "10万+" is how both platforms print a figure above 100,000 in some views.
TEN_THOUSAND = 10_000


class RowProblem(ValueError):
    pass


@dataclass
class RowError:
    row: int
    values: list[str]
    message: str


@dataclass
class PostRow:
    row: int
    external_id: str
    title: str
    url: str
    published: datetime | None
    is_headline: bool
    figures: dict[str, int]


@dataclass
class DayRow:
    row: int
    day: date
    figures: dict[str, int | None]


@dataclass
class ParsedExport:
    export: str
    posts: list[PostRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    missing_headers: list[str] = field(default_factory=list)


def columns_for(
    export: str, overrides: Mapping[str, Mapping[str, Sequence[str]]] | None = None
) -> dict[str, tuple[str, ...]]:
    columns = dict(DEFAULT_COLUMNS[export])
    for name, headers in ((overrides or {}).get(export) or {}).items():
        columns[name] = tuple(headers)
    return columns


def parse_count(text: str) -> int | None:
    """A figure as the platforms print it: "1,234", "1.2万", "10万+", "" (None)."""
    text = text.strip().replace(",", "").replace("，", "").rstrip("+")
    if not text or text in {"-", "—", "--"}:
        return None
    scale = 1
    if text.endswith("万"):
        text, scale = text[:-1], TEN_THOUSAND
    try:
        value = float(text)
    except ValueError as exc:
        raise RowProblem(f"“{text}”不是数字") from exc
    return round(value * scale)


DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


def parse_when(text: str) -> datetime:
    text = text.strip()
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise RowProblem(f"无法识别的时间“{text}”，应如 2026-06-01 08:30")


# Exports often open with a title or a note ("数据更新至…") above the header.
HEADER_SEARCH_ROWS = 10
# Totals rows at the end of an export are not posts.
TOTAL_ROW_LABELS = {"合计", "总计", "汇总"}


def _positions(cells: Sequence[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """field -> the index of its column in a header row (the first alias present wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        found.setdefault(tabular.normalise_header(cell), index)
    positions = {}
    for name, headers in columns.items():
        for header in headers:
            at = found.get(tabular.normalise_header(header))
            if at is not None:
                positions[name] = at
                break
    return positions


def parse(
    file: bytes | IO[bytes],
    name: str,
    export: str,
    *,
    overrides: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> ParsedExport:
    """The good rows of an export and an error for each bad one. Raises tabular.TableError.

    The header is the first of the first ten rows that names every required
    field; a file without one is refused whole (`missing_headers`).
    """
    columns = columns_for(export, overrides)
    required = REQUIRED[export]
    rows = tabular.read_rows(file, name)
    parsed = ParsedExport(export)
    positions: dict[str, int] | None = None
    first: dict[str, int] | None = None
    for row in rows:
        candidate = _positions(row.cells, columns)
        first = candidate if first is None else first
        if all(f in candidate for f in required):
            positions = candidate
            break
        if row.number >= HEADER_SEARCH_ROWS:
            break
    if positions is None:
        parsed.missing_headers = [columns[f][0] for f in required if f not in (first or {})]
        return parsed
    for row in rows:
        values = {
            f: row.cells[i].strip() if i < len(row.cells) else "" for f, i in positions.items()
        }
        if not any(values.values()):
            continue
        if values.get("title") in TOTAL_ROW_LABELS or values.get("day") in TOTAL_ROW_LABELS:
            continue
        parsed.rows += 1
        try:
            if export == ACCOUNT_DAYS:
                parsed.days.append(_day_row(row.number, values))
            else:
                parsed.posts.append(_post_row(row.number, values, export))
        except RowProblem as exc:
            parsed.errors.append(RowError(row.number, list(values.values()), str(exc)))
    if (
        export == WECHAT_POSTS
        and "position" not in positions
        and not any(p.is_headline for p in parsed.posts)
    ):
        _mark_headlines(parsed.posts)
    return parsed


def _figures(values: dict[str, str], names: Sequence[str]) -> dict[str, int | None]:
    figures: dict[str, int | None] = {}
    for name in names:
        if name in values:
            label = name
            try:
                figures[name] = parse_count(values[name])
            except RowProblem as exc:
                raise RowProblem(f"{FIELD_LABELS.get(label, label)}：{exc}") from exc
    return figures


FIELD_LABELS = {
    "reads": "阅读数",
    "likes": "点赞数",
    "wows": "在看数",
    "shares": "转发/分享数",
    "comments": "评论/留言数",
    "favourites": "收藏数",
    "followers": "粉丝数",
    "new_followers": "新增粉丝",
    "unfollowers": "取消关注",
    "net_followers": "净增粉丝",
    "posts": "发布数",
}


def _post_row(number: int, values: dict[str, str], export: str) -> PostRow:
    title = values.get("title", "").strip()
    if not title:
        raise RowProblem("标题（内容）为空")
    published = parse_when(values["published"]) if values.get("published") else None
    if export == WEIBO_POSTS and published is None:
        raise RowProblem("发布时间为空")
    figures = {k: v for k, v in _figures(values, POST_METRICS).items() if v is not None}
    if any(v < 0 for v in figures.values()):
        raise RowProblem("数据不能为负数")
    if export == WECHAT_POSTS and "reads" not in figures:
        raise RowProblem("阅读数为空")
    url = values.get("url", "").strip()
    external_id = values.get("id", "").strip() or url
    if not external_id:
        stamp = published.strftime("%Y-%m-%d %H:%M") if published else ""
        external_id = f"{stamp}|{title}"[:200]
    position = values.get("position", "").strip()
    is_headline = position in {"1", "头条", "第一条"} or "idx=1&" in url or url.endswith("idx=1")
    return PostRow(number, external_id, title[:500], url, published, is_headline, figures)


def _mark_headlines(posts: list[PostRow]) -> None:
    """Without positions, a mass send's first row (by file order) is its headline (头条)."""
    seen: set[datetime | None] = set()
    for post in posts:
        if post.published not in seen:
            post.is_headline = True
            seen.add(post.published)


def _day_row(number: int, values: dict[str, str]) -> DayRow:
    day = parse_when(values["day"]).date()
    figures = _figures(values, DAY_METRICS)
    net = figures.pop("net_followers", None)
    if figures.get("new_followers") is None and net is not None:
        figures["new_followers"] = net
    elif (
        net is not None
        and figures.get("unfollowers") is None
        and figures.get("new_followers") is not None
    ):
        figures["unfollowers"] = max(0, figures["new_followers"] - net)  # type: ignore[operator]
    if all(v is None for v in figures.values()):
        raise RowProblem("该行没有任何数据")
    for name in ("followers", "unfollowers", "posts"):
        value = figures.get(name)
        if value is not None and value < 0:
            raise RowProblem(f"{FIELD_LABELS[name]}不能为负数")
    return DayRow(number, day, figures)
