"""Font files: which characters each has and its content hash, worked out once and then read from
the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import fontpkg
import pytest
from fontTools.ttLib import TTFont

from handoutpress import fonts

BE = "\u0431"  # CYRILLIC SMALL LETTER BE: Atkinson Hyperlegible has no Cyrillic
TEXT = f"ab {BE}"


def test_a_fonts_characters_come_from_the_cache_until_the_file_changes(tmp_path, monkeypatch) -> None:
    font = tmp_path / "atkinson.ttf"
    shutil.copy(fontpkg.path("Atkinson Hyperlegible", 400), font)
    cache = tmp_path / "cache"
    fonts._cmap.cache_clear()
    assert fonts.missing_characters(font, TEXT, cache) == {BE}

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cmap was decoded again")

    monkeypatch.setattr(fonts, "TTFont", no_decoding)
    fonts._cmap.cache_clear()  # a new process: only the file in the cache is left
    assert fonts.missing_characters(font, TEXT, cache) == {BE}
    os.utime(font, ns=(0, 0))  # another file now: decoded again
    fonts._cmap.cache_clear()
    with pytest.raises(AssertionError, match="decoded again"):
        fonts.missing_characters(font, TEXT, cache)


def test_a_cached_file_cut_short_is_made_again(tmp_path: Path) -> None:
    font = Path(fontpkg.path("Atkinson Hyperlegible", 400))
    fonts._cmap.cache_clear()
    expected = fonts._cmap(font, tmp_path)
    (stored,) = (tmp_path / fonts.FONT_CACHE).glob("cmap-*.bin")
    stored.write_bytes(stored.read_bytes()[:-1])
    fonts._cmap.cache_clear()
    assert fonts._cmap(font, tmp_path) == expected
    assert len(stored.read_bytes()) == 4 * len(expected)


def test_a_fonts_content_hash_comes_from_the_cache_until_the_file_changes(tmp_path, monkeypatch) -> None:
    font = tmp_path / "atkinson.ttf"
    shutil.copy(fontpkg.path("Atkinson Hyperlegible", 400), font)
    cache = tmp_path / "cache"
    fonts._file_digest.cache_clear()
    first = fonts._file_digest(font, cache)
    assert first == fonts._digest(font.read_bytes())

    read_bytes = Path.read_bytes

    def no_hashing(path: Path) -> bytes:
        if path == font:
            raise AssertionError("the file was hashed again")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", no_hashing)
    fonts._file_digest.cache_clear()  # a new process: only the file in the cache is left
    assert fonts._file_digest(font, cache) == first
    with font.open("ab") as fh:  # another file now: hashed again
        fh.write(b"\0")
    fonts._file_digest.cache_clear()
    with pytest.raises(AssertionError, match="hashed again"):
        fonts._file_digest(font, cache)


def test_a_cut_down_cid_keyed_font_numbers_its_cids_as_its_glyphs(tmp_path: Path) -> None:
    """Noto Sans CJK is CID-keyed: cut down, each glyph's CID must be its glyph id (PDF readers
    that follow the specification, MuPDF and Ghostscript, find glyphs by CID), and each character
    must still draw the glyph it draws in the full font."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTCollection

    text = "肌张力障碍\uff1a概述 Dystonia 1"
    prepared = fonts.prepare_family(fonts.NOTO_CJK_SC, tmp_path, text)
    cut = TTFont(dict(prepared.files)[400])
    top = cut["CFF "].cff.topDictIndex[0]
    assert hasattr(top, "ROS")  # still CID-keyed
    order = cut.getGlyphOrder()
    assert order[1:] == [f"cid{gid:05d}" for gid in range(1, len(order))]
    collection = TTCollection(dict(fonts.NOTO_CJK_SC.system_files)[400], lazy=True)
    (full,) = [f for f in collection.fonts if f["name"].getDebugName(1) == fonts.NOTO_CJK_SC.family]

    def outline(font: TTFont, char: str) -> list:
        pen = RecordingPen()
        font.getGlyphSet()[font.getBestCmap()[ord(char)]].draw(pen)
        return pen.value

    for char in set(text) - {" "}:
        assert outline(cut, char) == outline(full, char), char
