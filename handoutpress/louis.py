"""A small ctypes binding of liblouis, the braille translator of NVDA, BRLTTY and BrailleBlaster.

Why the library and not its `lou_translate` command:
- speed: a handout is some 60 strings; the command is a process per run that compiles its tables
  again each time (the Chinese table has 31,000 lines), while the library compiles a table once per
  process and keeps it;
- emphasis: bold text reaches the translator as a typeform array beside the text, which only the
  library's API takes (`lou_translate` reads plain text);
- errors: the library reports a table it cannot compile, or a character a table lacks, through a log
  callback and return codes that this module turns into one LouisError with liblouis' own message,
  instead of parsing a command's stderr.

Braille comes out as Unicode braille patterns (U+2800 + dots, `dotsIO|ucBrl`), whatever display
table a braille table includes, so the caller decides how cells are written (a BRF: braille ASCII).
Table names are bare file names resolved in liblouis' own table folder: a name with a path is
refused, so nothing outside the installed tables is ever read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
from collections.abc import Sequence
from functools import cache

from handoutpress.libraries import find_in_linker_cache

#: liblouis' modes (liblouis.h): input and output as dot patterns, those as Unicode braille.
DOTS_IO = 4
UNICODE_BRAILLE = 64
BRAILLE_ROW = 0x2800
#: liblouis.h's LOU_DOTS: set on a widechar that is a dot pattern (backward translation's input).
DOT_PATTERN = 0x8000
LOG_WARN = 30000
LOG_ERROR = 40000
#: Undefined characters are left out instead of written as `\\x4e2d/` escapes (see `undefined`).
NO_UNDEFINED = 128
#: A table list is a comma-separated list of file names in the installed table folder.
TABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:ctb|utb|tbl|cti|uti|dis)")
#: Output room per input character before asking again with more (contractions shrink, escapes
#: and indicators grow a string).
GROWTH = 4


class LouisError(Exception):
    """liblouis could not be loaded, a table could not be compiled, or a translation failed."""


_LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p)
#: Messages liblouis logged during the current call (the callback appends, each call clears).
_messages: list[tuple[int, str]] = []


@_LOG_CALLBACK
def _log(level: int, message: bytes | None) -> None:
    _messages.append((level, (message or b"").decode("utf-8", "replace")))


@cache
def _library() -> ctypes.CDLL:
    name = find_in_linker_cache("louis") or ctypes.util.find_library("louis")
    if name is None:
        raise LouisError("liblouis is not installed: apt-get install liblouis20 liblouis-data")
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise LouisError(f"cannot load liblouis ({name}): {exc}") from exc
    lib.lou_version.restype = ctypes.c_char_p
    lib.lou_charSize.restype = ctypes.c_int
    lib.lou_getTable.restype = ctypes.c_void_p
    lib.lou_getTable.argtypes = [ctypes.c_char_p]
    lib.lou_getTypeformForEmphClass.restype = ctypes.c_ushort
    lib.lou_getTypeformForEmphClass.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.lou_registerLogCallback.argtypes = [_LOG_CALLBACK]
    lib.lou_setLogLevel.argtypes = [ctypes.c_int]
    lib.lou_registerLogCallback(_log)
    lib.lou_setLogLevel(LOG_WARN)
    return lib


def version() -> str:
    """liblouis' version, part of a braille file's build key: a new liblouis may braille differently."""
    return _library().lou_version().decode()


@cache
def _codec() -> tuple[type[ctypes._SimpleCData], str]:
    """liblouis' widechar: 4 bytes (UTF-32) as Debian builds it, 2 (UTF-16) elsewhere."""
    if _library().lou_charSize() == 4:
        return ctypes.c_uint32, "utf-32-le"
    return ctypes.c_uint16, "utf-16-le"


def check_tables(tables: str) -> None:
    """Compile a table list, or raise LouisError with liblouis' reason (a missing file, a typo)."""
    if not all(TABLE_NAME.fullmatch(name) for name in tables.split(",")):
        raise LouisError(f"{tables!r}: name liblouis tables by their file names, e.g. en-ueb-g2.ctb")
    lib = _library()
    _messages.clear()
    if not lib.lou_getTable(tables.encode()):
        errors = [m for level, m in _messages if level >= LOG_ERROR] or ["cannot compile"]
        raise LouisError(f"braille table {tables}: {errors[0]}")


def typeform(tables: str, emphasis: str) -> int:
    """The typeform bit of a table's emphasis class (`bold`), 0 when the table declares none."""
    check_tables(tables)
    return int(_library().lou_getTypeformForEmphClass(tables.encode(), emphasis.encode()))


def _call(
    function: str,
    tables: str,
    text: str,
    typeforms: Sequence[int] | None,
    mode: int,
    positions: list[int] | None = None,
) -> str:
    """One call of liblouis; with `positions` (lou_translate), each output cell's input index is
    appended to it."""
    check_tables(tables)
    if not text:
        return ""
    char, codec = _codec()
    data = text.encode(codec)
    length = len(data) // ctypes.sizeof(char)
    room = GROWTH * length + 64
    while True:
        inbuf = (char * max(length, 1)).from_buffer_copy(data.ljust(ctypes.sizeof(char), b"\0"))
        inlen, outlen = ctypes.c_int(length), ctypes.c_int(room)
        outbuf = (char * room)()
        # The typeform array is read and written up to the output's length, not the input's: one
        # sized to the input crashed the Chinese table (a bus error) when bold was asked for.
        forms = (ctypes.c_ushort * room)(*typeforms) if typeforms else None
        _messages.clear()
        args = [tables.encode(), inbuf, ctypes.byref(inlen), outbuf, ctypes.byref(outlen), forms, None]
        if positions is not None:
            inputs = (ctypes.c_int * room)()
            args += [None, inputs, None]
        ok = getattr(_library(), function)(*args, mode)
        if not ok:
            errors = [m for level, m in _messages if level >= LOG_ERROR] or ["translation failed"]
            raise LouisError(f"braille table {tables}: {errors[0]}")
        if inlen.value >= length:  # everything was read: the output had room
            if positions is not None:
                positions += inputs[: outlen.value]
            size = outlen.value * ctypes.sizeof(char)
            return ctypes.string_at(outbuf, size).decode(codec)
        room *= 2


def translate(tables: str, text: str, typeforms: Sequence[int] | None = None) -> str:
    """`text` in braille as Unicode braille patterns; `typeforms` (one per character, UTF-32) marks
    emphasis with the bits `typeform` returns."""
    if typeforms is not None and len(typeforms) != len(text):
        raise ValueError("one typeform per character")
    return _call("lou_translateString", tables, text, typeforms, DOTS_IO | UNICODE_BRAILLE)


def translate_with_positions(
    tables: str, text: str, typeforms: Sequence[int] | None = None
) -> tuple[str, list[int]]:
    """`translate`, with the index in `text` of the character each cell comes from: where a line
    may break inside a word that has no space (a Chinese sentence), without splitting a syllable."""
    positions: list[int] = []
    cells = _call("lou_translate", tables, text, typeforms, DOTS_IO | UNICODE_BRAILLE, positions)
    return cells, positions


def undefined(tables: str, text: str) -> list[str]:
    """The characters of `text` that the tables have no braille for, in order of appearance.

    liblouis writes such a character as an escape (`\\x4e2d/` in the table's own cells) that no
    reader can read; asked to leave undefined characters out, it writes nothing for them, which is
    how they are told from a character the table deliberately writes as nothing (Hindi's nukta).
    Each character is asked about on its own, once per table."""
    return [c for c in dict.fromkeys(text) if not c.isspace() and not _defines(tables, c)]


@cache
def _defines(tables: str, char: str) -> bool:
    mode = DOTS_IO | UNICODE_BRAILLE
    if _call("lou_translateString", tables, char, None, mode | NO_UNDEFINED):
        return True
    return not _call("lou_translateString", tables, char, None, mode)


def back_translate(tables: str, braille: str) -> str:
    """Unicode braille back to print with the same tables (what a reader's cells say)."""
    dots = "".join(
        chr(DOT_PATTERN | (ord(c) - BRAILLE_ROW)) if BRAILLE_ROW <= ord(c) <= 0x28FF else c
        for c in braille
    )
    return _call("lou_backTranslateString", tables, dots, None, DOTS_IO)
