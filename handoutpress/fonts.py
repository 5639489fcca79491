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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg
from fontTools.ttLib import TTFont

WEIGHTS = (400, 700)
#: Fonts to try for each ISO 15924 script, best first. Atkinson Hyperlegible was designed for low
#: vision readers but covers Latin only (and not every Vietnamese letter): Noto Sans takes over then.
SCRIPT_FONTS: dict[str, tuple[str, ...]] = {
    "Latn": ("Atkinson Hyperlegible", "Noto Sans"),
    "Cyrl": ("Noto Sans",),
}


class FontError(Exception):
    """No packaged font can print a language's text; the message names the string and character."""


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
def _cmap(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _printable(char: str) -> bool:
    """Characters that need a glyph: not spaces, not format controls such as the zero-width joiner."""
    return not char.isspace() and unicodedata.category(char) not in {"Cc", "Cf"}


def missing_characters(path: Path, text: str) -> set[str]:
    cmap = _cmap(path)
    return {c for c in text if _printable(c) and ord(c) not in cmap}


def _package_file(family: str, weight: int) -> Path:
    try:
        return Path(fontpkg.path(family, weight))
    except fontpkg.FontpkgError as exc:
        raise FontError(f"font {family!r} weight {weight} is not installed: {exc}") from exc


def _is_variable(path: Path) -> bool:
    with TTFont(path, lazy=True) as font:
        return "fvar" in font


def _static_instance(path: Path, weight: int, cache_dir: Path) -> Path:
    """A static instance of a variable font at `weight`, made once and cached by content hash."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    target = cache_dir / "fonts" / f"{path.stem.split('[')[0]}-{weight}-{digest}.ttf"
    if target.exists():
        return target
    from fontTools.varLib.instancer import instantiateVariableFont

    with TTFont(path) as font:
        axes = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
        axes["wght"] = weight
        static = instantiateVariableFont(font, axes)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{digest}.tmp")
        static.save(tmp)
    tmp.replace(target)
    return target


def _css_family(family: str) -> str:
    return "hp-" + family.lower().replace(" ", "-")


def prepare_family(family: str, cache_dir: Path) -> PreparedFont:
    files = []
    for weight in WEIGHTS:
        path = _package_file(family, weight)
        if _is_variable(path):
            path = _static_instance(path, weight, cache_dir)
        files.append((weight, path))
    return PreparedFont(family, _css_family(family), tuple(files))


def choose_font(script: str, texts: Iterable[str], cache_dir: Path) -> PreparedFont:
    """The first font for `script` that has every character of `texts`, prepared for rendering.

    Raises FontError naming the first string and character that no candidate can print.
    """
    texts = list(texts)
    candidates = SCRIPT_FONTS.get(script)
    if not candidates:
        raise FontError(f"no font is configured for the {script} script: add one to SCRIPT_FONTS")
    everything = "".join(texts)
    for family in candidates:
        regular = _package_file(family, WEIGHTS[0])
        if not missing_characters(regular, everything):
            return prepare_family(family, cache_dir)
    last = _package_file(candidates[-1], WEIGHTS[0])
    for text in texts:
        if missing := missing_characters(last, text):
            char = sorted(missing)[0]
            raise FontError(
                f"{candidates[-1]} has no glyph for {char!r} (U+{ord(char):04X}, "
                f"{unicodedata.name(char, 'unnamed')}) in {text!r}: "
                "fix the string or add a font that covers it"
            )
    raise AssertionError("unreachable: a missing character must be in one of the texts")
