"""A paragraph never starts with one word alone on its line because a bold word follows later.

WeasyPrint 70 measured a text ending in a space (the text before a `<strong>`) with that space and,
when it fitted only without it, broke after its first word: "Treatment" stood alone in
`managing-pain`. handoutpress.linebreak repairs it. The test builds exactly that case: a column as
wide as the text before the bold word, without its space, measured from a PDF of the same font."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber

from handoutpress.fonts import choose_font
from handoutpress.render import Renderer

from .conftest import REPO

BEFORE = "Treatment for the tight muscles may help the pain too. In"
AFTER = "a surgeon cuts a nerve to a muscle."


def lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as plumber:
        return [line["text"] for line in plumber.pages[0].extract_text_lines()]


def test_a_text_that_fits_without_its_last_space_stays_on_its_line(tmp_path: Path) -> None:
    renderer = Renderer(REPO / "templates", tmp_path)
    font = choose_font("Latn", [BEFORE, AFTER, "denervation,"], tmp_path)
    css = font.font_face_css() + (
        f'html {{ font-family: "{font.css_family}"; font-size: 18pt; line-height: 1.5 }}'
        "@page { size: letter; margin: 1in } p { margin: 0 }"
    )
    # How wide the words before the bold one are, set in one line.
    probe = renderer.pdf(
        f'<html lang="en"><p style="white-space: nowrap">{BEFORE}</p></html>', css, [font], "probe"
    )
    with pdfplumber.open(io.BytesIO(probe.data)) as plumber:
        chars = [c for c in plumber.pages[0].chars if c["text"].strip()]
    width = chars[-1]["x1"] - chars[0]["x0"]
    # A column that holds them without the space after "In", not with it (a space is ~5 pt here).
    html = (
        f'<html lang="en"><p style="width: {width + 1.5:.2f}pt">{BEFORE} '
        f"<strong>denervation</strong>, {AFTER}</p></html>"
    )
    found = lines(renderer.pdf(html, css, [font], "case").data)
    assert found[0] == BEFORE, found  # the line breaks before the bold word, as a browser does
    assert found[1].startswith("denervation,")


def test_a_paragraphs_last_two_words_are_kept_together() -> None:
    """No line of a paragraph holds its last word alone (a runt, stranded at the foot of a page):
    the space before it is a no-break space, wherever tags fall; in Chinese the last three
    characters keep together."""
    from markupsafe import Markup

    from handoutpress.templating import tie_last_words

    nbsp = "\u00a0"
    cases = {
        "cuts a nerve.": f"cuts a{nbsp}nerve.",
        "Call <strong>your team</strong>": f"Call <strong>your{nbsp}team</strong>",
        "One <strong>two</strong>": f"One{nbsp}<strong>two</strong>",
        "x\n   y": f"x{nbsp}y",  # a run of spaces is one place to break
        "It &amp; that": f"It &amp;{nbsp}that",
        '<span lang="en" dir="ltr">A title</span>': f'<span lang="en" dir="ltr">A{nbsp}title</span>',
        "word": "word",
        " lead": " lead",
        "医学翻译人员尚未审核本译文。": '医学翻译人员尚未审核本<span class="nowrap">译文。</span>',
    }
    for html, expected in cases.items():
        assert str(tie_last_words(Markup(html))) == expected, html
