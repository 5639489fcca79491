"""Pictures of PDF pages: what a translator or reviewer looks at before a handout is printed.

pypdfium2 (PDFium, from PyPI) rasterises the pages, so a preview needs no system tool and shows the
real PDF, not a re-layout of it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium

from handoutpress.files import write_atomic

#: Dots per inch of a preview: 18 pt text comes out 25 pixels tall, easy to read on a screen.
PREVIEW_DPI = 100
#: Dots per inch of the index page's thumbnails: a Letter page is 340 x 440 pixels, shown at half
#: that size, so it stays sharp on a high-density screen and when the page is zoomed to 200%.
THUMBNAIL_DPI = 40


def page_images(
    pdf: bytes, dpi: int = PREVIEW_DPI, pages: int | None = None, grayscale: bool = False
) -> list[bytes]:
    """The first `pages` pages of `pdf` (all by default) as PNG bytes, rendered at `dpi`.

    Plain zlib, no `optimize`: Pillow's optimiser took three times as long for 2% smaller files.
    """
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        count = len(document) if pages is None else min(pages, len(document))
        for index in range(count):  # loads only the pages it draws
            bitmap = document[index].render(scale=dpi / 72, grayscale=grayscale)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG")
            images.append(buffer.getvalue())
    finally:
        document.close()
    return images


def thumbnail(pdf: bytes) -> bytes:
    """A small picture of the first page, for the index page (`dist/<lang>/<id>.png`).

    In shades of grey, as the themes print (styles.THEMES): one channel instead of three makes the
    file a third of the size and five times faster to write, and the picture is the same.
    """
    return page_images(pdf, THUMBNAIL_DPI, pages=1, grayscale=True)[0]


def write_preview(pdf: bytes, target: Path, dpi: int = PREVIEW_DPI) -> list[Path]:
    """Write `<target>-page-N.png` for every page; returns the files written."""
    paths = []
    for number, png in enumerate(page_images(pdf, dpi), start=1):
        path = target.with_name(f"{target.name}-page-{number}.png")
        write_atomic(path, png)
        paths.append(path)
    return paths
