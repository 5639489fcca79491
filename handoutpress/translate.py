"""Turn a handout into the words one language prints, as safe HTML fragments.

Every string, from content or from a template, passes through `Translator.text`: it looks the English
msgid up in the compiled catalog, escapes the result (translations are untrusted text, wherever they come
from), and only then applies the few marks the content model allows: `**bold**` and named placeholders.
A string the catalog lacks is either a build error or, when the build allows incomplete languages,
English marked `lang="en"` so a screen reader switches voice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from handoutpress.content import (
    PLACEHOLDER,
    BulletList,
    ClinicalReview,
    Handout,
    Lines,
    Paragraph,
    Steps,
    Table,
    Text,
)
from handoutpress.locales import SOURCE_LANGUAGE, Language

BOLD = re.compile(r"\*\*(.+?)\*\*")


class MissingTranslation(LookupError):
    """A string with no usable translation in a build that requires complete languages."""


def format_text(text: str, values: Mapping[str, str]) -> Markup:
    """Escape `text`, then turn `**x**` into <strong> and `{name}` into the escaped value."""
    html = str(escape(text))
    html = BOLD.sub(r"<strong>\1</strong>", html)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for placeholder {{{name}}} in {text!r}")
        return str(escape(values[name]))

    return Markup(PLACEHOLDER.sub(fill, html))


class Translator:
    """Looks strings up for one language and records which ones fell back to English."""

    def __init__(
        self,
        lang: Language,
        translations: Mapping[str, str],
        *,
        allow_incomplete: bool = False,
    ):
        self.lang = lang
        self.translations = translations
        self.allow_incomplete = allow_incomplete
        self.fallbacks: list[str] = []
        #: Every string handed out, as plain text: the font must have a glyph for each character.
        self.printed: list[str] = []

    @property
    def is_source(self) -> bool:
        return self.lang.code == SOURCE_LANGUAGE

    def text(self, msgid: str, **values: str) -> Markup:
        """The translated, escaped and formatted string (also Jinja's newstyle `_` and `gettext`)."""
        translated = msgid if self.is_source else self.translations.get(msgid)
        if translated:
            result = format_text(translated, values)
        elif self.allow_incomplete:
            self.fallbacks.append(msgid)
            result = self.missing(msgid, format_text(msgid, values))
        else:
            raise MissingTranslation(f"no {self.lang.code} translation for {msgid!r}")
        self.printed.append(result.striptags())
        return result

    def missing(self, msgid: str, english: Markup) -> Markup:
        """What a string without a usable translation prints in an incomplete language: its
        English (`english`, formatted), tagged as English so a screen reader switches voice.
        The live preview marks it instead (handoutpress.marking)."""
        return Markup('<span lang="{}">{}</span>').format(SOURCE_LANGUAGE, english)

    __call__ = text


@dataclass(frozen=True)
class TranslatedBlock:
    """One block as the templates print it: `p` (one item), `ul` and `ol` (the items), `table` (the
    header cells as items, and the rows; an empty Markup is a cell to write in) or `lines` (that
    many lines to write on)."""

    kind: str
    items: tuple[Markup, ...] = ()
    rows: tuple[tuple[Markup, ...], ...] = ()
    lines: int = 0


@dataclass(frozen=True)
class TranslatedSection:
    heading: Markup
    blocks: tuple[TranslatedBlock, ...]
    anchor: str
    box: str | None = None


@dataclass(frozen=True)
class TranslatedHandout:
    id: str
    lang: Language
    title: Markup
    plain_title: str
    summary: Markup
    sections: tuple[TranslatedSection, ...]
    written: dt.date
    review: ClinicalReview
    source: Handout


def translate(handout: Handout, translator: Translator, values: Mapping[str, str]) -> TranslatedHandout:
    """The handout's words in the translator's language; structure and order stay the English ones."""

    def tr(text: Text | None) -> Markup:
        return Markup() if text is None else translator.text(text.msgid, **values)

    sections = []
    for i, section in enumerate(handout.sections, start=1):
        blocks = []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                blocks.append(TranslatedBlock("p", (tr(block.text),)))
            elif isinstance(block, BulletList | Steps):
                kind = "ul" if isinstance(block, BulletList) else "ol"
                blocks.append(TranslatedBlock(kind, tuple(tr(t) for t in block.items)))
            elif isinstance(block, Table):
                header = tuple(tr(t) for t in block.header)
                rows = tuple(tuple(tr(cell) for cell in row) for row in block.rows)
                blocks.append(TranslatedBlock("table", header, rows))
            elif isinstance(block, Lines):
                blocks.append(TranslatedBlock("lines", lines=block.count))
        heading = tr(section.heading)
        sections.append(TranslatedSection(heading, tuple(blocks), f"s{i}", section.box))
    title = tr(handout.title)
    return TranslatedHandout(
        id=handout.id,
        lang=translator.lang,
        title=title,
        plain_title=title.striptags(),
        summary=tr(handout.summary),
        sections=tuple(sections),
        written=handout.written,
        review=handout.review,
        source=handout,
    )
