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


def page_images(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """Each page of `pdf` as PNG bytes, rendered at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="PNG", optimize=True)
            images.append(buffer.getvalue())
    finally:
        document.close()
    return images


def write_preview(pdf: bytes, target: Path, dpi: int = PREVIEW_DPI) -> list[Path]:
    """Write `<target>-page-N.png` for every page; returns the files written."""
    paths = []
    for number, png in enumerate(page_images(pdf, dpi), start=1):
        path = target.with_name(f"{target.name}-page-{number}.png")
        write_atomic(path, png)
        paths.append(path)
    return paths
