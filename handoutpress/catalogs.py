"""Message catalogs: create, merge, compile and read them.

Translators edit `locales/<lang>/LC_MESSAGES/handouts.po` with any gettext tool. Babel reads them,
starts new ones (with CLDR's plural rules) and compiles them; GNU `msgmerge --previous` merges the
template into them, because it is the merge every other gettext tool (Poedit, Weblate, Lokalize)
builds on and it writes the old English of a changed string as valid `#|` lines, which Babel does
not (it flattens a wrapped previous msgid into one broken comment: python-babel/babel#206).
Compiled `.mo` files go to the build cache, never next to the catalogs, and a fuzzy or empty entry is
never compiled: it cannot be printed as if it were a translation.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileParser, read_po

from handoutpress.commands import command
from handoutpress.content import display_path
from handoutpress.files import write_atomic
from handoutpress.locales import SOURCE_LANGUAGE, Language, UnknownLanguage, language
from handoutpress.posyntax import Scan, scan

DOMAIN = "handouts"


class CatalogError(ValueError):
    """A catalog that cannot be read or used: every problem found in it, each one line
    `file:line: what to do` (the file as the user knows it). `line` and `message` are the first."""

    def __init__(self, path: str | Path, line: int, message: str, more: Sequence[tuple[int, str]] = ()):
        self.path = str(path)
        self.problems = [(line, message), *more]
        super().__init__("\n".join(f"{self.path}:{n}: {text}" for n, text in self.problems))
        self.line = line
        self.message = message


class MissingTool(ValueError):
    """A GNU gettext program the set-up should have installed is not there."""


def catalog_path(locales_dir: Path, code: str) -> Path:
    return locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(locales_dir: Path) -> list[str]:
    """Codes of the languages that have a catalog, sorted; English is the source and has none."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@dataclass(frozen=True)
class LoadedCatalog:
    """A catalog as Babel reads it, with its text and the line of each translation (from the scan)."""

    catalog: Catalog
    text: str
    lines: Scan = field(repr=False)


def load_catalog(path: Path, display: str | None = None) -> LoadedCatalog:
    """Parse a catalog strictly, or raise CatalogError naming every broken line (as `display`).

    Strict means: UTF-8 bytes, a UTF-8 charset header, every line Babel cannot read (as
    `read_po(abort_invalid=True)` would refuse it, though at every such line, not only the first),
    and the lines it would quietly misread (handoutpress.posyntax), all reported at once.
    """
    where = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(where, 1, f"cannot read the catalog: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"byte {data[exc.start]:#04x} is not UTF-8: save the catalog as UTF-8"
        raise CatalogError(where, line, message) from exc
    lines = scan(text)
    catalog, unread = _read_po(_babel_readable(data), text, bool(lines.problems))
    found = {p.line: p.message for p in lines.problems}  # the scan's say more, where both report
    for line, message in unread:
        found.setdefault(line, message)
    if found:
        first, *more = [(n, f"catalog syntax error: {found[n]}") for n in sorted(found)]
        raise CatalogError(where, *first, more)
    if catalog.charset.lower() not in ("utf-8", "utf8"):
        raise CatalogError(
            where,
            header_line(text, "Content-Type"),
            f"the header says charset={catalog.charset}: catalogs are UTF-8, "
            "so set charset=UTF-8 in its Content-Type line",
        )
    return LoadedCatalog(catalog, text, lines)


def read_catalog(path: Path, display: str | None = None) -> Catalog:
    """The catalog, read strictly (see load_catalog)."""
    return load_catalog(path, display).catalog


def _babel_readable(data: bytes) -> bytes:
    """The catalog without `#~|` lines, the previous msgid of an obsolete entry that GNU msgmerge
    (and so Poedit) writes and Babel cannot read; blank lines keep every other line number."""
    return re.sub(rb"(?m)^#~\|[^\n]*", b"", data)


def header_line(text: str, field: str) -> int:
    """The line of a header field such as `Plural-Forms`, to point a translator at it."""
    return next((n for n, t in enumerate(text.split("\n"), 1) if t.startswith(f'"{field}:')), 1)


def catalog_language(po: Path, display: str | None = None) -> Language:
    """The language a catalog is for, named by its folder: `locales/<code>/LC_MESSAGES/`."""
    code = po.parent.parent.name
    try:
        return language(code)
    except UnknownLanguage as exc:
        raise CatalogError(
            display or po,
            1,
            f"the folder name {code!r} is not a language code Babel knows: "
            "rename the folder to one such as es, fr, vi, pt_BR or zh_Hans",
        ) from exc


class _Reader(PoFileParser):
    """Babel's catalog reader, noting every line it cannot read where `abort_invalid` stops at the
    first (and numbers it from 0). `_invalid_pofile` is Babel's one hook for such a line; a test
    plants several and expects each, so a Babel that renames it is noticed."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(catalog)
        self.problems: list[tuple[int, str]] = []

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        number = lineno + 1
        if self.problems and number <= self.problems[-1][0]:
            return  # said late of an entry already reported (no msgstr after an unknown keyword)
        self.problems.append((number, _advice(msg, line)))


#: What Babel says of a line it cannot read, and what to do about it.
_ADVICE = {
    "Unknown or misformatted keyword": 'a line starts with msgid, msgstr, " or # '
    '(a line of text continues in quotes: "...")',
    "missing msgstr": 'an entry without msgstr: add msgstr "" below it',
    "Got line starting with": "a quoted line with no msgid or msgstr before it",
    "cannot parse po file with conflicts": "a merge conflict mark (#-#-#-#-#): keep one version "
    "of the entry and delete the marks",
}


def _advice(said: str, line: str) -> str:
    for start, advice in _ADVICE.items():
        if said.startswith(start):
            if start.startswith("Unknown"):
                return f"unexpected {line.split()[0][:30]!r}: {advice}"
            return advice
    return said


def _read_po(data: bytes, text: str, misread: bool) -> tuple[Catalog, list[tuple[int, str]]]:
    """What `read_po` reads, and every line it cannot read. Babel stops with a ValueError at a
    line the scan has `misread` (msgstr[x]), or else at a header value it cannot parse (a date, a
    number of plural forms, a language): that is said at the header."""
    catalog = Catalog()
    reader = _Reader(catalog)
    try:
        reader.parse(io.BytesIO(data))
    except ValueError as exc:
        if misread:
            return catalog, reader.problems
        header = next((n for n, t in enumerate(text.split("\n"), 1) if t.startswith('msgid ""')), 1)
        message = f"the header cannot be read ({exc}): compare it with the header `init` writes"
        return catalog, [*reader.problems, (header, message)]
    return catalog, reader.problems


def _pybabel(root: Path, *args: str) -> None:
    with contextlib.chdir(root):
        CommandLineInterface().run(["pybabel", "--quiet", *args])


def init_catalog(root: Path, locales_dir: Path, pot: Path, code: str) -> Path:
    """Start a catalog for a new language (refusing codes Babel does not know, and English).

    Babel writes it, with the `Language` and CLDR `Plural-Forms` headers that `check` expects; it is
    then stored as `update` writes it, so the translator's first `update` changes nothing."""
    lang = language(code)
    if lang.code == SOURCE_LANGUAGE:
        raise ValueError("English is the source language: its text is the handouts themselves")
    target = catalog_path(locales_dir, lang.code)
    if target.exists():
        display = display_path(target, root)
        raise CatalogError(display, 1, f"already exists: run {command('update')} to refresh it")
    read_template(pot, display_path(pot, root))  # a missing template: say to run extract
    _msgmerge_program()  # before Babel writes anything
    _pybabel(root, "init", "-i", str(pot), "-d", str(locales_dir), "-D", DOMAIN, "-l", lang.code)
    write_atomic(target, msgmerge(target, pot))
    return target


def msgmerge(po: Path, pot: Path, display: str | None = None) -> bytes:
    """What `msgmerge --previous` makes of a catalog and the template (GNU's defaults otherwise).

    Changed English comes back fuzzy with the old English as `#|` lines (and an entry no longer
    fuzzy loses them), removed entries stay at the end as `#~`, new ones are empty, entries follow
    the template's order and lines wrap at 79 columns as Poedit's do: the same inputs always give
    the same bytes, and a diff shows only what changed."""
    args = [_msgmerge_program(), "--quiet", "--previous", "--output-file=-", str(po), str(pot)]
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}  # its messages in English, whatever the locale
    done = subprocess.run(args, capture_output=True, env=env, check=False)
    if done.returncode:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = f"msgmerge could not merge it: {reason[-1] if reason else 'no reason given'}"
        raise CatalogError(display or po, 1, message)
    return done.stdout


def _msgmerge_program() -> str:
    program = shutil.which("msgmerge")
    if program is None:
        raise MissingTool(
            "GNU msgmerge is missing: install the Debian package gettext "
            "(`make setup` does, when run as root)"
        )
    return program


def merged_catalog(po: Path, pot: Path, display: str | None = None) -> bytes:
    """The catalog as `update` writes it; a broken catalog is refused first, with its lines."""
    load_catalog(po, display)
    return msgmerge(po, pot, display)


def read_template(pot: Path, display: str | None = None) -> Catalog:
    """The template catalog (`locales/handouts.pot`); when it is missing, say how to make it."""
    try:
        with pot.open("rb") as fh:
            return read_po(fh)
    except FileNotFoundError as exc:
        message = f"missing: run {command('extract')} first"
        raise CatalogError(display or pot, 1, message) from exc


@dataclass
class Update:
    """What `update` did: the catalogs it rewrote, and those it could not read (left as they were)."""

    changed: list[Path] = field(default_factory=list)
    refused: list[CatalogError] = field(default_factory=list)


def update_catalogs(root: Path, locales_dir: Path, pot: Path) -> Update:
    """Merge the template into every catalog that can be read; a broken one is left as it was
    and reported with its lines, and the others are still updated."""
    read_template(pot, display_path(pot, root))
    done = Update()
    for code in catalog_languages(locales_dir):
        po = catalog_path(locales_dir, code)
        try:
            data = merged_catalog(po, pot, display_path(po, root))
        except CatalogError as exc:
            done.refused.append(exc)
            continue
        if data != po.read_bytes():
            write_atomic(po, data)
            done.changed.append(po)
    return done


def _template_view(messages: Sequence[Message]) -> list[tuple[object, ...]]:
    """What of each entry comes from the template: its msgid, context, notes, places and flags
    (all but `fuzzy`, which is the translator's)."""
    return [
        (m.id, m.context, tuple(m.auto_comments), tuple(m.locations), tuple(sorted(m.flags - {"fuzzy"})))
        for m in messages
        if m.id
    ]


def outdated_line(catalog: Catalog, template: Catalog) -> int | None:
    """The line of the first entry that the template changes (new, removed or moved English, new
    notes or places), or None when the catalog is in step with it.

    Wrapping, header order and leftover `#|` lines are not: `update` tidies them, and no tool
    needs them tidied (see rewrap_line)."""
    ours, theirs = list(catalog), list(template)
    view, wanted = _template_view(ours), _template_view(theirs)
    entries = [m for m in ours if m.id]
    for index, (have, want) in enumerate(zip(view, wanted, strict=False)):
        if have != want:
            return entries[index].lineno or 1
    if len(view) == len(wanted):
        return None
    return entries[len(wanted)].lineno if len(view) > len(wanted) else _last_line(catalog)


def _last_line(catalog: Catalog) -> int:
    return max([m.lineno or 1 for m in catalog] or [1])


def rewrap_line(po: Path, pot: Path) -> int | None:
    """The first line that `update` would rewrite without changing a word (lines wrapped by another
    editor, the header's order, `#|` lines of an entry no longer fuzzy), or None."""
    new = msgmerge(po, pot).decode("utf-8").split("\n")
    old = po.read_text(encoding="utf-8").split("\n")
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return number
    return None if len(old) == len(new) else min(len(old), len(new)) + 1


def compile_catalog(po: Path, cache_dir: Path) -> Path:
    """Compile one catalog into the build cache, keyed by its content; fuzzy entries are left out."""
    digest = hashlib.sha256(po.read_bytes()).hexdigest()[:16]
    code = po.parent.parent.name
    mo = cache_dir / "mo" / code / f"{DOMAIN}-{digest}.mo"
    if not mo.exists():
        out = io.BytesIO()
        write_mo(out, read_catalog(po), use_fuzzy=False)
        write_atomic(mo, out.getvalue())
    return mo


def load_translations(mo: Path) -> dict[str, str]:
    """msgid -> translation for every entry the compiled catalog holds (never fuzzy, never empty)."""
    with mo.open("rb") as fh:
        catalog = read_mo(fh)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string}


@dataclass(frozen=True)
class CatalogStatus:
    code: str
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def is_translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(strings)


def catalog_status(code: str, catalog: Catalog) -> CatalogStatus:
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif is_translated(message):
            translated += 1
        else:
            untranslated += 1
    return CatalogStatus(code, translated, fuzzy, untranslated, len(catalog.obsolete))
