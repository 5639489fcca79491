"""The registry of output formats: one builder each (handoutpress.build.Builder), one line each.

The order is the order in which a job makes its files: a handout's web page and thumbnail come after
its PDF (the thumbnail is a picture of it). Adding a format is a module here and a line below; the
engine (handoutpress.build) is not touched.
"""

from __future__ import annotations

from handoutpress.build import Builder
from handoutpress.builders.bilingual import BilingualPdf
from handoutpress.builders.booklet import BookletPdf
from handoutpress.builders.braille import BrailleFile
from handoutpress.builders.handout import HANDOUT
from handoutpress.builders.page import WebPage
from handoutpress.builders.thumbnail import Thumbnail

BUILDERS: tuple[Builder, ...] = (
    HANDOUT,
    BilingualPdf(),
    BookletPdf(),
    WebPage(),
    Thumbnail(),
    BrailleFile(),
)
