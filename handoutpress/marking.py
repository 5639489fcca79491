"""Untranslated and fuzzy strings, marked: what the live preview (`serve`) shows a translator.

An incomplete language prints a missing string in English, tagged as English
(`Translator.missing`). The preview prints that same English, but marked with a dotted outline and
a label, "not yet translated" or "fuzzy", so a translator sees at a glance what is left.

The label is drawn by CSS from a `data-mark` attribute, and is never text of the page. It cannot leak
into a title, an `aria-label` or a meta description, where templates strip a string's tags, and the
English stays the only text a screen reader is told is English. The label's words are still proven
against the font, as all printed text is.

A fuzzy entry is a guess: the English changed after it was translated. It shows the English, never
the guess as if it were a translation. The web page adds the guess after the English, labelled as a
guess, and drawn from a `data-guess` attribute too, because a translator fixing it wants to see what
the old translation said. The PDF leaves the guess out. Its pages then break where a build's
(`--allow-incomplete`) would today, and a preview PDF that someone prints anyway says "fuzzy" and
shows the English, never an unchecked health sentence.

Nothing here is used by a build: only `serve` makes a MarkingTranslator or a MarkingRenderer, so
a normal build's PDFs and web pages carry no mark (tests/test_serve.py proves it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from babel.messages.catalog import Catalog
from markupsafe import Markup

from handoutpress.fonts import PreparedFont
from handoutpress.locales import SOURCE_LANGUAGE, Language
from handoutpress.render import RenderedPdf, Renderer
from handoutpress.translate import Translator

UNTRANSLATED = "not yet translated"
FUZZY = "fuzzy"
GUESS = "fuzzy guess, not printed:"

#: The marks in PDFs and on web pages. An outline takes no room, so lines break as in a build.
MARKS_CSS = """
.hp-mark { outline: 0.1em dotted currentColor; outline-offset: 0.1em; }
.hp-mark::before { content: "[" attr(data-mark) "] "; font-weight: 700; }
"""

#: Web pages only: the fuzzy guess after the English.
GUESS_CSS = f"""
.hp-mark[data-guess]::after {{
  content: " [{GUESS} " attr(data-guess) "]"; font-weight: 400; outline: 0.1em dashed currentColor;
}}
"""


def fuzzy_guesses(catalog: Catalog) -> dict[str, str]:
    """msgid -> translation of every fuzzy entry with one: what the preview shows as a guess."""
    return {
        m.id: m.string
        for m in catalog
        if m.id and m.fuzzy and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }


class MarkingTranslator(Translator):
    """A Translator that marks each string it prints in English instead of the language."""

    def __init__(self, lang: Language, translations: Mapping[str, str], guesses: Mapping[str, str]):
        super().__init__(lang, translations, allow_incomplete=True)
        self.guesses = guesses

    def missing(self, msgid: str, english: Markup) -> Markup:
        guess = self.guesses.get(msgid)
        label = UNTRANSLATED if guess is None else FUZZY
        self.printed.append(label)  # drawn from CSS in the PDF: the font must have its letters
        if guess is None:
            html = '<span class="hp-mark" lang="{}" data-mark="{}">{}</span>'
            return Markup(html).format(SOURCE_LANGUAGE, label, english)
        html = '<span class="hp-mark" lang="{}" data-mark="{}" data-guess="{}">{}</span>'
        return Markup(html).format(SOURCE_LANGUAGE, label, guess, english)


class MarkingRenderer(Renderer):
    """A Renderer whose PDFs draw the marks (MARKS_CSS after the print stylesheet)."""

    def pdf(self, html: str, css: str, fonts: Sequence[PreparedFont], identifier: str) -> RenderedPdf:
        return super().pdf(html, css + MARKS_CSS, fonts, identifier)
