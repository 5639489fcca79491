"""Every shipped language, built as CI builds it: tagged with its language, every character drawn
from its font, and every string it prints given back by text extraction, whatever the script."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from babel.messages.pofile import read_po

from handoutpress.catalogs import catalog_languages, catalog_path
from handoutpress.cli import main
from handoutpress.content import load_collection
from handoutpress.locales import language

from .conftest import REPO

LANGUAGES = ["en", *catalog_languages(REPO / "locales")]
COLLECTION = load_collection(REPO / "handouts", REPO)
#: Space of any kind, and the invisible marks a bidi algorithm adds or a line break leaves behind.
INVISIBLE = re.compile(r"[\s\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
#: Punctuation, which a bidi algorithm may move to the other end of a line, and hyphens at a line
#: end, which pdfium gives back as a control character.
EDGES = "()[]«»\u201c\u201d\"'.,;:!?\u061f\u060c\u061b\u2026\u2013\u2014\u2022/-"


def words(string: str) -> list[str]:
    """The words a reader must be able to copy: split at spaces and punctuation (a whole clause
    in Chinese); `{page}`-style placeholders are not printed as such."""
    text = unicodedata.normalize("NFKC", re.sub(r"\{\w+\}", " ", string))
    return [w for w in re.split(f"[\\s{re.escape(EDGES)}]+", text) if w]


def extracted(path: Path, footer: str = "Page {page} of {pages}") -> str:
    """The PDF's text as pdfium (Chrome's PDF engine) extracts it, without spaces or bidi marks.

    Words are then looked up inside it: their order on a line depends on the reader's bidi
    algorithm, but each word's letters must come back whole and in order. A clause that runs
    over a page break comes back whole too: each page's running footer (`footer`, as the catalog
    words it) and the list markers, which pdfium gives at the end of the page's text rather than
    where they stand, are taken out first."""
    document = pdfium.PdfDocument(path)
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    text = ""
    for number, page in enumerate(pages, start=1):
        page = INVISIBLE.sub("", unicodedata.normalize("NFKC", page)).replace("\u2022", "")
        running = footer.format(page=number, pages=len(pages))
        page = page.replace(INVISIBLE.sub("", unicodedata.normalize("NFKC", running)), "")
        text += page
    return text


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_handout_is_built_and_tagged_with_its_language(shipped_pdfs: Path, code: str) -> None:
    tag = language(code).tag
    pdfs = sorted((shipped_pdfs / tag).glob("*.pdf"))
    assert {p.stem for p in pdfs} == {h.id for h in COLLECTION.handouts} | {"booklet"}
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == tag, path


def catalog_strings(code: str) -> dict[str, str]:
    """msgid -> translation, as Babel reads the shipped catalog (no fuzzy entry is printed)."""
    with catalog_path(REPO / "locales", code).open("rb") as fh:
        catalog = read_po(fh)
    found = {}
    for message in catalog:
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if message.id and string and not message.fuzzy:
            found[message.id] = string
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_printed_word_comes_back_from_the_text_layer(shipped_pdfs: Path, code: str) -> None:
    """Each handout's own strings, as its YAML gives them and its catalog translates them: every
    word comes back from pdfium's text layer, and as many times as the handout prints it (a short
    word such as "de" is not found once for all)."""
    translations = catalog_strings(code) if code != "en" else {}
    lost = []
    for handout in COLLECTION.handouts:
        footer = translations.get("Page {page} of {pages}", "Page {page} of {pages}")
        text = extracted(shipped_pdfs / language(code).tag / f"{handout.id}.pdf", footer)
        strings = [
            translations.get(t.msgid, t.msgid) if code != "en" else t.msgid for t in handout.texts()
        ]
        expected = Counter(w for s in strings for w in words(s.replace("**", "")))
        lost += [
            f"{handout.id}: {w!r} printed {n} times, found {text.count(w)}"
            for w, n in expected.items()
            if text.count(w) < n
        ]
    assert lost == []


def test_the_shipped_pdfs_pass_every_check(shipped_pdfs: Path) -> None:
    """Includes no .notdef glyph, fonts embedded with ToUnicode, contrast and size, in every script."""
    assert main(["check", "--pdfs", str(shipped_pdfs), "--paper", "letter"]) == 0


def test_a_character_the_font_lacks_stops_the_build(mini_es, capsys) -> None:
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    po.write_text(po.read_text().replace('msgstr "Primera parte"', 'msgstr "Primera parte \u4e2d"'))
    out = mini_es.root / "dist"
    assert main(["--root", str(mini_es.root), "build", "--lang", "es", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "no glyph for '\u4e2d' (U+4E2D, CJK UNIFIED IDEOGRAPH-4E2D)" in err
    assert "'Primera parte \u4e2d'" in err
    assert not (out / "es/sample.pdf").exists()
