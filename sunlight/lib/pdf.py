"""PDF fonts: a CJK TrueType font registered with ReportLab and embedded (subset) in every PDF.

A PDF that must display anywhere embeds its font; ReportLab's built-in CID fonts (STSong-Light)
are not embedded, so viewers without Adobe's Asian font pack show boxes. WenQuanYi Zen Hei has
TrueType outlines, which ReportLab can subset and embed (the CFF-based Noto CJK fonts it cannot).
`make test` installs it (Debian package fonts-wqy-zenhei); `PDF_CJK_FONT` may point elsewhere.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "SunlightCJK"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class NoCJKFont(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Register the CJK font once and return its ReportLab name."""
    configured = os.environ.get("PDF_CJK_FONT")
    paths = [configured] if configured else list(CANDIDATES)
    for path in paths:
        if path and Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
            return FONT_NAME
    raise NoCJKFont(
        "no CJK TrueType font found: install fonts-wqy-zenhei (make test does) or set PDF_CJK_FONT"
    )
