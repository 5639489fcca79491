"""The safety box, numbered steps, tables to fill in and lines to write on, as readers meet them:
drawn on the page (pdfplumber), tagged for a screen reader (the structure tree, the outline), and on
the web page in a real browser. Built from the model project (tests/fixtures/model) with a clinic
profile whose emergency number is 112, in English and in Spanish, in both themes."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from handoutpress.checks import Expectations, check_pdf, contrast
from handoutpress.cli import main
from handoutpress.styles import THEMES

from .conftest import MODEL_SPANISH, add_language, make_model
from .pdfinfo import Element, structure

BOX_HEADING = {"en": "Get help right away", "es": MODEL_SPANISH["Get help right away"]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_model(tmp_path_factory.mktemp("tools") / "model")
    add_language(project, "es", MODEL_SPANISH)
    clinic = project.root / "clinic.yaml"
    clinic.write_text("name: Test Clinic\nemergency_number: 112\n", encoding="utf-8")
    out = project.root / "dist"
    args = ["--root", str(project.root), "build", "--out", str(out), "--clinic", str(clinic)]
    assert main([*args, "--jobs", "1", "--theme", "default", "--theme", "reverse", "--bilingual"]) == 0
    return out


def words(page: pdfplumber.page.Page) -> list[dict]:
    return page.extract_words(extra_attrs=["size"])


def frame_around(page: pdfplumber.page.Page, word: dict) -> dict:
    """The smallest filled rectangle around `word` that is not the page or the body: the inside
    edge of the box's frame."""
    around = [
        r
        for r in page.rects
        if r["x0"] <= word["x0"] and r["x1"] >= word["x1"] and r["top"] <= word["top"]
        and r["bottom"] >= word["bottom"] and r["width"] < page.width - 100
    ]  # fmt: skip
    assert around, f"no frame around {word['text']!r}"
    return min(around, key=lambda r: r["width"] * r["height"])


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_safety_box_is_framed_first_on_page_one_with_the_clinics_number(built, lang) -> None:
    with pdfplumber.open(built / lang / "tool.pdf") as pdf:
        page = pdf.pages[0]
        found = words(page)
        first_word = BOX_HEADING[lang].split()[0]
        heading = next(w for w in found if w["text"] == first_word)
        frame = frame_around(page, heading)
        inside = [
            w for w in found if frame["x0"] <= w["x0"] and w["x1"] <= frame["x1"]
            and frame["top"] <= w["top"] and w["bottom"] <= frame["bottom"]
        ]  # fmt: skip
        text = " ".join(w["text"] for w in inside)
        assert "112" in text and "911" not in page.extract_text()
        # Every item of the box is inside it, the handout's own added item among them.
        item = {"en": "weak.", "es": "cuerpo."}[lang]
        assert item in text
        # The summary comes first, above the frame; the title above it.
        summary = next(w for w in found if w["text"] in ("main", "mensaje"))
        assert summary["bottom"] < frame["top"]
        # The frame is thick, drawn in the text colour.
        outer = [r for r in page.rects if r["x0"] < frame["x0"] and r["top"] < frame["top"]]
        ring = min(outer, key=lambda r: r["width"])
        assert frame["x0"] - ring["x0"] >= 3.9  # pt: a 4 pt rule
        assert tuple(ring["non_stroking_color"]) == (0.0, 0.0, 0.0)


def test_a_bilingual_handout_frames_the_box_in_both_languages(built) -> None:
    """The reader's box whole on page 1; the English one after it, whole too (on page 2 when both
    do not fit on one page)."""
    with pdfplumber.open(built / "es" / "tool.bilingual.pdf") as pdf:
        spanish = next(w for w in words(pdf.pages[0]) if w["text"] == "Pida")
        assert frame_around(pdf.pages[0], spanish)
        for page in pdf.pages[:2]:
            english = [w for w in words(page) if w["text"] == "Get"]
            if english:
                assert frame_around(page, english[0])
                break
        else:
            raise AssertionError("no English safety box on page 1 or 2")


def test_the_frame_is_the_text_colour_at_7_to_1_in_the_reverse_theme_too(built) -> None:
    with pdfplumber.open(built / "en" / "tool.reverse.pdf") as pdf:
        page = pdf.pages[0]
        heading = next(w for w in words(page) if w["text"] == "Get")
        frame = frame_around(page, heading)
        ring = min(
            (r for r in page.rects if r["x0"] < frame["x0"] and r["top"] < frame["top"]),
            key=lambda r: r["width"],
        )
    theme = THEMES["reverse"]
    colour = tuple(ring["non_stroking_color"])
    assert colour == (1.0, 1.0, 1.0)  # the text colour: the frame means nothing a colour says
    background = tuple(int(theme.background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    assert contrast(colour, background) >= 7


def rgb(css: str) -> tuple[float, ...]:
    """`rgb(18, 18, 18)` as the 0..1 components the contrast formula takes."""
    return tuple(int(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def sections(root: Element) -> dict[str, Element]:
    return {s.children[0].text.strip(): s for s in root.find("Sect") if s.children}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_box_is_a_section_in_the_tags_and_the_outline_its_marker_an_artifact(built, lang) -> None:
    path = built / lang / "tool.pdf"
    root = structure(path)
    box = sections(root)[BOX_HEADING[lang]]
    assert box.children[0].type == "H2"
    assert box.children[0].text == BOX_HEADING[lang]  # the "!" is not read out
    assert box.pages == {0}
    assert "112" in box.text
    with pikepdf.open(path) as pdf:
        (handout,) = pdf.open_outline().root
        assert handout.children[0].title == BOX_HEADING[lang]
    with pdfplumber.open(path) as pdf:
        marks = [c for c in pdf.pages[0].chars if c["text"] == "!"]
    assert marks and all(c.get("mcid") is None and c.get("tag") == "Artifact" for c in marks)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_steps_are_a_numbered_list(built, lang) -> None:
    root = structure(built / lang / "tool.pdf")
    heading = {"en": "Steps to take", "es": "Pasos a seguir"}[lang]
    (steps,) = sections(root)[heading].find("L")
    labels = [item.find("Lbl")[0].text.strip() for item in steps.find("LI")]
    assert labels == ["1.", "2."]
    first = {"en": "Write down when it happens.", "es": "Anote cuándo ocurre."}[lang]
    assert " ".join(steps.find("LI")[0].find("LBody")[0].text.split()) == first


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_table_is_tagged_with_column_headers(built, lang) -> None:
    root = structure(built / lang / "tool.pdf")
    (table,) = root.find("Table")
    (head,), (body,) = table.find("THead"), table.find("TBody")
    headers = head.find("TH")
    expected = ["Day", "What I did", "How bad (0-10)"]
    if lang == "es":
        expected = [MODEL_SPANISH[h] for h in expected]
    assert [h.text for h in headers] == expected
    assert all(h.attributes["Scope"] == "/Column" for h in headers)
    rows = body.find("TR")
    assert [len(r.find("TD")) for r in rows] == [3, 3]
    assert [c.text for c in rows[0].find("TD")] == [{"en": "Monday", "es": "Lunes"}[lang], "", ""]
    with pikepdf.open(built / lang / "tool.pdf") as pdf:
        ids = {str(e.ID) for e in _elements(pdf, "/TH")}
        for cell in _elements(pdf, "/TD"):
            assert {str(i) for i in cell.A.Headers} <= ids and len(cell.A.Headers) == 1


def _elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if kind == node.S:
                found.append(node)
            if "/K" in node:
                stack.append(node.K)
    return found


def test_lines_to_write_on_are_drawn_and_hidden_from_screen_readers(built) -> None:
    path = built / "en" / "tool.pdf"
    root = structure(path)
    questions = sections(root)["Your questions"]
    assert [c.type for c in questions.children] == ["H2", "P"]  # no element for the lines
    (page_index,) = questions.pages
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_index]
        below = next(w for w in page.extract_words() if w["text"] == "here.")["bottom"]
        boxes = {(round(r["x0"]), round(r["top"]), round(r["height"], 1)) for r in page.rects}
    # A bottom border is painted as the band between a box and the same box 1.5 pt taller.
    rules = sorted(
        top + height
        for x0, top, height in boxes
        if top > below and (x0, top, round(height - 1.5, 1)) in boxes
    )
    assert len(rules) == 3
    assert all(b - a >= 30 for a, b in pairwise(rules))  # room to write a line of words


def test_every_pdf_passes_the_audit(built) -> None:
    pdfs = sorted(built.rglob("*.pdf"))
    assert len(pdfs) >= 8
    for pdf in pdfs:
        assert check_pdf(pdf, Expectations(paper="letter")) == [], pdf


def test_the_web_page_shows_the_box_and_table_and_leaves_out_the_lines(built, browser) -> None:
    page = browser.new_page()
    try:
        page.goto((built / "en" / "tool.html").as_uri())
        heading = page.get_by_role("heading", name="Get help right away", exact=True)
        assert heading.count() == 1  # the marker is not in its accessible name
        box = page.locator("section.box.safety")
        assert "112" in box.inner_text()
        width = box.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")
        assert width >= 4  # px: a thick frame
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            border, text, back = box.evaluate(
                "e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).color,"
                " getComputedStyle(document.documentElement).backgroundColor]"
            )
            assert border == text
            assert contrast(rgb(border), rgb(back)) >= 7, scheme
        headers = page.get_by_role("columnheader").all_inner_texts()
        assert headers == ["Day", "What I did", "How bad (0-10)"]
        assert page.locator(".lines").count() == 1 and not page.locator(".lines").is_visible()
        link = page.get_by_role("link", name="A fact sheet. A Health Institute, 2024")
        assert link.get_attribute("href") == "https://example.org/fact-sheet"
    finally:
        page.close()
