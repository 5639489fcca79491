"""Message catalogs: create, update, compile and read them, always through Babel.

Translators edit `locales/<lang>/LC_MESSAGES/handouts.po` with any gettext tool. Compiled `.mo` files
go to the build cache, never next to the catalogs, and a fuzzy or empty entry is never compiled: it
cannot be printed as if it were a translation.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import BaseError, CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileError, read_po

from handoutpress.locales import SOURCE_LANGUAGE, language

DOMAIN = "handouts"


class CatalogError(ValueError):
    """A catalog that cannot be read; the message names the file and line."""


def catalog_path(locales_dir: Path, code: str) -> Path:
    return locales_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(locales_dir: Path) -> list[str]:
    """Codes of the languages that have a catalog, sorted; English is the source and has none."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path) -> Catalog:
    """Parse a catalog strictly: a syntax error is an error here, not a silently skipped entry."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}:1: cannot read the catalog: {exc.strerror}") from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(f"{path}:{line}: not UTF-8: save the catalog as UTF-8") from exc
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(f"{path}:{_line_of(exc)}: catalog syntax error: {exc}") from exc


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
        raise FileExistsError(f"{target} already exists: run `update` to refresh it")
    _pybabel(root, "init", "-i", str(pot), "-d", str(locales_dir), "-D", DOMAIN, "-l", lang.code)
    return target


def update_catalogs(root: Path, locales_dir: Path, pot: Path) -> list[Path]:
    """Merge the template into every catalog: obsolete entries kept as `#~`, changed ones fuzzy
    with the previous English as `#|`, so a translator sees exactly what changed."""
    paths = [catalog_path(locales_dir, c) for c in catalog_languages(locales_dir)]
    if paths:
        _pybabel(root, "update", "-i", str(pot), "-d", str(locales_dir), "-D", DOMAIN, "--previous")
    return paths


def catalogs_outdated(root: Path, locales_dir: Path, pot: Path) -> bool:
    """True when `update` would change a committed catalog (Babel's `update --check`)."""
    if not catalog_languages(locales_dir):
        return False
    try:
        _pybabel(
            root, "update", "--check", "-i", str(pot), "-d", str(locales_dir), "-D", DOMAIN,
            "--previous",
        )  # fmt: skip
    except BaseError:
        return True
    return False


def compile_catalog(po: Path, cache_dir: Path) -> Path:
    """Compile one catalog into the build cache, keyed by its content; fuzzy entries are left out."""
    digest = hashlib.sha256(po.read_bytes()).hexdigest()[:16]
    code = po.parent.parent.name
    mo = cache_dir / "mo" / code / f"{DOMAIN}-{digest}.mo"
    if not mo.exists():
        catalog = read_catalog(po)
        mo.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo)
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
