"""Built PDFs as a reader's software sees them: tagged, in the right language, titled, fonts embedded."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pytest
import tinycss2

from handoutpress.templating import css_string

from .conftest import build
from .pdfinfo import fonts, is_embedded, marked_content, struct_types, text


def test_spanish_pdf_is_tagged_titled_and_speaks_spanish(mini_es) -> None:
    assert build(mini_es, "--lang", "es") == 0
    path = mini_es.root / "dist/es/sample.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "es"
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as meta:
            assert meta["dc:title"] == "Folleto de muestra"
            assert meta["pdfuaid:part"] == "1"
        types = struct_types(pdf)
        assert types.count("H1") == 1
        assert {"H2", "P", "L", "LI", "LBody"} <= set(types)
        assert fonts(pdf)
        assert all(is_embedded(f) and "/ToUnicode" in f for f in fonts(pdf))
    words = text(path)
    for heading in ("Folleto de muestra", "Primera parte", "Parte compartida"):
        assert heading in words
    assert "Palabra en negrita" in words
    assert "First part" not in words


def test_english_alone_is_built_with_its_headings_bookmarked(mini) -> None:
    assert build(mini) == 0
    with pikepdf.open(mini.root / "dist/en/sample.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en"
        outline = [item.title for item in pdf.open_outline().root]
        assert outline == ["Sample handout"]
        children = [c.title for c in pdf.open_outline().root[0].children]
        assert children[:2] == ["First part", "Shared part"]


def test_incomplete_handout_waits_unless_allowed(mini_es, capsys) -> None:
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    po.write_text(po.read_text().replace('msgstr "Primera parte"', 'msgstr ""'))
    assert build(mini_es, "--lang", "es") == 0
    assert "waiting es/sample: 1 string untranslated or fuzzy" in capsys.readouterr().out
    assert not (mini_es.root / "dist/es/sample.pdf").exists()
    assert build(mini_es, "--lang", "es", "--allow-incomplete") == 0
    path = mini_es.root / "dist/es/sample.pdf"
    assert "First part" in text(path)
    with pikepdf.open(path) as pdf:
        spans = [n for n in _walk(pdf.Root.StructTreeRoot.K) if str(n.get("/Lang", "")) == "en"]
        assert spans, "the English fallback must be tagged as English"


def _walk(node):
    if isinstance(node, pikepdf.Array):
        for kid in node:
            yield from _walk(kid)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        if "/K" in node:
            yield from _walk(node.K)


def test_a_failed_build_keeps_the_good_pdf(mini, monkeypatch) -> None:
    assert build(mini) == 0
    folder = mini.root / "dist/en"
    good = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(good) == {"sample.pdf", "sample.html", "sample.png", "booklet.pdf"}

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("handoutpress.render.Renderer.pdf", broken)
    assert build(mini, "--force") == 1
    # Nothing half-written, nothing removed: every file is the one of the last good build.
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == good


def test_translations_are_text_not_markup(mini_es, capsys) -> None:
    """The catalog rules refuse markup in a translation, naming its line; below them, were such a
    translation to get through, the renderer prints it as text."""
    from handoutpress.build import plan_languages
    from handoutpress.clinic import Clinic
    from handoutpress.content import load_collection
    from handoutpress.documents import HandoutBuilder
    from handoutpress.styles import StyleOptions

    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    hostile = '<img src=\\"file:///etc/hostname\\"> <b>Primera</b> parte'
    po.write_text(po.read_text().replace('msgstr "Primera parte"', f'msgstr "{hostile}"'))
    line = po.read_text().splitlines().index(f'msgstr "{hostile}"') + 1
    assert build(mini_es, "--lang", "es") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"locales/es/LC_MESSAGES/handouts.po:{line}: markup '<img src=\"file:///etc/hostname\">' "
        "that the English does not have in translation of 'First part'"
    ]
    assert not (mini_es.root / "dist/es/sample.pdf").exists()
    collection = load_collection(mini_es.handouts_dir, mini_es.root)
    (plan,) = plan_languages(mini_es, ["es"], allow_incomplete=False, collection=collection)
    builder = HandoutBuilder(mini_es, collection, Clinic())
    pdf = mini_es.root / "es.pdf"
    pdf.write_bytes(builder.render(collection.handout("sample"), plan, StyleOptions()).data)
    assert "<b>Primera</b> parte" in text(pdf)


def test_every_marked_id_is_in_the_tree_and_the_footer_is_an_artifact(mini) -> None:
    """WeasyPrint 70 leaves margin-box text unreachable (upstream #1836); tagging fixes it."""
    from handoutpress.checks import reachable_mcids

    assert build(mini) == 0
    with pikepdf.open(mini.root / "dist/en/sample.pdf") as pdf:
        reachable = {
            (pdf.pages.index(pikepdf.Page(pdf.get_object(og))), m) for og, m in reachable_mcids(pdf)
        }
        marked = marked_content(pdf)
        for page, tag, mcid in marked:
            if tag == "/Artifact":
                continue
            assert mcid is not None and (page, mcid) in reachable, (page, tag, mcid)
        assert any(tag == "/Artifact" for _, tag, _ in marked)
        pagination = [
            operands[1]
            for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
            if str(operator) == "BDC" and str(operands[0]) == "/Artifact"
        ]
        assert pagination and all(p.get("/Type") == "/Pagination" for p in pagination)
    with pdfplumber.open(mini.root / "dist/en/sample.pdf") as pdf:
        chars = pdf.pages[0].chars
        footer = "".join(c["text"] for c in chars if c.get("tag") == "Artifact")
        body = "".join(c["text"] for c in chars if c.get("tag") != "Artifact")
    assert footer.replace(" ", "") == "Page1of1"
    assert "Samplehandout" in body.replace(" ", "")


def test_clinic_block_and_paper_come_from_the_clinic_profile(mini_es) -> None:
    (mini_es.root / "clinic.yaml").write_text(
        "name: <b>Riverside</b> & Co\nphone: 555-0100\npaper: a4\n", encoding="utf-8"
    )
    assert build(mini_es, "--lang", "es") == 0
    path = mini_es.root / "dist/es/sample.pdf"
    words = text(path)
    assert "<b>Riverside</b> & Co" in words
    assert "Teléfono: 555-0100" in words
    assert "Sitio web" not in words  # fields left out of the profile are left out of the page
    with pikepdf.open(path) as pdf:
        width, height = (round(float(v)) for v in pdf.pages[0].MediaBox[2:])
    assert (width, height) == (595, 842)  # A4 in points


def test_a_bad_clinic_profile_is_one_clear_line(mini, capsys) -> None:
    (mini.root / "clinic.yaml").write_text("name: Riverside\nfax: 555\n", encoding="utf-8")
    assert build(mini) == 1
    assert capsys.readouterr().err.strip() == (
        "clinic.yaml:2: fax: unknown key 'fax' "
        "(allowed: address, braille, emergency_number, language, name, paper, phone, website)"
    )


def test_a_clinic_language_babel_does_not_know_is_one_clear_line(mini, capsys) -> None:
    (mini.root / "clinic.yaml").write_text("name: Riverside\nlanguage: klingon\n", encoding="utf-8")
    assert build(mini) == 1
    assert capsys.readouterr().err.strip() == (
        "clinic.yaml:2: language: unknown language code 'klingon': use a code Babel knows, such as "
        "es, fr, vi, zh_Hans (the language the clinic's name and address are written in)"
    )


def test_a_translation_says_what_it_translates_and_its_review_status(mini_es) -> None:
    (mini_es.locales_dir / "es/translation.yaml").write_text("status: draft\ntranslated: 2026-11-20\n")
    assert build(mini_es, "--lang", "es") == 0
    words = " ".join(text(mini_es.root / "dist/es/sample.pdf").split())
    assert (
        "traducción de la hoja informativa en inglés «Sample handout» del 25 de noviembre de 2026"
        in words
    )
    assert "Traducida el 20 de noviembre de 2026." in words
    assert "todavía no la ha revisado" in words
    with pikepdf.open(mini_es.root / "dist/es/sample.pdf") as pdf:
        english = [n for n in _walk(pdf.Root.StructTreeRoot.K) if str(n.get("/Lang", "")) == "en"]
    assert english  # the English title and the sources are tagged as English


@pytest.mark.parametrize(
    "text",
    ["में से पेज", 'a"b\\c\nd', "</style><script>x</script>", "url(http://x) } body {", "é 1 ﷲ"],
)
def test_css_strings_read_back_as_written(text: str) -> None:
    """Untrusted footer words reach the stylesheet as one CSS string that says exactly the same."""
    tokens = [t for t in tinycss2.parse_component_value_list(css_string(text)) if t.type != "whitespace"]
    assert [(t.type, t.value) for t in tokens] == [("string", text)]


def test_file_identifier_is_the_jobs_and_leaves_the_file_undamaged(mini) -> None:
    """The /ID is added to the finished bytes (render.with_file_identifier): qpdf must find every
    object where the cross-reference stream says it is, and the first part must name the job."""
    import hashlib

    assert build(mini) == 0
    path = mini.root / "dist/en/sample.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.get_warnings() == []
        assert pdf.check_pdf_syntax() == []
        first, second = (bytes(part).decode() for part in pdf.trailer.ID)
    assert first == hashlib.sha256(b"sample/en/standard").hexdigest()[:32]
    assert len(second) == 32 and second != first
    assert build(mini, "--force") == 0
    with pikepdf.open(path) as pdf:
        assert [bytes(part).decode() for part in pdf.trailer.ID] == [first, second]


def test_file_identifier_refuses_a_pdf_it_cannot_place_one_in() -> None:
    from handoutpress.render import with_file_identifier

    pdf = (
        b"%PDF-1.7\n1 0 obj\n<</Type /XRef/Size 2/ID [(a) (b)]/Filter /FlateDecode/Length 0>>\nstream\n"
    )
    with pytest.raises(ValueError, match="already has a file identifier"):
        with_file_identifier(pdf, "x")
    with pytest.raises(ValueError, match="no compressed cross-reference stream"):
        with_file_identifier(b"%PDF-1.7\nxref\n0 1\ntrailer\n<</Size 1>>\n", "x")
