"""Choose, prove and prepare the font a language is printed in.

A font is chosen by the language's script (from Babel's locale data), among fonts that come from Python
packages (`fontpkg-*`), and is proven by coverage before anything is rendered: every character that will
be printed is in the font, or the build stops and names the string and the character. WeasyPrint would
otherwise draw an empty box (`.notdef`) and log a warning nobody reads, while the text layer still
looks right.

Variable fonts are cut into static instances once (fontTools' instancer) and cached by content hash:
WeasyPrint writes static fonts faster, and every prepared file gets a CSS family name of its own.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTCollection, TTFont

from handoutpress.files import write_atomic

WEIGHTS = (400, 700)
#: Characters the stylesheets draw that no string holds: a bulleted list's disc and the space after
#: it. A cut-down font keeps them; without them the bullets of Chinese handouts came from whatever
#: system font fontconfig found (DejaVu Sans here), a third font in the PDF and another elsewhere.
DRAWN_BY_STYLES = "\u2022 "
#: The folder of prepared fonts in the build cache; its number changes when the same source gives
#: other bytes, so no font made the old way is reused (2: fonts no longer stamped with the clock;
#: 3: CID-keyed fonts cut down with their CIDs numbered as their glyphs, see _subset).
FONT_CACHE = "fonts-3"


@dataclass(frozen=True)
class FontSource:
    """Where a family's files come from: a `fontpkg-*` package, or a named Debian package when PyPI
    has none (Chinese). `subset` fonts are cut down to the characters a language uses before use:
    the 16 MB CJK font would otherwise be subset again, slowly, for every PDF."""

    family: str
    debian_package: str = ""
    system_files: tuple[tuple[int, str], ...] = ()
    subset: bool = False


ATKINSON = FontSource("Atkinson Hyperlegible")
NOTO_SANS = FontSource("Noto Sans")
#: Amiri and Mukta rather than Noto Sans Arabic/Devanagari: with those, WeasyPrint 70's text layer
#: maps a glyph shared by several letters to the first text it appeared in, and words extract garbled.
AMIRI = FontSource("Amiri")
MUKTA = FontSource("Mukta")
NOTO_CJK_SC = FontSource(
    "Noto Sans CJK SC",
    debian_package="fonts-noto-cjk",
    system_files=(
        (400, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        (700, "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ),
    subset=True,
)
#: Fonts to try for each ISO 15924 script, best first. Atkinson Hyperlegible was designed for low
#: vision readers but covers Latin only (and not every Vietnamese letter): Noto Sans takes over then.
SCRIPT_FONTS: dict[str, tuple[FontSource, ...]] = {
    "Latn": (ATKINSON, NOTO_SANS),
    "Cyrl": (NOTO_SANS,),
    "Arab": (AMIRI,),
    "Deva": (MUKTA,),
    "Hans": (NOTO_CJK_SC,),
}


class FontError(Exception):
    """No packaged font can print a language's text; the message names the string and character.

    `text` is that string, so a caller that knows where it came from (a catalog line) can say so."""

    def __init__(self, message: str, text: str = ""):
        super().__init__(message)
        self.text = text


@dataclass(frozen=True)
class PreparedFont:
    """A font ready for `@font-face`: a unique CSS family name and one static file per weight."""

    family: str
    css_family: str
    files: tuple[tuple[int, Path], ...]

    def font_face_css(self) -> str:
        return "\n".join(
            f'@font-face {{ font-family: "{self.css_family}"; font-weight: {weight}; '
            f'src: url("{path.resolve().as_uri()}"); }}'
            for weight, path in self.files
        )

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for _, path in self.files)


@cache
def _cmap(path: Path, cache_dir: Path) -> frozenset[int]:
    """The code points the font file maps: decoding the CJK font's cmap takes 0.1 s, and every
    process that proves a catalog or chooses a font needs it."""

    def decode(path: Path) -> bytes:
        with TTFont(path, lazy=True) as font:
            return array("I", sorted(font.getBestCmap())).tobytes()

    stored = _worked_out(path, cache_dir, "cmap", decode, lambda data: len(data) % 4 == 0)
    return frozenset(array("I", stored))


def _worked_out(
    path: Path,
    cache_dir: Path,
    kind: str,
    work: Callable[[Path], bytes],
    whole: Callable[[bytes], bool],
) -> bytes:
    """What `work` finds in a font file, kept in the build cache under the file's path, size and
    date: each file is read once, not once in every process of every build. A kept entry that
    `whole` refuses (cut short) is worked out again."""
    stored = cache_dir / FONT_CACHE / f"{kind}-{_stat_key(path)}.bin"
    try:
        data = stored.read_bytes()
        if whole(data):
            return data
    except OSError:  # not made yet
        pass
    data = work(path)
    write_atomic(stored, data)
    return data


def _stat_key(path: Path) -> str:
    """Names a file by path, size and date: enough for files that are installed or written once
    (hashing the 16 MB CJK file would take longer than what it saves)."""
    stat = path.stat()
    return _digest(str(path).encode(), str(stat.st_size).encode(), str(stat.st_mtime_ns).encode())


def _printable(char: str) -> bool:
    """Characters that need a glyph: not spaces, not format controls such as the zero-width joiner."""
    return not char.isspace() and unicodedata.category(char) not in {"Cc", "Cf"}


def missing_characters(path: Path, text: str, cache_dir: Path) -> set[str]:
    """The characters of `text` that need a glyph and that the font file has none for; each
    distinct character is looked at once (a booklet's text is 100,000 characters long)."""
    cmap = _cmap(path, cache_dir)
    return {c for c in set(text) if ord(c) not in cmap and _printable(c)}


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()[:16]


@cache
def _file_digest(path: Path, cache_dir: Path) -> str:
    """Content hash of a font file, kept in the build cache: hashing the fonts a build may print
    with took 50 ms in every process of every build (the Chinese file alone is 16 MB)."""

    def digest(path: Path) -> bytes:
        return _digest(path.read_bytes()).encode()

    return _worked_out(path, cache_dir, "sha", digest, lambda data: len(data) == 16).decode()


def _save_atomic(font: TTFont, target: Path) -> Path:
    """Save a font made here; it keeps its source's `head.modified`, so the same inputs give the
    same bytes (fontTools would stamp the clock, and every PDF that embeds the font would differ)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    font.recalcTimestamp = False
    font.save(tmp)
    tmp.replace(target)
    return target


def _source_file(source: FontSource, weight: int, cache_dir: Path) -> Path:
    """A single-font file for `weight`: from the package, or extracted from a system collection."""
    if not source.system_files:
        try:
            return Path(fontpkg.path(source.family, weight))
        except fontpkg.FontpkgError as exc:
            raise FontError(f"font {source.family!r} weight {weight} is not installed: {exc}") from exc
    path = Path(dict(source.system_files)[weight])
    if not path.is_file():
        raise FontError(
            f"{source.family} is missing ({path}): install the Debian package {source.debian_package} "
            "(make pdfs does it when run as root)"
        )
    target = cache_dir / FONT_CACHE / f"{_slug(source.family)}-{weight}-{_stat_key(path)}.ttf"
    if target.exists():
        return target
    collection = TTCollection(path)
    for font in collection.fonts:
        if font["name"].getDebugName(1) == source.family:
            return _save_atomic(font, target)
    raise FontError(f"{path} has no font named {source.family!r}")


def _static_instance(path: Path, weight: int, cache_dir: Path) -> Path:
    """A static instance of a variable font at `weight`, made once and cached by content hash."""
    target = cache_dir / FONT_CACHE / f"{_slug(path.stem)}-{weight}-{_file_digest(path, cache_dir)}.ttf"
    if target.exists():
        return target
    from fontTools.varLib.instancer import instantiateVariableFont

    with TTFont(path) as font:
        axes = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
        axes["wght"] = weight
        return _save_atomic(instantiateVariableFont(font, axes), target)


def _subset(path: Path, characters: str, cache_dir: Path) -> Path:
    """`path` cut down to `characters` (plus what shaping needs), cached by font and characters."""
    chars = "".join(sorted(set(characters)))
    target = (
        cache_dir
        / FONT_CACHE
        / f"{path.stem}-subset-{_digest(_file_digest(path, cache_dir).encode(), chars.encode())}.ttf"
    )
    if target.exists():
        return target
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    with TTFont(path) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        cut = io.BytesIO()
        font.recalcTimestamp = False  # the source's head.modified, as _save_atomic keeps it
        font.save(cut)
    with TTFont(cut) as font:
        _number_cids_in_glyph_order(font)
        return _save_atomic(font, target)


def _number_cids_in_glyph_order(font: TTFont) -> None:
    """Give a CID-keyed CFF font's glyphs CIDs equal to their glyph ids (cid00001, cid00002, ...).

    fontTools' subsetter renumbers the glyphs it keeps but leaves each its old CID in the charset.
    WeasyPrint writes glyph ids as CIDs, and a reader that follows the PDF specification (ISO
    32000-1, 9.7.4.2: MuPDF, Ghostscript) looks each CID up in the charset: it drew other glyphs or
    none. Only the CFF table names glyphs; every other table refers to them by glyph id, and
    tables left unread are copied as they are (fontTools.merge renames CFF glyphs the same way)."""
    if "CFF " not in font:
        return
    top = font["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return  # glyphs named, not numbered: the PDF's CIDs are glyph ids already
    order = [".notdef", *(f"cid{gid:05d}" for gid in range(1, len(top.charset)))]
    top.CharStrings.charStrings = dict(zip(order, top.CharStrings.charStrings.values(), strict=True))
    top.charset = order


@cache
def _is_variable(path: Path) -> bool:
    """Whether a font file has variation axes; asked for every PDF, so answered once per file."""
    with TTFont(path, lazy=True) as font:
        return "fvar" in font


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def prepare_family(source: FontSource, cache_dir: Path, characters: str = "") -> PreparedFont:
    """Static, per-weight files for `source`; subset fonts are cut down to `characters`."""
    files = []
    for weight in WEIGHTS:
        path = _source_file(source, weight, cache_dir)
        if _is_variable(path):
            path = _static_instance(path, weight, cache_dir)
        if source.subset:
            path = _subset(path, characters + DRAWN_BY_STYLES, cache_dir)
        files.append((weight, path))
    suffix = f"-{files[0][1].stem.rsplit('-', 1)[-1]}" if source.subset else ""
    return PreparedFont(source.family, f"hp-{_slug(source.family)}{suffix}", tuple(files))


def covering_font(script: str, texts: Iterable[str], cache_dir: Path) -> FontSource:
    """The first font for `script` that has every character of `texts`, without preparing it.

    Raises FontError naming the first string and character that no candidate can print, so a
    catalog can be checked before anything is rendered.
    """
    texts = list(texts)
    candidates = SCRIPT_FONTS.get(script)
    if not candidates:
        raise FontError(
            f"no font is configured for the {script} script yet: ask the maintainers to add one "
            "(SCRIPT_FONTS in handoutpress/fonts.py)"
        )
    everything = "".join(texts)
    for source in candidates:
        regular = _source_file(source, WEIGHTS[0], cache_dir)
        if not missing_characters(regular, everything, cache_dir):
            return source
    last = _source_file(candidates[-1], WEIGHTS[0], cache_dir)
    for text in texts:
        if missing := missing_characters(last, text, cache_dir):
            char = sorted(missing)[0]
            raise FontError(
                f"{candidates[-1].family} has no glyph for {char!r} (U+{ord(char):04X}, "
                f"{unicodedata.name(char, 'unnamed')}) in {text!r}: "
                "fix the string or add a font that covers it",
                text,
            )
    raise AssertionError("a missing character must be in one of the texts")


def choose_font(
    script: str, texts: Iterable[str], cache_dir: Path, characters: str = ""
) -> PreparedFont:
    """The first font for `script` that has every character of `texts`, prepared for rendering.

    `characters` is every character the language may print (its whole catalog), so a subset font
    is cut once per language, not once per handout.
    """
    texts = list(texts)
    source = covering_font(script, texts, cache_dir)
    return prepare_family(source, cache_dir, characters + "".join(texts))


def font_fingerprint(script: str, cache_dir: Path) -> list[tuple[str, str]]:
    """What identifies the fonts a script may print with, for build keys: packaged files by content
    hash (worked out once per file, see _file_digest), system collections by path, size and date."""
    out = []
    for source in SCRIPT_FONTS.get(script, ()):
        for weight in WEIGHTS:
            if source.system_files:
                path = Path(dict(source.system_files)[weight])
                stat = path.stat() if path.exists() else None
                out.append((str(path), f"{stat.st_size}-{stat.st_mtime_ns}" if stat else "missing"))
            else:
                try:
                    path = Path(fontpkg.path(source.family, weight))
                except fontpkg.FontpkgError:
                    out.append((source.family, "missing"))
                    continue
                out.append((path.name, _file_digest(path, cache_dir)))
    return out
