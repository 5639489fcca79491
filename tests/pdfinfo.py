"""Read what a reader's software sees in a PDF: tags, language, title, fonts, text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


def text_by_language(path: Path) -> dict[str, str]:
    """The characters of the page content grouped by the language a screen reader speaks them in:
    the nearest /Lang up the structure tree from their marked content, else the document's."""
    languages: dict[tuple[int, int], str] = {}
    with pikepdf.open(path) as pdf:
        default = str(pdf.Root.get("/Lang", ""))
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for index, page in enumerate(pdf.pages):
            owners = parents.get(int(page.obj.get("/StructParents", -1)))
            for mcid, element in enumerate(owners if isinstance(owners, pikepdf.Array) else []):
                lang = default
                while isinstance(element, pikepdf.Dictionary):
                    if "/Lang" in element:
                        lang = str(element.Lang)
                        break
                    element = element.get("/P")
                languages[(index, mcid)] = lang
    found: dict[str, list[str]] = {}
    with pdfplumber.open(path) as plumber:
        for index, page in enumerate(plumber.pages):
            for char in page.chars:
                if char.get("mcid") is not None and char["text"].strip():
                    lang = languages.get((index, char["mcid"]), "artifact")
                    found.setdefault(lang, []).append(char["text"])
    return {lang: "".join(chars) for lang, chars in found.items()}


def fonts_of(path: Path, text: str) -> set[str]:
    """The fonts the first line that holds `text` (spaces ignored) is drawn with."""
    needle = text.replace(" ", "")
    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            for line in page.extract_text_lines(return_chars=True):
                if needle in line["text"].replace(" ", ""):
                    return {c["fontname"].split("+")[-1] for c in line["chars"] if c["text"].strip()}
    raise AssertionError(f"{text!r} is not in {path}")


@dataclass
class Element:
    """A structure element as a screen reader meets it: its type, attributes, the text of its
    marked content (its own and its descendants'), and the pages that text is on."""

    type: str
    attributes: dict[str, str]
    text: str
    pages: set[int]
    children: list[Element]

    def find(self, kind: str) -> list[Element]:
        """Every element of type `kind` at or below this one, in document order."""
        found = [self] if self.type == kind else []
        for child in self.children:
            found += child.find(kind)
        return found


def structure(path: Path) -> Element:
    """The structure tree of a PDF with the text of every element (page index from 0)."""
    chars: dict[tuple[int, int], list[str]] = {}
    with pdfplumber.open(path) as plumber:
        for index, page in enumerate(plumber.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    chars.setdefault((index, char["mcid"]), []).append(char["text"])
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}

        def build(node: pikepdf.Object, page: int | None) -> tuple[list[Element], str, set[int]]:
            if isinstance(node, int):
                return [], "".join(chars.get((page, int(node)), [])), {page}
            if isinstance(node, pikepdf.Array):
                kids, text, on = [], "", set()
                for kid in node:
                    k, t, o = build(kid, page)
                    kids, text, on = kids + k, text + t, on | o
                return kids, text, on
            if not isinstance(node, pikepdf.Dictionary):
                return [], "", set()
            if "/Pg" in node:
                page = pages[node.Pg.objgen]
            if node.get("/Type") == "/MCR":
                return [], "".join(chars.get((page, int(node.MCID)), [])), {page}
            if "/S" not in node:
                return [], "", set()
            kids, text, on = build(node.K, page) if "/K" in node else ([], "", set())
            attributes = {}
            if isinstance(node.get("/A"), pikepdf.Dictionary):
                attributes = {str(k)[1:]: str(v) for k, v in node.A.items()}
            for key in ("/Lang", "/Alt", "/ID"):
                if key in node:
                    attributes[key[1:]] = str(node[key])
            element = Element(str(node.S)[1:], attributes, text, {p for p in on if p is not None}, kids)
            return [element], text, on

        (root,), _, _ = build(pdf.Root.StructTreeRoot.K, None)
    return root
