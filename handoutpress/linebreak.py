"""Repair WeasyPrint 70's line breaking where a text ends in a space just before an inline element.

`**bold**` becomes `<strong>`, so a paragraph is several text boxes: "Treatment for the tight muscles
may help the pain too. In " (ending in a space), the bold word, the rest. When the first box fits the
line only without its trailing space, WeasyPrint's `split_first_line` measures it with the space,
decides that nothing fits, and falls back to the one-word line it builds for hyphenation: the line
holds "Treatment" alone and the paragraph starts with a stranded word (the review found it in
`managing-pain`). A trailing space collapses at the end of a line (CSS Text 3, "hanging"), so a text
that fits without it fits: `install` makes `split_first_line` say so, and the line then breaks before
the bold word, where a browser breaks it.
"""

from __future__ import annotations

import math
from typing import Any

_installed = False
#: `white-space` values whose spaces collapse, and so hang at the end of a line.
COLLAPSING = ("normal", "nowrap", "pre-line")


def install() -> None:
    """Patch WeasyPrint's line splitting once per process."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline

    original = inline.split_first_line

    def split_first_line(text: str, style: Any, context: Any, max_width: Any, *args: Any, **kwargs: Any):
        result = original(text, style, context, max_width, *args, **kwargs)
        resume = result[2]
        stripped = text.rstrip(" ")
        if (
            resume is None
            or max_width is None
            or stripped == text
            or not stripped
            or style["white_space"] not in COLLAPSING
        ):
            return result
        _layout, _length, resume, width, _height, _baseline = original(
            stripped, style, context, max_width, *args, **kwargs
        )
        if resume is not None or width > max_width:
            return result  # it does not fit even without the space: WeasyPrint's break stands
        # The whole text fits with its space hanging: lay it out as one line.
        return original(text, style, context, math.inf, *args, **kwargs)

    inline.split_first_line = split_first_line
    _installed = True
