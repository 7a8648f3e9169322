"""Leader names and titles against the official table.

Chinese writes a title right before the name (市长张三, 市委副书记、市长张三) or
right after it (张三市长). For every known name found, the titles attached
that way are compared with the table at the reference date:

* a title the person never held → blocking (张三 is 副市长, the text says 市长);
* a title the person held but no longer holds, used without 原/前 → blocking;
* a current title, or a former one written 原市长张三 → fine.

Titles are found with leftmost-longest matching, so 副市长 is never read as 市长.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import ahocorasick_rs

from ..findings import BLOCKING, LEADER, Finding
from ..normalize import fold

_FORMER_MARKERS = ("原", "前")
# Titles recognised next to a known name even when no one in the table holds them,
# so that 市长张三 is caught when 张三 is only 副市长.
COMMON_TITLES = (
    "书记", "副书记", "常委", "省长", "副省长", "市长", "副市长", "常务副市长",
    "县长", "副县长", "区长", "副区长", "镇长", "副镇长", "乡长", "副乡长",
    "主席", "副主席", "主任", "副主任", "部长", "副部长", "厅长", "副厅长",
    "局长", "副局长", "处长", "副处长", "科长", "副科长", "秘书长", "副秘书长",
    "党组书记", "党组副书记", "市委书记", "市委副书记", "县委书记", "县委副书记",
    "区委书记", "区委副书记", "院长", "副院长", "检察长", "副检察长", "总经理", "董事长",
)  # fmt: skip
_TITLE_JOINERS = "、兼"


@dataclass(frozen=True, slots=True)
class Leader:
    """One post held by one official. ``end`` None means the post is held now."""

    name: str
    title: str
    organisation: str = ""
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


# Up to this many names, look for each with ``in`` before running the automaton
# (the ``str`` automaton costs about 4.7 ms per MB, a substring search a fraction).
_FEW_NAMES = 8


def _automaton(words: list[str]) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST)


class LeaderChecker:
    def __init__(self, leaders: Iterable[Leader]) -> None:
        self.posts: dict[str, list[Leader]] = defaultdict(list)
        titles: set[str] = {fold(t) for t in COMMON_TITLES}
        for leader in leaders:
            name, title = fold(leader.name.strip()), fold(leader.title.strip())
            if len(name) >= 2 and title:
                self.posts[name].append(leader)
                titles.add(title)
        self.names = list(self.posts)
        self.titles = sorted(titles)
        self._names = _automaton(self.names) if self.names else None
        self._titles = _automaton(self.titles) if self.titles else None

    def __len__(self) -> int:
        return len(self.names)

    def find(self, folded: str, *, today: date | None = None) -> list[Finding]:
        if self._names is None or self._titles is None:
            return []
        # A short table is ruled out by substring searches, much faster than the
        # automaton over a long text that names none of them (the usual case).
        if len(self.names) <= _FEW_NAMES and not any(n in folded for n in self.names):
            return []
        day = today or date.today()
        name_hits = self._names.find_matches_as_indexes(folded)
        if not name_hits:
            return []
        title_hits = self._titles.find_matches_as_indexes(folded)
        ends = {e: (i, s) for i, s, e in title_hits}
        starts = {s: (i, e) for i, s, e in title_hits}
        findings: list[Finding] = []
        for name_index, ns, ne in name_hits:
            name = self.names[name_index]
            attached: list[tuple[str, int, int]] = []
            pos = ns
            # Walk back over a chain of titles: 市委副书记、市长张三.
            while pos in ends:
                ti, ts = ends[pos]
                attached.append((self.titles[ti], ts, pos))
                if ts > 0 and folded[ts - 1] in _TITLE_JOINERS and (ts - 1) in ends:
                    pos = ts - 1
                else:
                    break
            if ne in starts:
                ti, te = starts[ne]
                attached.append((self.titles[ti], ne, te))
            for title, ts, te in attached:
                finding = self._judge(folded, name, title, ts, te, ns, ne, day)
                if finding:
                    findings.append(finding)
        return findings

    def _judge(
        self, folded: str, name: str, title: str, ts: int, te: int, ns: int, ne: int, day: date
    ) -> Finding | None:
        posts = [p for p in self.posts[name] if fold(p.title) == title]
        if any(p.holds_on(day) for p in posts):
            return None
        current = [p for p in self.posts[name] if p.holds_on(day)]
        now = "、".join(f"{p.organisation}{p.title}" for p in current) or "无在任职务"
        start, end = min(ts, ns), max(te, ne)
        shown = folded[start:end]
        if posts:
            if _preceded_by_former(folded, ts):
                return None
            ended = max((p.end for p in posts if p.end), default=None)
            when = f"已于{ended:%Y年%m月%d日}卸任" if ended else "未在任"
            return Finding(
                LEADER,
                BLOCKING,
                start,
                end,
                shown,
                f"{name}{when}{title}，应写“原{title}”或现任职务（{now}）",
                "leader:former-title",
                f"领导职务表记载{name}{when}{title}，而“{title}”前没有“原”或“前”",
            )
        return Finding(
            LEADER,
            BLOCKING,
            start,
            end,
            shown,
            f"{name}不担任{title}，现任职务：{now}",
            "leader:wrong-title",
            f"领导职务表中{name}没有“{title}”这一职务（成文日期当日：{now}）",
        )


def _preceded_by_former(folded: str, title_start: int) -> bool:
    """原市长 / 原示例市市长: 原 or 前 right before the title or before a short organisation name."""
    window = folded[max(0, title_start - 12) : title_start]
    if window.endswith(_FORMER_MARKERS):
        return True
    # 原 + an organisation of a few characters; stop at punctuation so an earlier 原 does not count.
    for i in range(len(window) - 1, -1, -1):
        ch = window[i]
        if not ("\u4e00" <= ch <= "\u9fff"):
            return False
        if ch in _FORMER_MARKERS and i < len(window) - 1:
            return window[i + 1 :].endswith(
                ("市", "县", "区", "省", "局", "委", "部", "厅", "镇", "乡")
            )
    return False
