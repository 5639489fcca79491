"""Lint catalogs before they are built: what a translator's slip or a stranger's catalog could break.

Translations are untrusted text. They are always escaped when printed, but a catalog that renames a
placeholder, loses a `**` mark, adds a link or hides control characters is still wrong: this module says
where (`locales/es/LC_MESSAGES/handouts.po:123: ...`) before anyone prints it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from handoutpress.catalogs import (
    CatalogError,
    catalog_language,
    header_line,
    is_translated,
    outdated_line,
    read_catalog,
)
from handoutpress.content import CONTROL, PLACEHOLDER
from handoutpress.fonts import FontError, covering_font

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;")
#: What `init` writes (Babel's and GNU gettext's template value), and msgfmt warns about.
PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"
URL = re.compile(r"(?i)\b(?:https?|ftp|file|data|javascript):|\bwww\.|url\s*\(")


@dataclass(frozen=True)
class LintProblem:
    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


def _strings(message: Message) -> list[str]:
    value = message.string
    return [s for s in (value if isinstance(value, (list, tuple)) else [value]) if s is not None]


def _source(message: Message) -> str:
    return message.id if isinstance(message.id, str) else " ".join(message.id)


def _placeholder_problem(english: str, text: str) -> str | None:
    """How `text` fails to keep the English's `{placeholders}` exactly, or None."""
    if sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english)):
        return None
    wanted = ", ".join("{" + p + "}" for p in sorted(set(PLACEHOLDER.findall(english))))
    return f"placeholders differ from the English (keep exactly: {wanted or 'none'})"


def lint_message(path: str, message: Message) -> list[LintProblem]:
    """Problems of one translated entry that still print as harmless text: marks, markup, URLs."""
    english = _source(message)
    line = message.lineno or 1
    out: list[LintProblem] = []

    def problem(text: str) -> None:
        out.append(LintProblem(path, line, f"{text} in translation of {english[:60]!r}"))

    for text in _strings(message):
        if not text:
            continue
        if text.count("**") % 2:
            problem("unbalanced ** bold mark")
        elif (text.count("**") == 0) != (english.count("**") == 0):
            problem("** bold marks differ from the English")
        if CONTROL.search(text) and not CONTROL.search(english):
            problem("control or bidi-override character")
        # `<img src="file:...">` is one problem, not two: markup first, a bare URL otherwise.
        if (markup := MARKUP.search(text)) and not MARKUP.search(english):
            problem(f"markup {markup.group(0)!r} that the English does not have")
        elif (url := URL.search(text)) and not URL.search(english):
            problem(f"link or URL {url.group(0)!r} that the English does not have")
    return out


def unprintable(catalog: Catalog, path: str, script: str, cache_dir: Path) -> list[LintProblem]:
    """Translated entries that would print the wrong words, so the build refuses them too.

    A lost placeholder drops the clinic's phone number from the page without a sound; an invented one
    has no value to fill in; a character the font lacks prints as an empty box. Other problems
    (markup, a URL, a lost `**`) print as harmless text, so only `check` refuses those. Raises
    FontError when the script has no font installed at all: that is the set-up's problem.
    """
    out = []
    printed: dict[str, int] = {}
    for message in catalog:
        if not message.id or not is_translated(message):
            continue
        english = _source(message)
        for text in _strings(message):
            printed[text] = message.lineno or 1
            if wrong := _placeholder_problem(english, text):
                out.append(
                    LintProblem(path, printed[text], f"{wrong} in translation of {english[:60]!r}")
                )
    try:
        covering_font(script, printed, cache_dir)
    except FontError as exc:
        if not exc.text:
            raise  # no font at all: a set-up problem, not the catalog's
        out.append(LintProblem(path, printed[exc.text], str(exc)))
    return out


def lint_catalog(
    path: Path,
    cache_dir: Path,
    strict: bool = False,
    display: str | None = None,
    template: Catalog | None = None,
) -> list[LintProblem]:
    """Every problem in one catalog; fuzzy and untranslated entries are warnings unless `strict`.

    With `template`, a catalog that `update` would change (new English, or lines wrapped by another
    editor) is a problem too: committed catalogs stay exactly as `update` writes them.
    """
    where = display or str(path)
    try:
        catalog: Catalog = read_catalog(path, where)
        lang = catalog_language(path, where)
        stale = outdated_line(path, template, where) if template is not None else None
    except CatalogError as exc:
        return [LintProblem(where, exc.line, exc.message)]
    text = path.read_text(encoding="utf-8")
    out: list[LintProblem] = []
    if stale is not None:
        out.append(
            LintProblem(
                where,
                stale,
                "not as `update` writes it (new English, an editor's own line wrapping, or #| "
                "lines of an entry no longer fuzzy): run `python build_pdfs.py update`",
            )
        )
    if catalog.locale_identifier and catalog.locale_identifier != lang.code:
        out.append(
            LintProblem(
                where,
                header_line(text, "Language"),
                f"the header says Language: {catalog.locale_identifier}, but the catalog is in "
                f"the {lang.code} folder: set Language: {lang.code}",
            )
        )
    # Babel's own count (CLDR tags leave out the implicit "other" form).
    expected = get_plural(lang.locale).num_plurals
    if catalog.num_plurals != expected:
        out.append(
            LintProblem(
                where,
                header_line(text, "Plural-Forms"),
                f"Plural-Forms has nplurals={catalog.num_plurals}, {lang.code} needs "
                f"{expected}: copy the header Babel writes for {lang.code}",
            )
        )
    if catalog.last_translator in ("", PLACEHOLDER_TRANSLATOR):
        out.append(
            LintProblem(
                where,
                header_line(text, "Last-Translator"),
                "Last-Translator is still the placeholder: put the name of whoever translated "
                "last (a person or a team), so reviewers know whom to ask",
                warning=not strict,
            )
        )
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            out.append(
                LintProblem(
                    where,
                    message.lineno,
                    f"{len(strings)} plural forms, expected {catalog.num_plurals}",
                )
            )
        if is_translated(message):
            out += lint_message(where, message)
        else:
            state = "fuzzy" if message.fuzzy else "untranslated"
            out.append(
                LintProblem(
                    where, message.lineno, f"{state}: {_source(message)[:60]!r}", warning=not strict
                )
            )
    try:
        out += unprintable(catalog, where, lang.script, cache_dir)
    except FontError as exc:
        out.append(LintProblem(where, 1, str(exc)))
    return sorted(out, key=lambda p: p.line)
