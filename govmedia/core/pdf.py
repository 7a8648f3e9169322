"""Chinese PDF reports: reportlab's built-in CID font and the styles every report uses.

STSong-Light ships with reportlab (Adobe's CID font; the reader supplies the
glyphs), so no font file and no system library is needed. reportlab is
imported only when a report is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FONT = "STSong-Light"


@dataclass(frozen=True)
class Styles:
    title: Any
    heading: Any
    body: Any
    small: Any


def chinese_styles(*, small_size: float = 8.5, small_leading: float = 12) -> Styles:
    """Register the font once per process; the title, heading, body and small styles."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, wordWrap="CJK")
    return Styles(
        title=ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1),
        heading=ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=20, spaceBefore=8),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=small_size, leading=small_leading),
    )


def paragraph(text: Any, style: Any) -> Any:
    """`text` as a reportlab Paragraph, its markup characters escaped."""
    from reportlab.platypus import Paragraph

    return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), style)
