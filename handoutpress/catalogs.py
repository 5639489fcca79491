"""Message catalogs: create, update, compile and read them, always through Babel.

Translators edit `locales/<lang>/LC_MESSAGES/handouts.po` with any gettext tool. Compiled `.mo` files
go to the build cache, never next to the catalogs, and a fuzzy or empty entry is never compiled: it
cannot be printed as if it were a translation.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileError, read_po, unescape, write_po

from handoutpress.content import display_path
from handoutpress.files import write_atomic
from handoutpress.locales import SOURCE_LANGUAGE, Language, UnknownLanguage, language
from handoutpress.posyntax import syntax_error

DOMAIN = "handouts"


class CatalogError(ValueError):
    """A catalog that cannot be read or used: the file (as the user knows it), the line and the fix."""

    def __init__(self, path: str | Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


def catalog_path(locales_dir: Path, code: str) -> Path:
    return locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(locales_dir: Path) -> list[str]:
    """Codes of the languages that have a catalog, sorted; English is the source and has none."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path, display: str | None = None) -> Catalog:
    """Parse a catalog strictly, or raise CatalogError naming the line (as `display`) and the fix.

    Strict means: UTF-8 bytes, a UTF-8 charset header, and GNU syntax checked before Babel reads it,
    because Babel quietly changes the text of a broken line instead of refusing it.
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
    if problem := syntax_error(text):
        raise CatalogError(where, problem.line, f"catalog syntax error: {problem.message}")
    try:
        catalog = read_po(io.BytesIO(_babel_readable(data)), abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(where, _line_of(exc), f"catalog syntax error: {exc}") from exc
    if catalog.charset.lower() not in ("utf-8", "utf8"):
        raise CatalogError(
            where,
            header_line(text, "Content-Type"),
            f"the header says charset={catalog.charset}: catalogs are UTF-8, "
            "so set charset=UTF-8 in its Content-Type line",
        )
    return catalog


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


def _line_of(exc: PoFileError) -> int:
    return getattr(exc, "lineno", 0) or 1


def _pybabel(root: Path, *args: str) -> None:
    with contextlib.chdir(root):
        CommandLineInterface().run(["pybabel", "--quiet", *args])


def init_catalog(root: Path, locales_dir: Path, pot: Path, code: str) -> Path:
    """Start a catalog for a new language (refusing codes Babel does not know, and English)."""
    lang = language(code)
    if lang.code == SOURCE_LANGUAGE:
        raise ValueError("English is the source language: its text is the handouts themselves")
    target = catalog_path(locales_dir, lang.code)
    if target.exists():
        display = display_path(target, root)
        raise CatalogError(display, 1, "already exists: run `python build_pdfs.py update` to refresh it")
    read_template(pot, display_path(pot, root))  # a missing template: say to run extract
    _pybabel(root, "init", "-i", str(pot), "-d", str(locales_dir), "-D", DOMAIN, "-l", lang.code)
    return target


def merged_catalog(po: Path, template: Catalog, display: str | None = None) -> bytes:
    """The catalog as `update` writes it: Babel's merge with the options of `pybabel update --previous`.

    Changed English comes back fuzzy with the old English as `#|` lines, removed entries stay at the
    end as `#~`, lines wrap at Babel's 76 columns and entries follow the template's order, so the
    same inputs always give the same bytes and a diff shows only what changed.
    """
    read_catalog(po, display)  # refuse a broken catalog with its line before merging it
    data = _babel_readable(po.read_bytes())
    catalog = read_po(io.BytesIO(data), locale=po.parent.parent.name, domain=DOMAIN)
    previous = _take_previous_ids(catalog)
    catalog.update(template, update_header_comment=False, update_creation_date=True)
    for message in catalog:
        # Still fuzzy: keep showing what the English was. Checked: the old English has done its job.
        if message.fuzzy and not message.previous_id and message.id in previous:
            message.previous_id = previous[message.id]
    out = io.BytesIO()
    write_po(out, catalog, include_previous=True, width=76)
    return out.getvalue()


def _take_previous_ids(catalog: Catalog) -> dict[str | tuple[str, ...], list[str]]:
    """The previous msgids (`#| msgid "..."`) of a catalog, by msgid, taken out of its comments.

    Babel reads these lines as translator comments (python-babel/babel#206, open since 2015) and its
    next update writes them back as `# | msgid ...`, forever: without this, a second `update` would
    change the file again and the old English would stay after the translator has dealt with it.
    """
    found = {}
    for message in [*catalog, *catalog.obsolete.values()]:
        lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not lines:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        strings: dict[str, str] = {}
        keyword = "msgid"
        for line in lines:
            if not line.startswith('"'):
                keyword, _, line = line.partition(" ")
            strings[keyword] = strings.get(keyword, "") + unescape(line)
        found[message.id] = [strings[k] for k in ("msgid", "msgid_plural") if k in strings]
    return found


def read_template(pot: Path, display: str | None = None) -> Catalog:
    """The template catalog (`locales/handouts.pot`); when it is missing, say how to make it."""
    try:
        with pot.open("rb") as fh:
            return read_po(fh)
    except FileNotFoundError as exc:
        message = "missing: run `python build_pdfs.py extract` first"
        raise CatalogError(display or pot, 1, message) from exc


def update_catalogs(locales_dir: Path, pot: Path) -> list[Path]:
    """Merge the template into every catalog and return the catalogs that changed."""
    template = read_template(pot)
    changed = []
    for code in catalog_languages(locales_dir):
        po = catalog_path(locales_dir, code)
        data = merged_catalog(po, template)
        if data != po.read_bytes():
            write_atomic(po, data)
            changed.append(po)
    return changed


def outdated_line(po: Path, template: Catalog, display: str | None = None) -> int | None:
    """The first line where `update` would change the catalog, or None when it is up to date.

    A catalog saved by another editor with its own line wrapping counts as out of date too: `update`
    would rewrap it, and that diff would hide the real changes of the next update.
    """
    new = merged_catalog(po, template, display).decode("utf-8").split("\n")
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

    @property
    def missing(self) -> int:
        return self.fuzzy + self.untranslated


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
