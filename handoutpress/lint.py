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

from handoutpress.catalogs import CatalogError, read_catalog
from handoutpress.content import CONTROL, PLACEHOLDER
from handoutpress.fonts import SCRIPT_FONTS, FontError, choose_font
from handoutpress.locales import language

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;")
URL = re.compile(r"(?i)\b(?:https?|ftp|file|data|javascript):|\bwww\.|url\s*\(")


@dataclass(frozen=True)
class LintProblem:
    path: Path
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


def lint_message(path: Path, message: Message) -> list[LintProblem]:
    """Problems of one translated entry, compared with its English."""
    english = _source(message)
    line = message.lineno or 1
    out: list[LintProblem] = []

    def problem(text: str) -> None:
        out.append(LintProblem(path, line, f"{text} in translation of {english[:60]!r}"))

    for text in _strings(message):
        if not text:
            continue
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(english)):
            wanted = ", ".join("{" + p + "}" for p in sorted(set(PLACEHOLDER.findall(english))))
            problem(f"placeholders differ from the English (keep exactly: {wanted or 'none'})")
        if text.count("**") % 2:
            problem("unbalanced ** bold mark")
        elif (text.count("**") == 0) != (english.count("**") == 0):
            problem("** bold marks differ from the English")
        if CONTROL.search(text) and not CONTROL.search(english):
            problem("control or bidi-override character")
        if MARKUP.search(text) and not MARKUP.search(english):
            problem(f"markup {MARKUP.search(text).group(0)!r} that the English does not have")
        if URL.search(text) and not URL.search(english):
            problem(f"link or URL {URL.search(text).group(0)!r} that the English does not have")
    return out


def lint_catalog(path: Path, cache_dir: Path, strict: bool = False) -> list[LintProblem]:
    """Every problem in one catalog; fuzzy and untranslated entries are warnings unless `strict`."""
    try:
        catalog: Catalog = read_catalog(path)
    except CatalogError as exc:
        location, _, message = str(exc).partition(": ")
        line = int(location.rsplit(":", 1)[-1]) if location.rsplit(":", 1)[-1].isdigit() else 1
        return [LintProblem(path, line, message or str(exc))]
    code = path.parent.parent.name
    out: list[LintProblem] = []
    try:
        lang = language(code)
    except ValueError as exc:
        return [LintProblem(path, 1, str(exc))]
    # Babel's own count (CLDR tags leave out the implicit "other" form).
    expected = get_plural(lang.locale).num_plurals
    if catalog.num_plurals != expected:
        out.append(
            LintProblem(
                path,
                1,
                f"Plural-Forms has nplurals={catalog.num_plurals}, {code} needs "
                f"{expected}: copy the header Babel writes for {code}",
            )
        )
    printed = []
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            out.append(
                LintProblem(
                    path, message.lineno, f"{len(strings)} plural forms, expected {catalog.num_plurals}"
                )
            )
        if message.fuzzy or not all(strings):
            state = "fuzzy" if message.fuzzy else "untranslated"
            out.append(
                LintProblem(
                    path, message.lineno, f"{state}: {_source(message)[:60]!r}", warning=not strict
                )
            )
            continue
        out += lint_message(path, message)
        printed += strings
    if lang.script in SCRIPT_FONTS:
        try:
            choose_font(lang.script, printed, cache_dir)
        except FontError as exc:
            out.append(LintProblem(path, 1, str(exc)))
    else:
        out.append(LintProblem(path, 1, f"no font is configured for the {lang.script} script"))
    return out
