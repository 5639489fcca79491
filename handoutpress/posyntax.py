r"""What Babel misreads in a catalog: the lines it takes without a word and changes, found in one pass.

Babel reads the catalogs (handoutpress.catalogs), and reports with its line what it cannot read: an
unknown keyword (`msgtr`), an entry without msgstr, a quoted line before any msgid, a merge conflict
mark. Babel 2.19 takes these without a word instead, each of which GNU msgfmt 0.21 refuses (tests
show both, case by case), so they are found here:

- a string not closed (`msgstr "Primera parte`): Babel drops its last letter;
- text not in quotes (`msgstr Primera`): Babel keeps `rimer`;
- text after the closing quote (`msgstr "Primera" parte"`): Babel keeps `Primera" parte`;
- an escape Babel does not decode: `\q` (msgfmt refuses it), and the octal and hex escapes `\303`,
  `\x41` that msgfmt decodes and Babel keeps as backslash and digits (so a PDF would print them);
- a second entry with the same msgid: Babel keeps one of them, silently;
- keywords out of order (msgstr before its msgid, msgid_plural alone, msgstr after msgid_plural,
  msgstr[1] before msgstr[0], msgstr[0] without msgid_plural): Babel guesses, and msgmerge (and so
  `update`) and msgfmt refuse the file;
- `msgstr[...]` without a number: Babel stops with a ValueError, no line;
- a broken string in an obsolete (`#~`) or previous (`#|`) line: Babel skips comments, msgmerge
  refuses them;
- a byte order mark: Babel calls it an unknown keyword on line 0, which no translator can see.

A translator would never learn why the PDF says something else. Each line is reported at once, with
how to fix it; what Babel reports is added to the same list (handoutpress.catalogs).

The scan also notes where each entry's translation is (its `msgstr` lines), so that a problem with a
translation points at the line the translator edits, not at the English above it. It takes time in
proportion to the file's length: each line is matched by regular expressions that never backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[(\d+)\]|msgstr)(?=[\s\"])")
#: The escapes Babel decodes (GNU gettext's po-lex.c also has octal and hex ones: Babel does not).
_ESCAPE = r"\\[\\\"abfnrtv]"
#: The inside of a quoted string: plain characters and known escapes (possessive: linear time).
_BODY = re.compile(rf'(?:[^"\\]++|{_ESCAPE})*+')
BOM = "\ufeff"
_NUMERIC_ESCAPE = re.compile(r"\\(?:[0-7]{1,3}|x[0-9a-fA-F]{0,8})")


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    message: str


@dataclass
class Scan:
    """What one pass over a catalog found: its syntax problems, and where its translations are."""

    problems: list[SyntaxProblem] = field(default_factory=list)
    #: The line of each entry's `msgid` (Babel's `Message.lineno`) -> the lines of its `msgstr`
    #: keywords, in order (`msgstr`, or `msgstr[0]`, `msgstr[1]` ...).
    translations: dict[int, list[int]] = field(default_factory=dict)

    def translation_line(self, msgid_line: int, form: int = 0) -> int:
        """The line where the translation of the entry whose msgid is on `msgid_line` starts."""
        lines = self.translations.get(msgid_line) or [msgid_line]
        return lines[min(form, len(lines) - 1)]


class _Syntax(Exception):
    """A problem on one line; the scan records it and goes on with the next line."""

    def __init__(self, line: int, message: str):
        self.problem = SyntaxProblem(line, message)


def _string(text: str, line: int) -> str:
    """The inside of one quoted string that makes up the rest of a line."""
    if not text.startswith('"'):
        raise _Syntax(line, 'text must be in double quotes, as in msgstr "..."')
    end = _BODY.match(text, 1).end()  # type: ignore[union-attr]  # it matches the empty string
    if end == len(text):
        raise _Syntax(line, 'the string is not closed: end it with " on the same line')
    if text[end] == "\\":
        if numeric := _NUMERIC_ESCAPE.match(text, end):
            shown = numeric.group(0)
            message = "write the character itself (Babel reads no octal or hex escape)"
            raise _Syntax(line, f"escape {shown}: {message}")
        shown = text[end : end + 2]
        raise _Syntax(line, f'unknown escape {shown}: write \\\\ for a backslash, \\" for a quote')
    if text[end + 1 :].strip():
        raise _Syntax(line, 'text after the closing quote: write \\" for a quote inside the text')
    return text[1:end]


@dataclass
class _Entry:
    """The entry being read: its keywords in order, with the line of each."""

    keywords: list[tuple[str, int]]
    context: str = ""
    msgid: str = ""
    #: A line of it is broken: what it then lacks follows from that line, and is not reported again.
    broken: bool = False

    @property
    def last(self) -> str:
        return self.keywords[-1][0] if self.keywords else ""


def _order_problem(entry: _Entry, keyword: str, index: str | None, line: int) -> _Syntax | None:
    """What is wrong with `keyword` coming next in `entry`, or None."""
    last = entry.last
    if keyword == "msgid_plural" and last != "msgid":
        return _Syntax(line, "msgid_plural must follow its msgid")
    if keyword == "msgstr" and last != "msgid":
        after = " (after msgid_plural use msgstr[0], msgstr[1] ...)" if last == "msgid_plural" else ""
        return _Syntax(line, f"msgstr must follow its msgid{after}")
    if keyword.startswith("msgstr["):
        expected = 0 if last == "msgid_plural" else None
        if last.startswith("msgstr["):
            expected = int(last[7:-1]) + 1
        if expected is None:
            return _Syntax(line, f"{keyword} must follow a msgid_plural")
        if int(index or 0) != expected:
            return _Syntax(line, f"{keyword} is out of order: number the forms msgstr[0], msgstr[1] ...")
    return None


def scan(text: str) -> Scan:
    """Every line of a catalog that msgfmt would refuse (or Babel would misread), and where each
    entry's translation is. A broken line counts as empty text, so the lines after it are still
    checked: a translator fixes every problem in one pass."""
    if text.startswith(BOM):
        message = "the file starts with a byte order mark (BOM): save it as UTF-8 without BOM"
        return Scan([SyntaxProblem(1, message)])
    scanner = _Scanner()
    # Only a line feed ends a line in a catalog (str.splitlines would also split at U+2028 ...).
    for number, raw in enumerate(text.split("\n"), start=1):
        try:
            scanner.line(raw.rstrip("\r").strip(), number)
        except _Syntax as problem:
            scanner.found.problems.append(problem.problem)
            scanner.entry.broken = True
    scanner.close()
    scanner.found.problems.sort(key=lambda problem: problem.line)
    return scanner.found


class _Scanner:
    """Reads a catalog line by line into entries, noting each problem and each msgstr line."""

    def __init__(self) -> None:
        self.found = Scan()
        self.entry = _Entry([])
        self.seen: dict[tuple[str, str], int] = {}

    def close(self) -> None:
        """The entry being read is complete: no other entry may have its msgid (an entry without
        msgstr is Babel's to report)."""
        entry = self.entry
        if not entry.keywords:
            return
        first = dict(entry.keywords).get("msgid", 0)
        self.found.translations[first] = [n for k, n in entry.keywords if k.startswith("msgstr")]
        key = (entry.context, entry.msgid)
        if key in self.seen:
            shown = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:60] + "…"
            message = f"a second entry for {shown!r} (first on line {self.seen[key]}): keep one"
            self.found.problems.append(SyntaxProblem(first, message))
        else:
            self.seen[key] = first

    def line(self, line: str, number: int) -> None:
        if not line:
            return
        if line.startswith(("#~", "#|")):
            # Obsolete entries and previous msgids: their strings must still be well formed.
            rest = line[2:].lstrip("|").strip()
            keyword = KEYWORD.match(rest)
            rest = rest[keyword.end() :].strip() if keyword else rest
            if rest.startswith('"') or keyword:
                _string(rest, number)
            return
        if line.startswith("#"):
            return
        entry = self.entry
        if line.startswith('"'):
            value = _string(line, number)  # with no keyword before it: Babel reports the line
            if entry.last == "msgid":
                entry.msgid += value
            elif entry.last == "msgctxt":
                entry.context += value
            return
        match = KEYWORD.match(line)
        if not match:
            if line.startswith("msgstr["):  # Babel would stop at it with a ValueError, no line
                raise _Syntax(number, "number the plural forms: msgstr[0], msgstr[1] ...")
            entry.broken = True  # Babel reports the unknown keyword
            return
        keyword, index = match.group(1), match.group(2)
        if keyword == "msgctxt" or (keyword == "msgid" and entry.last != "msgctxt"):
            self.close()
            entry = self.entry = _Entry([])
            out_of_order = None
        else:
            out_of_order = _order_problem(entry, keyword, index, number)
        entry.keywords.append((keyword, number))  # even when its string is broken: its line counts
        value = _string(line[match.end() :].strip(), number)
        if keyword == "msgid":
            entry.msgid = value
        elif keyword == "msgctxt":
            entry.context = value
        if out_of_order:
            raise out_of_order
