"""The catalog rules: what a catalog must be before any of it is printed, and what is unfinished.

Translations are untrusted text. They are always escaped when printed, but a catalog that renames a
placeholder, loses a `**` mark, adds a link or hides control characters is still wrong. One list of
rules, RULES, serves every command that reads a catalog: `check` reports what they find, and the
build and `preview` (and every command that prints a translation) refuse a catalog with an error.
Every problem of a catalog is reported at once, each as `locales/es/LC_MESSAGES/handouts.po:123: ...`
with the line of the translation (its msgstr), where the translator types. A finding is:

- an error: it would print wrong or harmful words (a lost placeholder or `**` mark, markup, a link,
  a character the font lacks, a translation many times longer than its English, a wrong header);
- a warning: unfinished work (untranslated, fuzzy, an unnamed translator, a catalog behind the
  template), never printed as a translation, or what a reviewer must look at (the glossary not
  followed, a forbidden word, a number, an address or a bold drug name of the English missing),
  which the build prints; `check --strict` (CI's test of a finished catalog) makes it an error;
- a note: worth knowing and never an error (lines wrapped otherwise than `update` writes them).

The rules of one translated entry are Babel checkers (handoutpress.checkers, also registered under
Babel's `babel.checkers` entry point for `pybabel compile`); `translated_entries` runs them all,
with the language and glossary of the catalog (its translation.yaml) attached. A rule of the whole
catalog takes the CatalogUnderCheck. A new check is a function added to ENTRY_CHECKERS or to RULES.
Every rule takes time in proportion to the catalog's length (no pattern here can backtrack).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.plurals import get_plural

from handoutpress.catalogs import (
    CatalogError,
    LoadedCatalog,
    catalog_language,
    header_line,
    is_translated,
    load_catalog,
    outdated_line,
    rewrap_line,
)
from handoutpress.checkers import ENTRY_CHECKERS, TranslationWarning, attach, english, translations
from handoutpress.commands import command
from handoutpress.content import ContentError
from handoutpress.fonts import FontError, covering_font
from handoutpress.glossary import Glossary
from handoutpress.locales import Language
from handoutpress.reviews import load_review

#: What `init` writes (Babel's and GNU gettext's template value), and msgfmt warns about.
PLACEHOLDER_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"
#: How much of an English string a message quotes (cut at a word, with an ellipsis).
QUOTE = 60

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True)
class LintProblem:
    path: str
    line: int
    message: str
    severity: str = ERROR
    #: The rule that found it (for grouping: `check` sums up untranslated entries in one line).
    rule: str = ""

    @property
    def error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        kind = "" if self.error else f"{self.severity}: "
        return f"{self.path}:{self.line}: {kind}{self.message}"


class CatalogRefused(ValueError):
    """Catalogs that may not be printed: every error of each, one line per problem."""

    def __init__(self, problems: list[LintProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class CatalogUnderCheck:
    """A catalog as the rules see it: as Babel read it, where each translation is, its language."""

    path: str  #: as the user knows it: `locales/es/LC_MESSAGES/handouts.po`
    loaded: LoadedCatalog
    language: Language
    cache_dir: Path

    @property
    def catalog(self) -> Catalog:
        return self.loaded.catalog

    def translation_line(self, message: Message, form: int = 0) -> int:
        return self.loaded.lines.translation_line(message.lineno or 1, form)

    def problem(self, line: int, message: str, severity: str = ERROR, rule: str = "") -> LintProblem:
        return LintProblem(self.path, line, message, severity, rule)


Rule = Callable[[CatalogUnderCheck], Iterable[LintProblem]]


def quoted(text: str, limit: int = QUOTE) -> str:
    """`text` quoted for a message; a long one is cut at a word and ends in an ellipsis."""
    if len(text) <= limit:
        return repr(text)
    cut = text[:limit]
    space = cut.rfind(" ")
    return repr((cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…")


def translated_entries(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """Every translated entry through ENTRY_CHECKERS, each problem at the translation's line: a
    TranslationWarning as a warning, any other TranslationError as an error."""
    for message in subject.catalog:
        if not message.id or not is_translated(message):
            continue
        for checker in ENTRY_CHECKERS:
            try:
                checker(subject.catalog, message)
            except TranslationError as exc:
                line = subject.translation_line(message)
                text = f"{exc} in translation of {quoted(english(message))}"
                severity = WARNING if isinstance(exc, TranslationWarning) else ERROR
                yield subject.problem(line, text, severity, checker.__name__)


# Rules of the whole catalog.


def header_language(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """The Language header names the language of the catalog's folder."""
    stated, code = subject.catalog.locale_identifier, subject.language.code
    if stated and stated != code:
        yield subject.problem(
            header_line(subject.loaded.text, "Language"),
            f"the header says Language: {stated}, but the catalog is in the {code} folder: "
            f"set Language: {code}",
        )


def plural_forms(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """Plural-Forms as Babel writes it for the language (CLDR tags leave out the implicit "other"
    form), and that many forms in every plural entry."""
    catalog, code = subject.catalog, subject.language.code
    expected = get_plural(subject.language.locale).num_plurals
    if catalog.num_plurals != expected:
        yield subject.problem(
            header_line(subject.loaded.text, "Plural-Forms"),
            f"Plural-Forms has nplurals={catalog.num_plurals}, {code} needs {expected}: "
            f"copy the header Babel writes for {code}",
        )
    for message in catalog:
        forms = translations(message)
        if message.id and message.pluralizable and forms and len(forms) != catalog.num_plurals:
            line = subject.translation_line(message)
            yield subject.problem(line, f"{len(forms)} plural forms, expected {catalog.num_plurals}")


def printable_characters(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """Every character of every translation is in the language's font: a missing one prints as an
    empty box. Every string with such a character is named, each at its line."""
    printed: dict[str, int] = {}
    for message in subject.catalog:
        if message.id and is_translated(message):
            for form, text in enumerate(translations(message)):
                printed.setdefault(text, subject.translation_line(message, form))
    script, cache = subject.language.script, subject.cache_dir
    try:
        covering_font(script, printed, cache)
        return
    except FontError as exc:
        if not exc.text:
            raise  # no font for the script at all, or its file is missing: the set-up's problem
        first = exc
    yield subject.problem(printed[first.text], str(first))
    for text, line in printed.items():  # each string alone, so every one is named
        if text != first.text:
            try:
                covering_font(script, [text], cache)
            except FontError as exc:
                yield subject.problem(line, str(exc))


def translator_named(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """Last-Translator names someone: reviewers need to know whom to ask."""
    if subject.catalog.last_translator in ("", PLACEHOLDER_TRANSLATOR):
        yield subject.problem(
            header_line(subject.loaded.text, "Last-Translator"),
            "Last-Translator is still the placeholder: put the name of whoever translated last "
            "(a person or a team), so reviewers know whom to ask",
            WARNING,
        )


def unfinished(subject: CatalogUnderCheck) -> Iterator[LintProblem]:
    """Fuzzy and untranslated entries: never printed as translations (the English shows instead)."""
    for message in subject.catalog:
        if message.id and not is_translated(message):
            state = "fuzzy" if message.fuzzy else "untranslated"
            line = subject.translation_line(message)
            yield subject.problem(line, f"{state}: {quoted(english(message))}", WARNING, state)


#: Every rule, in the order their problems are reported on a line.
RULES: tuple[Rule, ...] = (
    header_language,
    plural_forms,
    translator_named,
    translated_entries,
    printable_characters,
    unfinished,
)


def catalog_problems(
    path: Path, cache_dir: Path, display: str | None = None, report_setup: bool = True
) -> tuple[LoadedCatalog | None, list[LintProblem]]:
    """The catalog and what RULES find in it; a catalog that cannot be read gives None and the
    lines that stop it being read (every broken line at once). A font missing from the set-up is
    a problem at line 1, or (not `report_setup`) raised as FontError."""
    where = display or str(path)
    try:
        loaded = load_catalog(path, where)
        lang = catalog_language(path, where)
    except CatalogError as exc:
        return None, [LintProblem(where, line, message) for line, message in exc.problems]
    subject = CatalogUnderCheck(where, loaded, lang, cache_dir)
    attach(subject.catalog, lang, _glossary(path))
    found: list[LintProblem] = []
    for rule in RULES:
        try:
            found += rule(subject)
        except FontError as exc:  # the set-up's problem (no font for the script): `check` says so
            if not report_setup:
                raise
            found.append(subject.problem(1, str(exc), rule=rule.__name__))
    return loaded, sorted(found, key=lambda problem: problem.line)


def _glossary(po: Path) -> Glossary:
    """The glossary of the language's translation.yaml, beside its `LC_MESSAGES` folder; none
    while that file cannot be read (`check` names its lines, and the build refuses it)."""
    folder = po.parent.parent
    try:
        return load_review(folder.parent, folder.name).glossary
    except ContentError:
        return Glossary()


def printable_catalog(path: Path, cache_dir: Path, display: str | None = None) -> LoadedCatalog:
    """The catalog, when nothing stops it being printed; else CatalogRefused with every error
    (what `check` calls an error, the build and `preview` refuse). A font missing from the set-up
    raises FontError: no translator can fix that."""
    loaded, problems = catalog_problems(path, cache_dir, display, report_setup=False)
    if errors := [p for p in problems if p.error]:
        raise CatalogRefused(errors)
    assert loaded is not None
    return loaded


def lint_catalog(
    path: Path,
    cache_dir: Path,
    strict: bool = False,
    display: str | None = None,
    template: Catalog | None = None,
    pot: Path | None = None,
) -> list[LintProblem]:
    """Every problem in one catalog; unfinished work is a warning unless `strict`.

    With `template`, a catalog behind it (English added, changed or removed and `update` not run)
    is unfinished too; with `pot` as well, an error-free catalog that `update` would only rewrap
    gets one note (another editor's line wrapping is no mistake)."""
    where = display or str(path)
    loaded, found = catalog_problems(path, cache_dir, where)
    if loaded is not None and template is not None:
        if (line := outdated_line(loaded.catalog, template)) is not None:
            found.append(
                LintProblem(
                    where,
                    line,
                    f"behind the template (the English changed here): run {command('update')}",
                    WARNING,
                    "outdated",
                )
            )
        elif (
            pot is not None
            and not any(p.error for p in found)
            and (line := rewrap_line(path, pot)) is not None
        ):
            found.append(
                LintProblem(
                    where,
                    line,
                    "lines wrapped otherwise than `update` writes them (first here); that is "
                    f"no mistake, and {command('update')} rewraps them without changing a word",
                    NOTE,
                    "wrapping",
                )
            )
    if strict:
        found = [replace(p, severity=ERROR) if p.severity == WARNING else p for p in found]
    return sorted(found, key=lambda problem: problem.line)
