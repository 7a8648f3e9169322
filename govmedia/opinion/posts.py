"""A post as the opinion pipeline sees it, whatever source it came from (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Post:
    """One public post.

    ``key`` is unique per source item (a second delivery of the same key is
    processed once); ``parent_key`` is the post it reposts, quotes or answers,
    which puts it in its parent's event before the text is looked at.
    ``at`` must be timezone-aware.
    """

    key: str
    source: str
    text: str
    at: datetime
    author: str = ""
    parent_key: str = ""
    engagement: int = 0
    url: str = ""
    lang_hint: str = ""
