"""Booklets and bilingual handouts: made from the same parts as a single handout, audited alike."""

from __future__ import annotations

import re

import pdfplumber
import pikepdf

from handoutpress.checks import Expectations, check_pdf

from .conftest import MINI_ARABIC, add_language, build
from .pdfinfo import fonts_of, struct_types, text, text_by_language


def add_long_overview(project) -> None:
    """An overview (first in a booklet) long enough to take several pages."""
    paragraphs = "\n".join(
        f"      - Paragraph {n} says one plain thing about the topic, in a sentence or two."
        for n in range(40)
    )
    (project.root / "handouts/long.yaml").write_text(
        "kind: overview\ntitle: Long overview\nsummary: A long summary.\nwritten: 2026-11-25\n"
        "review: {status: draft}\n"
        f"sources: [one]\nsections:\n  - heading: Many words\n    body:\n{paragraphs}\n"
        "  - heading: Last words\n    body:\n      - The end.\n"
    )


def toc_numbers(path) -> dict[str, int]:
    """What the contents page says: title -> page number."""
    with pdfplumber.open(path) as pdf:
        lines = pdf.pages[1].extract_text().splitlines()
    entries = [re.match(r"(.+?)[ .]*?(\d+)$", line) for line in lines if not line.startswith("Page")]
    return {m.group(1).rstrip(" ."): int(m.group(2)) for m in entries if m}


def pages_starting_with(path, titles: list[str]) -> dict[str, int]:
    """The page (from 1) whose first line is each title: where the handout really starts."""
    found = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages[2:], start=3):
            first = (page.extract_text() or "").splitlines()[0]
            if first in titles:
                found[first] = number
    return found


def test_booklet_contents_and_bookmarks_point_at_the_real_pages(mini) -> None:
    add_long_overview(mini)
    assert build(mini) == 0
    path = mini.root / "dist/en/booklet.pdf"
    titles = ["Long overview", "Sample handout"]  # the overview first, whatever the file order
    toc = toc_numbers(path)
    assert list(toc) == titles
    real = pages_starting_with(path, titles)
    assert toc == real
    assert real["Sample handout"] > real["Long overview"] + 1  # the overview takes several pages
    with pikepdf.open(path) as pdf:
        outline = pdf.open_outline().root
        assert [item.title for item in outline] == titles  # one bookmark per handout, no cover
        assert [c.title for c in outline[1].children] == ["First part", "Shared part"]
        pages = {pikepdf.Page(p).objgen: n for n, p in enumerate(pdf.pages, start=1)}
        for item in outline:
            target = item.destination[0] if item.destination else item.action.D[0]
            assert pages[target.objgen] == real[item.title]
        types = struct_types(pdf)
        assert types.count("H1") == 1  # the booklet's title on the cover
        assert types.count("H2") == 1 + len(titles)  # the contents, then each handout's title
        assert "H3" in types  # their sections
        assert str(pdf.Root.Lang) == "en"
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == "Patient handouts"
    assert check_pdf(path, Expectations(paper="letter")) == []


def test_booklet_is_built_only_for_the_whole_collection_and_skipped_when_unchanged(
    mini_es, capsys
) -> None:
    assert build(mini_es, "--handout", "sample") == 0
    assert not (mini_es.root / "dist/es/booklet.pdf").exists()
    assert build(mini_es) == 0
    words = " ".join(text(mini_es.root / "dist/es/booklet.pdf").split())
    assert "Hojas informativas para pacientes" in words and "Contenido" in words
    assert "Folleto de muestra" in words
    capsys.readouterr()
    assert build(mini_es) == 0
    assert "0 built, 4 unchanged" in capsys.readouterr().out
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    po.write_text(po.read_text().replace('msgstr "Primera parte"', 'msgstr "La primera parte"'))
    assert build(mini_es) == 0
    out = capsys.readouterr().out
    assert "2 built, 2 unchanged" in out  # the Spanish handout and booklet; English is untouched
    assert "es/booklet.pdf" in out and "en/booklet.pdf" not in out


def test_a_handout_named_booklet_is_refused(mini, capsys) -> None:
    (mini.root / "handouts/booklet.yaml").write_text((mini.root / "handouts/sample.yaml").read_text())
    assert build(mini) == 1
    assert "the name 'booklet' is taken" in capsys.readouterr().err


def test_bilingual_handout_speaks_both_languages_section_by_section(mini) -> None:
    add_language(mini, "ar", MINI_ARABIC)
    assert build(mini, "--lang", "ar", "--bilingual", "--handout", "sample") == 0
    path = mini.root / "dist/ar/sample.bilingual.pdf"
    assert check_pdf(path, Expectations(paper="letter")) == []
    by_language = {lang: chars.replace(" ", "") for lang, chars in text_by_language(path).items()}
    for english in ("Samplehandout", "Firstpart", "Boldword", "Sharedpart", "Ashortsummary"):
        assert english in by_language["en"]
        assert english not in by_language["ar"]
    assert "الجزء" in by_language["ar"] or "ءزجلا" in by_language["ar"]
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        assert struct_types(pdf).count("H1") == 1
        outline = [item.title for item in pdf.open_outline().root[0].children]
    # Section by section: each Arabic section followed by its English original.
    assert outline[:4] == ["الجزء الأول", "First part", "جزء مشترك", "Shared part"]
    # The English is set in the English (sans serif) font, the Arabic in the Arabic one.
    assert all("atkinson" in f.lower() for f in fonts_of(path, "Shared part"))
    with pdfplumber.open(path) as pdf:
        arabic = {c["fontname"] for p in pdf.pages for c in p.chars if "\u0600" <= c["text"] <= "\u06ff"}
    assert arabic and all("amiri" in f.lower() for f in arabic)
