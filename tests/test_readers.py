"""Every PDF that `make pdfs` builds, as the readers that clinics and patients use meet it: proved
PDF/UA-1 by an independent validator, and drawn alike by pdfium, MuPDF and Ghostscript in every
shipped script and every print variant (see tests/engines.py for how the pictures are compared)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import page
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from handoutpress.catalogs import catalog_languages
from handoutpress.content import load_collection
from handoutpress.fonts import NOTO_CJK_SC, SCRIPT_FONTS
from handoutpress.locales import language

from .conftest import REPO, makefile_variants
from .engines import disagreements, mupdf_glyph_problems

LANGUAGES = ["en", *catalog_languages(REPO / "locales")]
TAGS = [language(code).tag for code in LANGUAGES]
HANDOUTS = [h.id for h in load_collection(REPO / "handouts", REPO).handouts]
#: The handout drawn in every language, and the languages drawn in every print variant: Chinese
#: (Han and Latin, the font that broke) and Arabic (right to left, with Latin runs inside).
SAMPLE = "overview"
EVERY_VARIANT = ("zh-Hans", "ar")


def expected_count() -> int:
    """How many PDFs `make pdfs` makes, from the Makefile's VARIANTS and the content alone: every
    handout and booklet in every size and theme, and each translation beside its English."""
    options = makefile_variants()
    sizes, themes = options.count("--size") or 1, options.count("--theme") or 1
    styles = sizes * themes
    bilingual = (len(LANGUAGES) - 1) * len(HANDOUTS) * styles if "--bilingual" in options else 0
    return len(LANGUAGES) * (len(HANDOUTS) + 1) * styles + bilingual


def test_every_pdf_make_pdfs_builds_passes_the_pdf_ua_1_validator(make_pdfs: Path) -> None:
    pdfs = sorted(make_pdfs.rglob("*.pdf"))
    assert len(pdfs) == expected_count()
    failures = [
        f"{path.relative_to(make_pdfs)}: {failure.rule_id}: {failure.message}"
        for path in pdfs
        for failure in page.validate_pdf(path, profile="ua1").failures
    ]
    assert failures == [], f"{len({f.split(':')[0] for f in failures})} of {len(pdfs)} PDFs fail"


def test_every_pdf_is_drawn_in_the_projects_own_fonts_only(make_pdfs: Path) -> None:
    """No glyph from a system font that fontconfig happened to find (the bullets of Chinese lists
    came from DejaVu Sans): the same PDF on every machine, in the faces the guidelines name."""
    strangers = set()
    for path in sorted(make_pdfs.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            for pdf_page in pdf.pages:
                for font in pdf_page.Resources.get("/Font", {}).values():
                    name = str(font.BaseFont).split("+")[-1]
                    if not name.startswith("hp-"):  # every prepared family is named hp-...
                        strangers.add(f"{path.relative_to(make_pdfs)}: {name}")
    assert sorted(strangers) == []


def test_the_comparison_covers_every_script_a_language_is_printed_in() -> None:
    assert {language(code).script for code in LANGUAGES} == set(SCRIPT_FONTS)
    assert "vi" in LANGUAGES  # Latin with stacked marks, printed in another font than English


@pytest.mark.parametrize("tag", TAGS)
def test_each_script_is_drawn_alike_by_pdfium_mupdf_and_ghostscript(make_pdfs: Path, tag: str) -> None:
    path = make_pdfs / tag / f"{SAMPLE}.pdf"
    assert disagreements(path) == []
    assert mupdf_glyph_problems(path) == []


@pytest.mark.parametrize("tag", EVERY_VARIANT)
def test_every_print_variant_is_drawn_alike_by_the_three_engines(make_pdfs: Path, tag: str) -> None:
    variants = sorted((make_pdfs / tag).glob(f"{SAMPLE}.*.pdf"))  # sizes, themes, bilingual
    assert len(variants) == expected_variants()
    problems = {}
    for path in variants:
        if found := disagreements(path) + mupdf_glyph_problems(path):
            problems[path.name] = found
    assert problems == {}


def expected_variants() -> int:
    """Print variants of one translated handout besides its standard print, from the Makefile."""
    options = makefile_variants()
    styles = (options.count("--size") or 1) * (options.count("--theme") or 1)
    return styles * (2 if "--bilingual" in options else 1) - 1


def _cids_as_before_the_fix(data: bytes) -> bytes:
    """An embedded CID-keyed CFF font whose charset names each glyph by its CID in the full Noto
    Sans CJK font, as fontTools' subsetter left it (issue 16), instead of by its glyph id."""
    source = TTFont(NOTO_CJK_SC.system_files[0][1], fontNumber=_sc_index(), lazy=True)
    original = source.getBestCmap()
    font = TTFont(io.BytesIO(data))
    by_glyph = {glyph: code for code, glyph in font.getBestCmap().items()}
    order = font.getGlyphOrder()
    names = [".notdef"]
    for gid, name in enumerate(order[1:], start=1):
        code = by_glyph.get(name)
        names.append(original[code] if code in original else f"cid{60000 + gid:05d}")
    top = font["CFF "].cff.topDictIndex[0]
    top.CharStrings.charStrings = dict(zip(names, top.CharStrings.charStrings.values(), strict=True))
    top.charset = names
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _sc_index() -> int:
    """Which font of the Noto Sans CJK collection is the Simplified Chinese one."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(NOTO_CJK_SC.system_files[0][1], lazy=True)
    names = [font["name"].getDebugName(1) for font in collection.fonts]
    return names.index(NOTO_CJK_SC.family)


def test_the_comparison_catches_the_cut_down_chinese_font_of_before(make_pdfs, tmp_path) -> None:
    """The test above would have caught issue 16: the same Chinese handout with its fonts' CIDs
    put back as they were is drawn blank or as boxes by MuPDF and Ghostscript, not by pdfium."""
    broken = tmp_path / "zh-before.pdf"
    shutil.copy(make_pdfs / "zh-Hans" / f"{SAMPLE}.pdf", broken)
    with pikepdf.open(broken, allow_overwriting_input=True) as pdf:
        changed = 0
        for font in {f.objgen: f for p in pdf.pages for f in p.Resources.Font.values()}.values():
            program = font.DescendantFonts[0].FontDescriptor.get("/FontFile3")
            if program is not None:
                program.write(_cids_as_before_the_fix(program.read_bytes()))
                changed += 1
        assert changed == 2  # the regular and the bold Chinese font
        pdf.save(broken)
    found = disagreements(broken)
    assert any("mupdf" in problem and "next to blank" in problem for problem in found), found
    assert any("ghostscript" in problem for problem in found), found
    assert mupdf_glyph_problems(broken)
