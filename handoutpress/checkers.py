"""The rules of one translated entry, as Babel checkers: `check`, the build and `pybabel compile` alike.

Each rule is a function `(catalog, message) -> None` that raises TranslationError (the interface of
`babel.messages.checkers`), and each is registered under Babel's `babel.checkers` entry point in
pyproject.toml, so `pybabel compile -d locales -D handouts` reports the problems `check` does.
handoutpress.lint runs ENTRY_CHECKERS over every translated entry, each problem at its msgstr line.

Two kinds of finding:
- TranslationError: the translation would print wrong or harmful words (a lost placeholder or `**`
  mark, markup, a link the English does not have, a translation many times too long). `check`
  calls it an error, and the build refuses the catalog;
- TranslationWarning (a TranslationError, so Babel reports it too): what a reviewer must look at
  and a check cannot be sure of (the glossary not followed, a forbidden word, a number or an
  address of the English missing, a drug name no longer bold). `check` warns, `check --strict`
  (CI's test of a finished catalog) makes it an error; the build still prints the catalog.

A checker sees only the catalog and the message. What else it needs, the language and its
glossary, comes from `reference(catalog)`: `check` and the build attach them to each catalog they
read (`attach`). `pybabel compile` attaches nothing: there the catalog's locale (the folder name
under `-d`, as pybabel passes it) names the language, and the glossary is read from
`locales/<locale>/translation.yaml` under the current directory, so pybabel runs from the project
folder. Babel runs its checkers over every entry, the header and fuzzy ones too: they are never
printed, so every checker here passes them by (`printed`).

Every rule takes time in proportion to the entry's length (no pattern here can backtrack).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message, TranslationError

from handoutpress.content import CONTROL, PLACEHOLDER, ContentError
from handoutpress.glossary import Glossary, bold_spans, follows, forbidden_in
from handoutpress.healthtext import addresses, missing_numbers
from handoutpress.locales import Language, UnknownLanguage, language
from handoutpress.reviews import load_review

#: Markup: a tag or an entity. `[^<>]` (not `[^>]`) and possessive spaces keep it linear on text
#: full of `<` or of spaces.
MARKUP = re.compile(r"<\s*+/?\s*+[a-zA-Z!][^<>]*>|&[a-zA-Z#][a-zA-Z0-9]*;")
URL = re.compile(r"(?i)\b(?:https?|ftp|file|data|javascript):|\bwww\.|url\s*+\(")
#: pofilter's "long" check: a translation at least this many times as long as its English.
LONG = 10


Checker = Callable[[Catalog | None, Message], None]


class TranslationWarning(TranslationError):
    """A finding for the translator or reviewer to look at; it does not stop the catalog printing."""


def english(message: Message) -> str:
    return message.id if isinstance(message.id, str) else " ".join(message.id)


def translations(message: Message) -> list[str]:
    value = message.string
    return [s for s in (value if isinstance(value, (list, tuple)) else [value]) if s]


def printed(message: Message) -> list[str]:
    """The translations of an entry that can be printed: none of the header or of a fuzzy entry."""
    return translations(message) if message.id and not message.fuzzy else []


def too_long(source: str, text: str) -> bool:
    size, length = len(text.strip()), len(source.strip())
    return bool(length) and (size >= LONG * length or (length == 1 and size > 1))


def checked(message: Message) -> list[str]:
    """What the checkers after `length` look at: the printed translations not too long (a
    translation many times too long is `length`'s finding, and searching it would add only noise)."""
    source = english(message)
    return [text for text in printed(message) if not too_long(source, text)]


# What a checker knows of its catalog besides the entry.


@dataclass
class Reference:
    """The language of a catalog and its glossary; `unread` is why the glossary could not be read
    (reported once, by the glossary checker, under pybabel; `check` reports the file itself)."""

    language: Language | None = None
    glossary: Glossary = field(default_factory=Glossary)
    unread: str = ""

    @property
    def code(self) -> str:
        return self.language.code if self.language else ""

    @property
    def script(self) -> str:
        return self.language.script if self.language else "Latn"


_REFERENCES: weakref.WeakKeyDictionary[Catalog, Reference] = weakref.WeakKeyDictionary()


def attach(catalog: Catalog, lang: Language, glossary: Glossary) -> None:
    """Tell the checkers the language and glossary of a catalog (as `check` and the build know them)."""
    _REFERENCES[catalog] = Reference(lang, glossary)


def reference(catalog: Catalog | None) -> Reference:
    """The language and glossary of `catalog`: attached, or found from its locale under the
    current directory (`pybabel compile`, run from the project folder), once per catalog."""
    if catalog is None:
        return Reference()
    if catalog not in _REFERENCES:
        _REFERENCES[catalog] = _found(catalog)
    return _REFERENCES[catalog]


def _found(catalog: Catalog) -> Reference:
    try:
        lang = language(str(catalog.locale)) if catalog.locale else None
    except UnknownLanguage:
        lang = None
    if lang is None:
        return Reference()
    try:
        review = load_review(Path.cwd() / "locales", lang.code)
    except ContentError as exc:
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return Reference(lang, unread=f"glossary not applied: {exc.problems[0]}{more}")
    return Reference(lang, review.glossary)


# Errors: the translation would print wrong or harmful words.


def length(catalog: Catalog | None, message: Message) -> None:
    """No translation many times longer than its English (pofilter's "long"): it says more than
    the English does and would not fit its page; a 2 MB one would take a build minutes."""
    source = english(message)
    for text in printed(message):
        if too_long(source, text):
            size, length = len(text.strip()), len(source.strip())
            raise TranslationError(
                f"{size:,} characters, {size // length:,} times the English's {length:,} "
                "(say what it says, in as many words)"
            )


def placeholders(catalog: Catalog | None, message: Message) -> None:
    """Every `{placeholder}` of the English, exactly: a lost one drops the clinic's phone number
    from the page without a sound, an invented one has no value to fill in."""
    wanted = sorted(PLACEHOLDER.findall(english(message)))
    for text in checked(message):
        if sorted(PLACEHOLDER.findall(text)) != wanted:
            keep = ", ".join("{" + p + "}" for p in sorted(set(wanted)))
            raise TranslationError(
                f"placeholders differ from the English (keep exactly: {keep or 'none'})"
            )


def bold_marks(catalog: Catalog | None, message: Message) -> None:
    """`**bold**` marks in pairs, where the English has them: a lost one prints asterisks."""
    source = english(message)
    for text in checked(message):
        if text.count("**") % 2:
            raise TranslationError("unbalanced ** bold mark")
        if (text.count("**") == 0) != (source.count("**") == 0):
            raise TranslationError("** bold marks differ from the English")


def control_characters(catalog: Catalog | None, message: Message) -> None:
    """No control or bidi-override characters: they reorder or hide what a reader sees."""
    if not CONTROL.search(english(message)) and any(map(CONTROL.search, checked(message))):
        raise TranslationError("control or bidi-override character")


def markup(catalog: Catalog | None, message: Message) -> None:
    """No HTML the English does not have (it would print as text, and a reader would be puzzled)."""
    if MARKUP.search(english(message)):
        return
    for text in checked(message):
        if found := MARKUP.search(text):
            raise TranslationError(f"markup {found.group(0)!r} that the English does not have")


def links(catalog: Catalog | None, message: Message) -> None:
    """No link, URL or e-mail address the English does not have: a patient handout sends no one to
    a stranger's site or mailbox. Markup is the markup rule's (`<img src="file:...">` is one
    problem, not two)."""
    source = english(message)
    known = set(addresses(source))
    for text in checked(message):
        if MARKUP.search(text):
            continue
        if not URL.search(source) and (found := URL.search(text)):
            raise TranslationError(f"link or URL {found.group(0)!r} that the English does not have")
        if stranger := next((a for a in addresses(text) if a not in known), None):
            raise TranslationError(f"link or address {stranger!r} that the English does not have")


# Warnings: what a reviewer must look at.


def numbers(catalog: Catalog | None, message: Message) -> None:
    """Every number of the English (a dose, an age, "every 3 months", a phone number) in the
    translation, in Western digits or the language's own (handoutpress.healthtext)."""
    source, code = english(message), reference(catalog).code
    for text in checked(message):
        if missing := missing_numbers(source, text, code):
            which = f"number {missing[0]}" if len(missing) == 1 else f"numbers {', '.join(missing)}"
            raise TranslationWarning(f"{which} of the English missing (keep every number, in digits)")


def kept_addresses(catalog: Catalog | None, message: Message) -> None:
    """Every web and e-mail address of the English in the translation, character for character."""
    wanted = addresses(english(message))
    for text in checked(message) if wanted else ():
        if missing := [a for a in wanted if a not in text]:
            raise TranslationWarning(f"address {missing[0]!r} of the English missing (copy it exactly)")


def follows_glossary(catalog: Catalog | None, message: Message) -> None:
    """Each glossary term the English names is the language's chosen word (or one of its forms),
    as Weblate's "does not follow glossary" check. A drug name the English has in bold is
    `drug_names`' to check. Under pybabel, a glossary that cannot be read is said once."""
    ref = reference(catalog)
    if ref.unread and printed(message):
        unread, ref.unread = ref.unread, ""
        raise TranslationWarning(unread)
    source = english(message)
    texts = checked(message)
    if not texts or not ref.glossary.terms:
        return
    bold = {t for span in bold_spans(source) for t in ref.glossary.mentioned(span) if t.drug}
    terms = [t for t in ref.glossary.mentioned(source) if t not in bold]
    for text in texts:
        if missed := [t for t in terms if not follows(text, t, ref.script)]:
            said = ", ".join(f"{t.english!r} is {t.use!r}" for t in missed)
            raise TranslationWarning(f"does not follow the glossary: {said}")


def forbidden_words(catalog: Catalog | None, message: Message) -> None:
    """No word the glossary forbids (a brand name, a word that misleads), named with the reason."""
    ref = reference(catalog)
    for text in checked(message) if ref.glossary.forbidden else ():
        if found := list(forbidden_in(text, ref.glossary, ref.script)):
            said = "; ".join(f"{word!r} ({why})" for word, why in found)
            raise TranslationWarning(f"forbidden word {said}")


def drug_names(catalog: Catalog | None, message: Message) -> None:
    """A generic drug name (`drug: true`) bold in the English is bold in the translation, in one of
    its forms: the name a patient shows a pharmacist stays recognisable."""
    ref = reference(catalog)
    source = english(message)
    drugs = [t for span in bold_spans(source) for t in ref.glossary.mentioned(span) if t.drug]
    for text in checked(message) if drugs else ():
        spans = bold_spans(text)
        for term in dict.fromkeys(drugs):
            if not any(follows(span, term, ref.script) for span in spans):
                raise TranslationWarning(
                    f"the drug name {term.english!r} is bold in the English but not here: "
                    f"write **{term.use}**"
                )


#: The rules of one translated entry, in the order their problems are reported. The first is a
#: precondition (as in pofilter): the others pass by a translation many times too long.
ENTRY_CHECKERS: tuple[Checker, ...] = (
    length,
    placeholders,
    bold_marks,
    control_characters,
    markup,
    links,
    numbers,
    kept_addresses,
    follows_glossary,
    forbidden_words,
    drug_names,
)
