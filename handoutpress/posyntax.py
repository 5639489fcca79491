"""Check a catalog's syntax line by line, as GNU msgfmt reads it, before Babel parses it.

Babel's reader is forgiving where it should not be: it takes `msgstr "Primera parte` (no closing quote)
and drops the last letter, takes `msgstr Primera` and keeps `rimer`, keeps `\\q` as two characters, and
of two entries with the same msgid silently keeps one. A translator would never learn why the PDF says
something else. This check finds the first such line and says how to fix it; Babel then parses a file
known to be sound. Whatever msgfmt refuses is refused here too (the shipped catalogs pass both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)(?=[\s\"])")
#: The escapes a C string in a catalog may hold (GNU gettext's po-lex.c).
ESCAPE = re.compile(r"\\(?:[\\\"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]+)")
BOM = "\ufeff"


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    message: str


class _Syntax(Exception):
    """The first problem found; parsing stops there (what follows a broken line is guesswork)."""

    def __init__(self, line: int, message: str):
        self.problem = SyntaxProblem(line, message)


def _string(text: str, line: int) -> str:
    """The inside of one quoted string that makes up the rest of a line."""
    if not text.startswith('"'):
        raise _Syntax(line, 'text must be in double quotes, as in msgstr "..."')
    i = 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            match = ESCAPE.match(text, i)
            if not match:
                shown = text[i : i + 2]
                raise _Syntax(
                    line, f'unknown escape {shown}: write \\\\ for a backslash, \\" for a quote'
                )
            i = match.end()
        elif char == '"':
            if text[i + 1 :].strip():
                raise _Syntax(
                    line, 'text after the closing quote: write \\" for a quote inside the text'
                )
            return text[1:i]
        else:
            i += 1
    raise _Syntax(line, 'the string is not closed: end it with " on the same line')


@dataclass
class _Entry:
    """The entry being read: its keywords in order, with the line of each."""

    keywords: list[tuple[str, int]]
    context: str = ""
    msgid: str = ""

    @property
    def last(self) -> str:
        return self.keywords[-1][0] if self.keywords else ""


def _check_entry_order(entry: _Entry, keyword: str, index: str | None, line: int) -> None:
    last = entry.last
    if keyword == "msgid_plural" and last != "msgid":
        raise _Syntax(line, "msgid_plural must follow its msgid")
    if keyword == "msgstr" and last != "msgid":
        after = " (after msgid_plural use msgstr[0], msgstr[1] ...)" if last == "msgid_plural" else ""
        raise _Syntax(line, f"msgstr must follow its msgid{after}")
    if keyword.startswith("msgstr["):
        expected = 0 if last == "msgid_plural" else None
        if last.startswith("msgstr["):
            expected = int(last[7:-1]) + 1
        if expected is None:
            raise _Syntax(line, f"{keyword} must follow a msgid_plural")
        if int(index or 0) != expected:
            raise _Syntax(line, f"{keyword} is out of order: number the forms msgstr[0], msgstr[1] ...")


def syntax_error(text: str) -> SyntaxProblem | None:
    """The first line of a catalog that msgfmt would refuse (or Babel would misread), or None."""
    try:
        _check(text)
    except _Syntax as found:
        return found.problem
    return None


def _check(text: str) -> None:
    if text.startswith(BOM):
        raise _Syntax(1, "the file starts with a byte order mark (BOM): save it as UTF-8 without BOM")
    seen: dict[tuple[str, str], int] = {}
    entry = _Entry([])

    def close(entry: _Entry) -> None:
        if not entry.keywords:
            return
        if not any(k.startswith("msgstr") for k, _ in entry.keywords):
            raise _Syntax(entry.keywords[-1][1], 'an entry without msgstr: add msgstr "" below it')
        key = (entry.context, entry.msgid)
        first = dict(entry.keywords).get("msgid", 0)
        if key in seen:
            raise _Syntax(
                first, f"a second entry for {entry.msgid[:60]!r} (first on line {seen[key]}): keep one"
            )
        seen[key] = first

    # Only a line feed ends a line in a catalog (str.splitlines would also split at U+2028 ...).
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r").strip()
        if not line:
            continue
        if line.startswith(("#~", "#|")):
            # Obsolete entries and previous msgids: their strings must still be well formed.
            rest = line[2:].lstrip("|").strip()
            keyword = KEYWORD.match(rest)
            rest = rest[keyword.end() :].strip() if keyword else rest
            if rest.startswith('"') or keyword:
                _string(rest, number)
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if not entry.keywords:
                raise _Syntax(number, "a quoted line with no msgid or msgstr before it")
            value = _string(line, number)
            if entry.last == "msgid":
                entry.msgid += value
            elif entry.last == "msgctxt":
                entry.context += value
            continue
        match = KEYWORD.match(line)
        if not match:
            word = line.split()[0][:30]
            raise _Syntax(
                number,
                f'unexpected {word!r}: a line starts with msgid, msgstr, " or # '
                '(a line of text continues in quotes: "...")',
            )
        keyword, index = match.group(1), match.group(2)
        value = _string(line[match.end() :].strip(), number)
        if keyword == "msgctxt" or (keyword == "msgid" and entry.last != "msgctxt"):
            close(entry)
            entry = _Entry([])
        else:
            _check_entry_order(entry, keyword, index, number)
        entry.keywords.append((keyword, number))
        if keyword == "msgid":
            entry.msgid = value
        elif keyword == "msgctxt":
            entry.context = value
    close(entry)
