"""Facts about a language, all from Babel's CLDR data: names, direction, script, dates and digits.

Catalogs are stored under Babel's locale identifiers (`zh_Hans`); outputs and HTML use BCP 47 tags
(`zh-Hans`). Nothing here is hand-written per language, so adding a language needs no code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date

SOURCE_LANGUAGE = "en"
#: CLDR numbering systems -> CSS counter styles, for page numbers in the language's own digits.
CSS_COUNTER_STYLES = {
    "latn": "decimal",
    "arab": "arabic-indic",
    "arabext": "persian",
    "deva": "devanagari",
    "beng": "bengali",
    "thai": "thai",
}


class UnknownLanguage(ValueError):
    """A language code that Babel does not know: the message says what to use instead."""


@dataclass(frozen=True)
class Language:
    code: str
    locale: Locale

    @property
    def tag(self) -> str:
        """The BCP 47 tag used in HTML, PDF /Lang and output folder names (`zh-Hans`)."""
        return self.code.replace("_", "-")

    @property
    def native_name(self) -> str:
        """The language's name in itself, capitalised as a reader expects at the start of a line."""
        name = self.locale.get_display_name(self.locale) or self.code
        return name[:1].upper() + name[1:]

    @property
    def english_name(self) -> str:
        return self.locale.get_display_name(SOURCE_LANGUAGE) or self.code

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    @property
    def script(self) -> str:
        """The ISO 15924 script the language is written in (`Latn`, `Arab`, `Hans`...)."""
        if self.locale.script:
            return self.locale.script
        likely = get_global("likely_subtags").get(self.locale.language, "")
        parts = likely.split("_")
        return parts[1] if len(parts) > 2 else "Latn"

    @property
    def numbering_system(self) -> str:
        return self.locale.default_numbering_system or "latn"

    @property
    def counter_style(self) -> str:
        return CSS_COUNTER_STYLES.get(self.numbering_system, "decimal")

    def format_date(self, day: dt.date) -> str:
        return format_date(day, format="long", locale=self.locale)


@cache
def language(code: str) -> Language:
    """The Language for a catalog code such as `es` or `zh_Hans` (a BCP 47 tag is accepted too)."""
    normalized = code.replace("-", "_")
    try:
        locale = Locale.parse(normalized)
    except (UnknownLocaleError, ValueError) as exc:
        raise UnknownLanguage(
            f"unknown language code {code!r}: use a code Babel knows, such as es, fr, vi, zh_Hans"
        ) from exc
    return Language(str(locale), locale)
