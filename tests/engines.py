"""A PDF drawn as the readers of a handout draw it, and where they disagree.

Three engines: pdfium (Chrome, Edge; pypdfium2), MuPDF (`mutool`, Debian mupdf-tools: many viewers
and print paths) and Ghostscript (`gs`, Debian ghostscript: printer drivers and print servers).
Each follows the PDF specification its own way, so a font that one draws right and another draws as
boxes or as other glyphs (the cut-down Chinese font of issue 16) shows up as a disagreement.

Two comparisons:
- `disagreements`: every page in the three pictures, character by character. The ink each engine
  puts inside each character's box (pdfplumber's boxes, from the PDF) must agree: anti-aliasing and
  hinting move a few pixels, a glyph drawn blank, as a box or as another letter moves most of them.
- `mupdf_glyph_problems`: the outline MuPDF draws for every glyph (its SVG output names each glyph
  by font and glyph id and gives the text it stands for) must be the outline of that glyph in the
  font the PDF embeds (read with fontTools); a `.notdef` (glyph 0) must never be drawn.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from itertools import combinations
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.svgLib.path import parse_path
from fontTools.ttLib import TTFont
from PIL import Image, ImageStat

DPI = 100
ENGINES = ("pdfium", "mupdf", "ghostscript")
#: Ink below which a character is too small to compare (a full stop, a comma, a combining mark):
#: in pixel equivalents at DPI, where an 18 pt letter holds 40 to 100.
MIN_INK = 30
#: Two engines "disagree" on a character when one puts down less than half the other's ink; a
#: glyph drawn blank or as another shape by one engine puts down next to none (a ratio near 1).
DIFFERENT, MISSING = 0.5, 0.9
#: Disagreements tolerated on a page: hinting at a stroke's edge, a neighbour's edge in a padded
#: box (measured on every shipped script: at most 2 in a page, none over 0.61).
TOLERATED = 3
#: Outline bounds may differ by rounding in MuPDF's SVG (em units).
BOUNDS_TOLERANCE = 0.01


def tool(name: str, package: str) -> str:
    """A Debian tool the comparison needs: missing, it is a set-up error (never a skip)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: install the Debian package {package} (make test does it as root)"
        )
    return path


def _numbered(folder: Path) -> list[Path]:
    return sorted(folder.glob("p*.*"), key=lambda p: int(p.stem[1:]))


def pictures(path: Path) -> dict[str, list[Image.Image]]:
    """Every page of `path` in grey at DPI, as each engine draws it."""
    document = pdfium.PdfDocument(path)
    try:
        drawn = {
            "pdfium": [p.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for p in document]
        }
    finally:
        document.close()
    commands = {
        "mupdf": [tool("mutool", "mupdf-tools"), "draw", "-q", "-r", str(DPI), "-c", "gray"],
        # Ghostscript with the anti-aliasing a print server uses for previews, and without grid
        # fitting, which moves thin strokes by a pixel at this resolution.
        "ghostscript": [
            tool("gs", "ghostscript"), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray",
            f"-r{DPI}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-dGridFitTT=0",
        ],
    }  # fmt: skip
    for engine, command in commands.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = f"{tmp}/p%d.png"
            args = (
                [*command, "-o", out, str(path)]
                if engine == "mupdf"
                else [*command, f"-sOutputFile={out}", str(path)]
            )
            subprocess.run(args, check=True, capture_output=True)
            drawn[engine] = [Image.open(p).convert("L") for p in _numbered(Path(tmp))]
    return drawn


@dataclass(frozen=True)
class GlyphInk:
    page: int
    text: str
    ink: dict[str, float]  # engine -> pixel equivalents of ink inside the character's box

    def ratio(self, a: str, b: str) -> float:
        big = max(self.ink[a], self.ink[b])
        return abs(self.ink[a] - self.ink[b]) / big if big else 0.0


def glyph_inks(path: Path, drawn: dict[str, list[Image.Image]]) -> list[GlyphInk]:
    """The ink each engine puts inside each visible character's box (padded by 2 pixels, for the
    parts of a glyph that stand outside its advance), for characters with ink enough to compare."""
    scale = DPI / 72
    found = []
    with pdfplumber.open(path) as plumber:
        for number, page in enumerate(plumber.pages):
            images = {engine: pages[number] for engine, pages in drawn.items()}
            background = images["pdfium"].getpixel((2, 2))
            inks = {e: im.point(lambda v, bg=background: abs(v - bg)) for e, im in images.items()}
            for char in page.chars:
                if not char["text"].strip() or char["x1"] - char["x0"] < 1:
                    continue  # spaces and zero-width marks have no box of their own
                box = (
                    int(char["x0"] * scale) - 2,
                    int(char["top"] * scale) - 2,
                    int(char["x1"] * scale) + 3,
                    int(char["bottom"] * scale) + 3,
                )
                ink = {e: ImageStat.Stat(im.crop(box)).sum[0] / 255 for e, im in inks.items()}
                if max(ink.values()) >= MIN_INK:
                    found.append(GlyphInk(number + 1, char["text"], ink))
    return found


def disagreements(path: Path) -> list[str]:
    """Where the three engines draw `path` differently, beyond anti-aliasing: a page count that
    differs, a character one engine leaves (nearly) blank, or more characters drawn differently
    on a page than anti-aliasing and hinting explain."""
    drawn = pictures(path)
    counts = {engine: len(pages) for engine, pages in drawn.items()}
    if len(set(counts.values())) != 1:
        return [f"pages drawn: {counts}"]
    problems = []
    inks = glyph_inks(path, drawn)
    for a, b in combinations(ENGINES, 2):
        for number in sorted({g.page for g in inks}):
            on_page = [g for g in inks if g.page == number]
            differ = [g for g in on_page if g.ratio(a, b) > DIFFERENT]
            missing = [g for g in differ if g.ratio(a, b) > MISSING]
            if missing or len(differ) > TOLERATED:
                sample = ", ".join(
                    f"{g.text!r} {a} {g.ink[a]:.0f} {b} {g.ink[b]:.0f}" for g in (missing or differ)[:4]
                )
                problems.append(
                    f"page {number}: {a} and {b} draw {len(differ)} of {len(on_page)} characters "
                    f"differently ({len(missing)} next to blank in one): {sample}"
                )
    return problems


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    """A font's ToUnicode map (bfchar entries, as WeasyPrint writes them): code -> text."""
    data = font.ToUnicode.read_bytes()
    return {
        int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S)
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block)
    }


@dataclass
class EmbeddedFont:
    name: str
    to_unicode: dict[int, str]
    font: TTFont

    def bounds(self, glyph: int) -> tuple[float, ...] | None:
        """The outline bounds of glyph `glyph` (by its index, as the PDF's glyph ids mean it), in em."""
        order = self.font.getGlyphOrder()
        if glyph >= len(order):
            return None
        pen = BoundsPen(self.font.getGlyphSet())
        self.font.getGlyphSet()[order[glyph]].draw(pen)
        upem = self.font["head"].unitsPerEm
        return tuple(v / upem for v in pen.bounds) if pen.bounds else None


def embedded_fonts(pdf: pikepdf.Pdf) -> list[EmbeddedFont]:
    found = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            if font.objgen in found or "/DescendantFonts" not in font:
                continue
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            found[font.objgen] = EmbeddedFont(
                str(font.BaseFont)[1:], _to_unicode(font), TTFont(io.BytesIO(program.read_bytes()))
            )
    return list(found.values())


_DEFINITION = re.compile(r'<(?:path|g) id="font_(\d+)_(\d+)"(?: d="([^"]*)")?')
_USE = re.compile(r'<use data-text="([^"]*)" xlink:href="#font_(\d+)_(\d+)"')


def mupdf_glyphs(path: Path) -> Iterator[tuple[tuple[int, int], int, str, tuple[float, ...] | None]]:
    """((page, MuPDF's font number on it), glyph id, text, bounds of the outline MuPDF drew) for
    every glyph it draws, from `mutool draw -F svg` (one SVG a page, fonts numbered in each)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            tool("mutool", "mupdf-tools"),
            "draw",
            "-q",
            "-F",
            "svg",
            "-o",
            f"{tmp}/p%d.svg",
            str(path),
        ]
        subprocess.run(command, check=True, capture_output=True)
        for number, svg in enumerate(_numbered(Path(tmp)), start=1):
            text = svg.read_text(encoding="utf-8")
            outlines = {}
            for font, glyph, d in _DEFINITION.findall(text):
                pen = BoundsPen(None)
                if d:
                    parse_path(d, pen)
                empty = (
                    pen.bounds is None
                    or pen.bounds[0] == pen.bounds[2]
                    or pen.bounds[1] == pen.bounds[3]
                )
                outlines[int(font), int(glyph)] = None if empty else pen.bounds
            for chars, font, glyph in _USE.findall(text):
                key = (int(font), int(glyph))
                yield (number, key[0]), key[1], unescape(chars), outlines.get(key)


def _same(bounds: tuple[float, ...] | None, expected: tuple[float, ...] | None) -> bool:
    if bounds is None or expected is None:
        return bounds is expected
    return all(abs(x - y) <= BOUNDS_TOLERANCE for x, y in zip(bounds, expected, strict=True))


def mupdf_glyph_problems(path: Path) -> list[str]:
    """Every glyph MuPDF draws that is not the glyph the PDF names: a .notdef, or an outline other
    than the embedded font's own for that glyph id (for CID-keyed CFF fonts MuPDF follows the
    charset, as the specification says, so a charset that renumbers CIDs shows up here)."""
    with pikepdf.open(path) as pdf:
        fonts = embedded_fonts(pdf)
        drawn = list(mupdf_glyphs(path))
        # Which embedded font each of MuPDF's fonts is: of those whose ToUnicode gives each glyph
        # the text MuPDF says it stands for, the one whose outlines MuPDF's match most often (a
        # regular and a bold font map the same glyph ids to the same text).
        by_number: dict[tuple[int, int], EmbeddedFont | None] = {}
        for number in {font for font, _, _, _ in drawn}:
            uses = {(glyph, text, bounds) for font, glyph, text, bounds in drawn if font == number}
            candidates = [
                f for f in fonts if all(f.to_unicode.get(g, "").startswith(t) for g, t, _ in uses if t)
            ]
            by_number[number] = max(
                candidates, key=lambda f: sum(_same(b, f.bounds(g)) for g, _, b in uses), default=None
            )
        problems = set()
        for number, glyph, text, bounds in drawn:
            font = by_number[number]
            if glyph == 0:
                problems.add(f"MuPDF draws .notdef for {text!r}")
            elif font is None:
                problems.add(f"MuPDF draws {text!r} in a font that is none of the embedded fonts")
            elif not _same(bounds, font.bounds(glyph)):
                problems.add(
                    f"MuPDF draws glyph {glyph} of {font.name} for {text!r} with outline bounds "
                    f"{_rounded(bounds)}, the font's own are {_rounded(font.bounds(glyph))}"
                )
        return sorted(problems)


def _rounded(bounds: tuple[float, ...] | None) -> str:
    return "none" if bounds is None else "(" + ", ".join(f"{v:.3f}" for v in bounds) + ")"
