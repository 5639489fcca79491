"""Audit built PDFs against GUIDELINES.md: what a low-vision reader and a screen reader will meet.

Each check reads the PDF as a reader's software does (pikepdf for structure, pdfplumber for the
characters on the page) and returns problems as `file: page N: problem`. Beside them, an independent
PDF/UA-1 validator judges the file: `page-validation` (the Rust validator `page`, which passes the
veraPDF corpus), so the project does not only grade its own homework. `python build_pdfs.py check
--pdfs dist/` runs them all; the test suite shows each one failing on a deliberately broken PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from PIL import Image

#: PDF points per paper size (portrait), with 1 pt of tolerance.
PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}
MIN_CONTRAST = 7.0


@dataclass(frozen=True)
class PdfProblem:
    path: Path
    page: int | None
    message: str

    def __str__(self) -> str:
        where = f" page {self.page}:" if self.page else ""
        return f"{self.path}:{where} {self.message}"


@dataclass(frozen=True)
class Expectations:
    """What a PDF should be: the smallest text size and the paper it was built for."""

    min_size: float = 18.0
    paper: str | None = None


@dataclass(frozen=True)
class Glyph:
    """One printed character as a reader meets it: its size and its contrast with what is under it."""

    page: int
    text: str
    size: float
    contrast: float


@dataclass
class OpenPdf:
    """A PDF opened both ways the checks need it: pikepdf for structure, pdfplumber for characters."""

    path: Path
    pdf: pikepdf.Pdf
    plumber: pdfplumber.PDF

    @cached_property
    def glyphs(self) -> list[Glyph]:
        """Every visible character, measured once for the size and the contrast checks."""
        scale = 1.0
        found = []
        backgrounds = _backgrounds(self.pdf, scale)
        pages = zip(self.plumber.pages, backgrounds, strict=True)
        for number, (page, background) in enumerate(pages, start=1):
            for char in page.chars:
                if not char["text"].strip():
                    continue
                x = min(max(int((char["x0"] + char["x1"]) / 2 * scale), 0), background.width - 1)
                y = min(max(int((char["top"] + char["bottom"]) / 2 * scale), 0), background.height - 1)
                bg = tuple(v / 255 for v in background.getpixel((x, y)))
                ratio = contrast(_color(char.get("non_stroking_color"), (0.0,)), bg)
                found.append(Glyph(number, char["text"], float(char["size"]), ratio))
        return found


@dataclass
class Audit:
    """What checking one PDF found: its problems, and its smallest text and lowest contrast."""

    path: Path
    problems: list[PdfProblem] = field(default_factory=list)
    smallest: Glyph | None = None
    faintest: Glyph | None = None
    #: How many rules of PDF/UA-1 the validator found broken (its problems are in `problems` too).
    validator_failures: int = 0


Check = Callable[[OpenPdf, Expectations], Iterator[PdfProblem]]


def reachable_mcids(pdf: pikepdf.Pdf) -> set[tuple[tuple[int, int], int]]:
    """(page object, MCID) pairs that some structure element under the root points at."""
    found: set[tuple[tuple[int, int], int]] = set()
    seen: set[tuple[int, int]] = set()

    def walk(node: pikepdf.Object, page: pikepdf.Object | None) -> None:
        if isinstance(node, int) and page is not None:
            found.add((page.objgen, int(node)))
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            page = node.get("/Pg", page)
            if node.get("/Type") == "/MCR":
                found.add((node.get("/Pg", page).objgen, int(node.MCID)))
            elif "/K" in node:
                walk(node.K, page)

    walk(pdf.Root.StructTreeRoot.K, None)
    return found


def _luminance(color: tuple[float, ...]) -> float:
    """WCAG relative luminance of a DeviceGray or DeviceRGB colour (components 0..1)."""
    if len(color) == 1:
        color = (color[0],) * 3
    if len(color) == 4:  # DeviceCMYK, as a PDF viewer would convert it
        c, m, y, k = color
        color = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    """WCAG contrast ratio, not rounded: 6.99 fails a 7:1 rule."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _color(value: object, default: tuple[float, ...]) -> tuple[float, ...]:
    if value is None:
        return default
    if isinstance(value, (int, float)):
        return (float(value),)
    values = tuple(float(v) for v in value)  # type: ignore[union-attr]
    return values or default


def check_text_size(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    for number in sorted({g.page for g in doc.glyphs}):
        small = [g for g in doc.glyphs if g.page == number and g.size < expect.min_size - 0.01]
        if small:
            sample = "".join(g.text for g in small[:30])
            smallest = min(g.size for g in small)
            yield PdfProblem(
                doc.path, number, f"text at {smallest:.1f} pt, under {expect.min_size:g} pt: {sample!r}"
            )


def _backgrounds(pdf: pikepdf.Pdf, scale: float) -> list[Image.Image]:
    """Each page painted without its text, so the colour under any glyph can be read off a pixel.

    Borders, bands and page colour are all painted paths; reading the pixels avoids guessing which
    path lies under which glyph."""
    copy = pikepdf.Pdf.new()
    for page in pdf.pages:
        copy.pages.append(page)
    for page in copy.pages:
        commands, in_text = [], False
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BT":
                in_text = True
            if not in_text:
                commands.append((operands, operator))
            if op == "ET":
                in_text = False
        page.obj.Contents = copy.make_stream(pikepdf.unparse_content_stream(commands))
    buffer = io.BytesIO()
    copy.save(buffer)
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        return [page.render(scale=scale).to_pil().convert("RGB") for page in document]
    finally:
        document.close()


def check_contrast(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    for number in sorted({g.page for g in doc.glyphs}):
        low = [g for g in doc.glyphs if g.page == number and g.contrast < MIN_CONTRAST]
        if low:
            worst = min(low, key=lambda g: g.contrast)
            yield PdfProblem(
                doc.path,
                number,
                f"contrast {worst.contrast:.2f}:1 under {MIN_CONTRAST:g}:1 ({worst.text!r})",
            )


def _struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                stack.append(node.K)


def check_structure(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    root = pdf.Root
    if "/StructTreeRoot" not in root or not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        yield PdfProblem(path, None, "not a tagged PDF (no structure tree or MarkInfo)")
        return
    levels = [
        int(str(e.S)[2:]) for e in _struct_elements(pdf) if str(e.S) in {f"/H{n}" for n in range(1, 7)}
    ]
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        yield PdfProblem(path, None, f"headings must start with one H1, found {levels[:8]}")
    for before, after in pairwise(levels):
        if after > before + 1:
            yield PdfProblem(path, None, f"heading level skipped: H{before} then H{after}")
    for element in _struct_elements(pdf):
        if str(element.S) == "/Figure" and not str(element.get("/Alt", "")).strip():
            yield PdfProblem(path, None, "an image (Figure) has no alternative text")
    reachable = reachable_mcids(pdf)
    for number, page in enumerate(pdf.pages, start=1):
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != "BDC" or str(operands[0]) == "/Artifact":
                continue
            props = operands[1]
            mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
            if mcid is None or (page.obj.objgen, int(mcid)) not in reachable:
                yield PdfProblem(
                    path,
                    number,
                    f"marked content {operands[0]} MCID {mcid} is neither in the "
                    "structure tree nor an artifact",
                )


_HEADINGS = frozenset(f"/H{n}" for n in range(1, 7))
_INLINE = frozenset({"/Span", "/Link", "/Strong", "/Em", "/Lbl", "/LBody", "/NonStruct"})


def _block_type(element: pikepdf.Object) -> str:
    """The structure type of the block (heading, paragraph, list item) that holds `element`."""
    while isinstance(element, pikepdf.Dictionary) and str(element.get("/S")) in _INLINE:
        element = element.get("/P")
    return str(element.get("/S")) if isinstance(element, pikepdf.Dictionary) else ""


def check_orphan_headings(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    """No page but the last ends with a heading: a section never starts at the bottom of a page."""
    nums = pdf.Root.get("/StructTreeRoot", {}).get("/ParentTree", {}).get("/Nums", [])
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for number, page in enumerate(list(pdf.pages)[:-1], start=1):
        owners = parents.get(int(page.obj.get("/StructParents", -1)))
        last = None
        for operands, operator in pikepdf.parse_content_stream(page):
            props = operands[1] if str(operator) == "BDC" else None
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                last = int(props.MCID) if str(operands[0]) != "/Artifact" else last
        if last is None or not isinstance(owners, pikepdf.Array) or last >= len(owners):
            continue
        if _block_type(owners[last]) in _HEADINGS:
            yield PdfProblem(path, number, "the page ends with a heading: its section starts overleaf")


def check_language_and_title(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    if not str(pdf.Root.get("/Lang", "")).strip():
        yield PdfProblem(path, None, "no document language (/Lang)")
    with pdf.open_metadata() as meta:
        title = meta.get("dc:title")
    if not title:
        yield PdfProblem(path, None, "no document title (dc:title)")
    prefs = pdf.Root.get("/ViewerPreferences", {})
    if not bool(prefs.get("/DisplayDocTitle", False)):
        yield PdfProblem(path, None, "DisplayDocTitle is not set: viewers show the file name")


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, pikepdf.Dictionary]]:
    for number, page in enumerate(pdf.pages, start=1):
        for name, font in page.Resources.get("/Font", {}).items():
            yield number, name, font


def check_fonts(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    seen = set()
    for number, _, font in _fonts(pdf):
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        base = str(font.get("/BaseFont", "?"))
        descendants = font.get("/DescendantFonts")
        target = descendants[0] if descendants else font
        descriptor = target.get("/FontDescriptor", {})
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield PdfProblem(path, number, f"font {base} is not embedded")
        if "/ToUnicode" not in font:
            yield PdfProblem(path, number, f"font {base} has no ToUnicode map: text will not extract")


_CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
_CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")


def _notdef_codes(font: pikepdf.Dictionary) -> set[int]:
    """Character codes that a composite font maps to CID 0, the .notdef glyph.

    WeasyPrint writes its own encoding CMap (`begincidchar <186d> 0`), so the code in the text is
    not the glyph: the CMap says which codes draw glyph 0."""
    encoding = font.get("/Encoding")
    if not isinstance(encoding, pikepdf.Stream):
        return {0}  # Identity-H: the code is the CID
    data = encoding.read_bytes()
    codes = set()
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        codes |= {int(code, 16) for code, cid in _CIDCHAR.findall(block) if int(cid) == 0}
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        codes |= {int(low, 16) for low, _high, cid in _CIDRANGE.findall(block) if int(cid) == 0}
    return codes


def check_notdef(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    """No glyph 0 (.notdef, the empty box of a missing character) is ever drawn."""
    for number, page in enumerate(pdf.pages, start=1):
        fonts = dict(page.Resources.get("/Font", {}).items())
        notdef: set[int] = set()
        two_byte = False
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf" and (font := fonts.get(str(operands[0]))) is not None:
                two_byte = str(font.get("/Subtype")) == "/Type0"
                notdef = _notdef_codes(font) if two_byte else {0}
            elif op in ("Tj", "TJ", "'", '"'):
                strings = operands[0] if op == "TJ" else [operands[-1]]
                for item in strings:
                    if not isinstance(item, pikepdf.String):
                        continue
                    data = bytes(item)
                    step = 2 if two_byte else 1
                    codes = {
                        int.from_bytes(data[i : i + step], "big") for i in range(0, len(data), step)
                    }
                    if codes & notdef:
                        yield PdfProblem(path, number, "a .notdef glyph (missing character) is drawn")
                        break


def check_paper(doc: OpenPdf, expect: Expectations) -> Iterator[PdfProblem]:
    path, pdf = doc.path, doc.pdf
    sizes = {name: dims for name, dims in PAPER_POINTS.items() if expect.paper in (None, name)}
    for number, page in enumerate(pdf.pages, start=1):
        box = [float(v) for v in page.MediaBox]
        dims = (round(box[2] - box[0]), round(box[3] - box[1]))
        if not any(abs(dims[0] - w) <= 1 and abs(dims[1] - h) <= 1 for w, h in sizes.values()):
            wanted = " or ".join(sizes)
            yield PdfProblem(path, number, f"page is {dims[0]}x{dims[1]} pt, not {wanted}")


CHECKS: tuple[Check, ...] = (
    check_structure,
    check_orphan_headings,
    check_language_and_title,
    check_fonts,
    check_notdef,
    check_text_size,
    check_contrast,
    check_paper,
)


#: The validator's name in reports, with its version: its rules change from one version to another.
VALIDATOR = f"page-validation {version('page-validation')}"


def validate_pdf_ua(path: Path) -> list[PdfProblem]:
    """What the independent validator finds against PDF/UA-1 (ISO 14289-1), one problem per rule
    broken, each with the validator's rule id (`PDFUA1-FONT-UNICODE-MAPPING-001`)."""
    import page  # page-validation

    try:
        report = page.validate_pdf(path, profile="ua1")
    except page.PageError as exc:
        return [PdfProblem(path, None, f"PDF/UA-1 ({VALIDATOR}) cannot read the file: {exc}")]
    return [
        PdfProblem(path, None, f"PDF/UA-1 {failure.rule_id} ({VALIDATOR}): {failure.message}")
        for failure in report.failures
    ]


def audit_pdf(path: Path, expect: Expectations | None = None) -> Audit:
    """Every problem of one PDF, and its extremes; an unreadable file is one problem, not a crash."""
    expect = expect or Expectations()
    audit = Audit(path)
    try:
        with pikepdf.open(path) as pdf, pdfplumber.open(path) as plumber:
            doc = OpenPdf(path, pdf, plumber)
            audit.problems = [problem for check in CHECKS for problem in check(doc, expect)]
            if doc.glyphs:
                audit.smallest = min(doc.glyphs, key=lambda g: g.size)
                audit.faintest = min(doc.glyphs, key=lambda g: g.contrast)
    except (pikepdf.PdfError, OSError) as exc:
        audit.problems = [PdfProblem(path, None, f"cannot read the PDF: {exc}")]
        return audit
    validator = validate_pdf_ua(path)
    audit.problems += validator
    audit.validator_failures = len(validator)
    return audit


def check_pdf(path: Path, expect: Expectations | None = None) -> list[PdfProblem]:
    """Every problem of one PDF."""
    return audit_pdf(path, expect).problems


def expectations_for(path: Path, paper: str | None = None) -> Expectations:
    """What a built PDF should meet, from its file name: `<id>.extra-large.pdf` is 24 pt."""
    return Expectations(min_size=24.0 if ".extra-large" in path.name else 18.0, paper=paper)
