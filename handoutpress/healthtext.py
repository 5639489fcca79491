"""What a health text must carry over exactly: its numbers, and its web and e-mail addresses.

A dose, an age, "every 3 months", "2-3 weeks", a phone number: a translation that drops or changes
one tells a patient something else. Numbers are compared by value as they are written in digits, in
Western digits or the language's own (Arabic-Indic ٣, Devanagari ३ ...: every Unicode decimal digit
counts as its value), with the language's decimal and group separators from Babel's CLDR number
symbols (Spanish 0,5 for 0.5 and 10.000 for 10,000; French and Russian group with a space). A range
"2-3" is two numbers, so "2 a 3" keeps it; a year or a phone number is a number like any other.
Babel knows which numbering systems a language uses and their separators, but not their digits
(it formats every system with Western digits), hence Unicode for the digits.

Addresses (https://..., www...., name@example.org) are copied character for character.

Every pattern here is linear in the text: each repetition is possessive, and one that could fail
after a long run (an e-mail address without its @) starts only where such a run starts.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale

#: A number as written: digits, perhaps with separators between groups of them (10,000 or 0,5 or
#: 1 800 555 0100). `\d` is every Unicode decimal digit.
NUMBER = re.compile(r"\d++(?:[.,'\u2019\u066b\u066c\u00a0\u202f\u2009 ]\d++)*+")
#: A web address: a scheme or www., then everything up to a space or a character no address ends in.
WEB_ADDRESS = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`()\[\]{}*]++")
EMAIL_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
#: What ends a sentence, not an address: "see www.example.org." keeps the address without its dot.
TRAILING = ".,;:!?\u00bb\u201d\u2019"
ENGLISH_SEPARATORS = (frozenset(","), frozenset("."))  #: (group, decimal)
SPACES = frozenset(" \u00a0\u202f\u2009")


def western(text: str) -> str:
    """The text with every decimal digit written as a Western one."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _value(number: str, group: frozenset[str], decimal: frozenset[str]) -> str | None:
    """A number written with these separators as one value ("10000", "0.5"), or None when it does
    not read as one (a group of other than 3 digits, or a second decimal separator)."""
    runs = re.split(r"(\D)", number)
    whole, fraction = runs[0], None
    for separator, digits in zip(runs[1::2], runs[2::2], strict=True):
        if fraction is None and separator in group and len(digits) == 3:
            whole += digits
        elif fraction is None and separator in decimal:
            fraction = digits
        else:
            return None
    return whole if fraction is None else f"{whole}.{fraction}"


def english_numbers(text: str) -> list[str]:
    """The numbers of an English text, each once: 10,000 is 10000, 2.5 is 2.5, 2-3 is 2 and 3; a
    string of digits that reads as no one number (1,2,3) is its digit groups."""
    found: dict[str, None] = {}
    for match in NUMBER.finditer(western(text)):
        written = match.group(0).rstrip(".,")
        value = _value(written, *ENGLISH_SEPARATORS)
        found.update(dict.fromkeys([value] if value else re.findall(r"\d+", written)))
    return list(found)


@functools.cache
def _separators(code: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(group, decimal) separators a language writes numbers with: English's, and those of its
    CLDR numbering systems (default and native); a space-like group separator is any space."""
    conventions = [ENGLISH_SEPARATORS]
    if code:
        locale = Locale.parse(code)
        systems = {"latn", locale.default_numbering_system, *locale.other_numbering_systems.values()}
        for system in sorted(systems):
            symbols = locale.number_symbols.get(system) or {}
            group, decimal = symbols.get("group"), symbols.get("decimal")
            if group and decimal:
                groups = SPACES if group in SPACES else frozenset(group)
                conventions.append((groups, frozenset(decimal)))
    return tuple(dict.fromkeys(conventions))


def translated_numbers(text: str, code: str) -> set[str]:
    """Every value the numbers of a translation can be read as, in the language `code`: each
    number under each convention the language writes, and each of its digit groups."""
    values: set[str] = set()
    for match in NUMBER.finditer(western(text)):
        written = match.group(0).rstrip(".,")
        values.update(re.findall(r"\d+", written))
        for group, decimal in _separators(code):
            if (value := _value(written, group, decimal)) is not None:
                values.add(value)
    return values


def missing_numbers(english: str, translation: str, code: str) -> list[str]:
    """The English's numbers that the translation does not have."""
    wanted = english_numbers(english)
    if not wanted:
        return []
    have = translated_numbers(translation, code)
    return [number for number in wanted if number not in have]


def addresses(text: str) -> list[str]:
    """The web and e-mail addresses in a text, each once, in order."""
    found = [m.group(0).rstrip(TRAILING) for m in WEB_ADDRESS.finditer(text)]
    found += [m.group(0).rstrip(TRAILING) for m in EMAIL_ADDRESS.finditer(text)]
    return list(dict.fromkeys(found))
