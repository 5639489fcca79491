"""Read what a reader's software sees in a PDF: tags, language, title, fonts, text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pikepdf


def struct_types(pdf: pikepdf.Pdf) -> list[str]:
    """Structure element types of the tag tree, in document order."""

    def walk(node: pikepdf.Object) -> Iterator[str]:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                yield from walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                yield str(node.S)[1:]
            if "/K" in node:
                yield from walk(node.K)

    return list(walk(pdf.Root.StructTreeRoot))


def fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            found[font.objgen] = font
    return list(found.values())


def is_embedded(font: pikepdf.Dictionary) -> bool:
    descendants = font.get("/DescendantFonts")
    target = descendants[0] if descendants else font
    descriptor = target.get("/FontDescriptor", {})
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def marked_content(pdf: pikepdf.Pdf) -> list[tuple[int, str, int | None]]:
    """(page index, tag, MCID or None) for every marked-content sequence that a BDC/BMC opens."""
    found = []
    for index, page in enumerate(pdf.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC":
                props = operands[1]
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                found.append((index, str(operands[0]), None if mcid is None else int(mcid)))
            elif str(operator) == "BMC":
                found.append((index, str(operands[0]), None))
    return found
