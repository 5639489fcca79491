"""The templates: translated handouts to HTML and print stylesheets with Jinja2 (no WeasyPrint here).

Every document (a handout, a booklet, a bilingual handout, a web page, the index page) is a template
that puts together HandoutParts: one translated handout each, printed by `templates/_handout.html.j2`.
The index page and web pages need only this module, so writing them never loads WeasyPrint.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from handoutpress.clinic import Clinic
from handoutpress.fonts import PreparedFont
from handoutpress.locales import SOURCE_LANGUAGE, Language
from handoutpress.reviews import Review
from handoutpress.styles import SIZES, THEMES, StyleOptions
from handoutpress.translate import TranslatedHandout, Translator

STYLESHEET_TEMPLATE = "print.css.j2"
#: Characters the templates print of their own: the safety box's marker and the no-break space
#: that keeps a paragraph's last two words together. Every font must draw them.
BOX_MARKER = "!"
NO_BREAK_SPACE = "\u00a0"
TEMPLATE_CHARACTERS = BOX_MARKER + NO_BREAK_SPACE
#: A tag, a character reference or one character of a translated string's HTML.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)


@dataclass(frozen=True)
class HandoutPart:
    """One translated handout with what the templates need to print it (`templates/_handout.html.j2`).

    A document holds one part (a single handout, a web page), several (a booklet) or two languages of
    the same handout (a bilingual handout); `prefix` keeps their element ids apart."""

    handout: TranslatedHandout
    lang: Language
    gettext: Translator
    review: Review | None
    #: When the English was written, and when a clinician checked it (None while a draft), in the
    #: language's own date format.
    written_date: str
    checked_date: str | None
    #: The sources as one paragraph, in English: for print, and with links for web pages.
    citations: Markup
    linked_citations: Markup
    foreign: Callable[[str], Markup]
    prefix: str = ""


def css_string(text: str) -> str:
    """A CSS string literal for untrusted text: everything but letters, digits and spaces is
    written as a hex escape, so no quote, backslash or newline can end the string early.
    Each escape ends with a space, which CSS consumes; without it a real space after a Devanagari
    vowel sign would vanish ("में से पेज" printed as "मेंसेपेज")."""
    out = []
    for char in text:
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")  # CSS eats one space after an escape: this one
    return '"' + "".join(out) + '"'


_PAGE_PARTS = re.compile(r"\{(page|pages)\}")


def footer_content(pattern: str, counter_style: str) -> str:
    """The CSS `content` value for a translated "Page {page} of {pages}" in the language's digits."""
    if sorted(_PAGE_PARTS.findall(pattern)) != ["page", "pages"]:
        raise ValueError(f"the page footer {pattern!r} must use {{page}} and {{pages}} once each")
    parts = []
    for i, piece in enumerate(_PAGE_PARTS.split(pattern)):
        if i % 2:
            parts.append(f"counter({piece}, {counter_style})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def tie_last_words(html: Markup) -> Markup:
    """A paragraph whose last line never holds one word alone (a runt; at the foot of a page, a
    word stranded there): the space before its last word becomes a no-break space. In writing
    without spaces (Chinese), its last three characters are kept on one line instead. Tags and
    character references are left whole wherever they fall."""
    tokens = _TOKEN.findall(str(html))
    text = [i for i, t in enumerate(tokens) if not t.startswith("<")]
    words = [i for i in text if not tokens[i].isspace()]
    if len(words) < 2:
        return html
    letters = [i for i in words if len(tokens[i]) == 1 and unicodedata.category(tokens[i])[0] in "LN"]
    if letters and _spaceless(tokens[letters[-1]]):
        keep = words[-3:]
        if len(words) < 5 or any(tokens[i].startswith("<") for i in range(keep[0], keep[-1])):
            return html
        tokens[keep[0]] = '<span class="nowrap">' + tokens[keep[0]]
        tokens[keep[-1]] += "</span>"
        return Markup("".join(tokens))
    # The run of spaces right before the last word, tags inside either skipped.
    start = text.index(words[-1])
    while start and not tokens[text[start - 1]].isspace():
        start -= 1
    run = []
    for i in reversed(text[:start]):
        if not tokens[i].isspace():
            break
        run.append(i)
    if not run or run[-1] < words[0]:
        return html
    for i in run:
        tokens[i] = ""
    tokens[run[0]] = NO_BREAK_SPACE
    return Markup("".join(tokens))


def _spaceless(char: str) -> bool:
    """Whether `char` is of a script written without spaces between words (Chinese, Japanese)."""
    return len(char) == 1 and unicodedata.east_asian_width(char) in ("W", "F")


def _join_citations(citations: list[Markup]) -> Markup:
    """`A. Publisher, 2024; B. Publisher, n.d.`, ended with one full stop."""
    joined = Markup("; ").join(citations)
    return joined if joined.striptags().endswith(".") else joined + Markup(".")


class Templates:
    """One Jinja environment over the project's templates, with translations escaped.

    With a `cache_dir`, compiled templates are kept in it (Jinja's bytecode cache, checked against
    each template's source): compiling them took 40 ms in every worker of every build, and 60 ms
    more for the index page at the end of it."""

    def __init__(self, templates_dir: Path, cache_dir: Path | None = None):
        self.templates_dir = templates_dir
        bytecode = None
        if cache_dir is not None:
            (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            bytecode_cache=bytecode,
            autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            keep_trailing_newline=True,
        )
        self.env.filters["tie"] = tie_last_words
        # The gettext functions are NOT installed with install_gettext_callables: Jinja would mark
        # translations safe. Each render passes a Translator, which escapes them, as `gettext`/`_`.
        self.env.newstyle_gettext = True  # type: ignore[attr-defined]

    def part(
        self, handout: TranslatedHandout, translator: Translator, review: Review | None, prefix: str = ""
    ) -> HandoutPart:
        """One handout as the templates print it; `review` is None for the English original."""
        lang = translator.lang

        def foreign(text: str) -> Markup:
            """English text inside a translation, tagged so a screen reader switches voice."""
            if lang.code == SOURCE_LANGUAGE:
                return Markup.escape(text)
            # dir="ltr" isolates English inside right-to-left text, so its words keep their order.
            return Markup('<span lang="{}" dir="ltr">{}</span>').format(SOURCE_LANGUAGE, text)

        # One paragraph, citations separated by semicolons: a list would cost lines the page lacks.
        sources = handout.source.sources
        citations = _join_citations([foreign(s.reference) for s in sources])
        linked = _join_citations(
            [
                Markup('<a href="{}">{}</a>').format(s.url, foreign(s.reference))
                if s.url
                else foreign(s.reference)
                for s in sources
            ]
        )
        checked = handout.review.date
        return HandoutPart(
            handout=handout,
            lang=lang,
            gettext=translator,
            review=review,
            written_date=lang.format_date(handout.written),
            checked_date=lang.format_date(checked) if checked else None,
            citations=citations,
            linked_citations=linked,
            foreign=foreign,
            prefix=prefix,
        )

    def document(
        self, template: str, translator: Translator, producer: str, clinic: Clinic, **context: Any
    ) -> str:
        """Render one of the HTML templates in the translator's language.

        Every template gets the language, the producer, the clinic and `_`/`gettext`, which escape
        translations; the handouts themselves come in as HandoutParts (see `part`)."""
        lang = translator.lang
        return self.env.get_template(template).render(
            lang=lang,
            producer=producer,
            clinic=clinic,
            gettext=translator,
            _=translator,
            **context,
        )

    def stylesheet(
        self,
        lang: Language,
        translator: Translator,
        font: PreparedFont | None,
        style: StyleOptions,
        english: PreparedFont | None = None,
    ) -> str:
        """The print stylesheet; with `font=None` it is rendered only to learn the words it prints
        (the page footer), which the font must cover before it can be chosen. `english` is the font
        of the English parts of a bilingual handout (`.english`), when it differs from `font`."""
        size = SIZES[style.size]

        def page_footer(pattern: Markup) -> Markup:
            return Markup(footer_content(pattern.striptags(), lang.counter_style))

        faces = [f.font_face_css() for f in dict.fromkeys((font, english)) if f is not None]
        template = self.env.get_template(STYLESHEET_TEMPLATE)
        return template.render(
            font_faces=Markup("\n".join(faces)),
            font_family=font.css_family if font else "serif",
            english_family=english.css_family if english else None,
            counter_style=lang.counter_style,
            paper=style.paper,
            body_size=size.body,
            h1_size=size.h1,
            h2_size=size.h2,
            colors=THEMES[style.theme],
            page_footer=page_footer,
            gettext=translator,
            _=translator,
        )
