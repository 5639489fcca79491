"""Load WeasyPrint's C libraries without running the C compiler: a third of its import time.

WeasyPrint opens Pango, HarfBuzz and Fontconfig by trying a list of names for each, one per platform
('libpango-1.0-0', 'pango-1.0-0', 'pango-1.0', 'libpango-1.0.so.0', ...). cffi passes every name it
cannot open to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then gcc and ld, for
each name (upstream: Kozea/WeasyPrint#1125): some 60 processes and 0.17 s of the 0.44 s an import
takes, in every worker of every build. `linker_cache_lookup` answers those questions from one reading
of the dynamic linker's cache, the first step of ctypes' own search, and skips the compiler. If
WeasyPrint then cannot load a library, the import is tried again the usual way, so a system where
only the compiler's search finds Pango works as before.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache

#: How `ldconfig -p` names this interpreter's kind of library (ctypes.util does the same).
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


@cache
def _linker_cache() -> str:
    """What `ldconfig -p` prints: every library the dynamic linker knows, read once per process."""
    for ldconfig in ("/sbin/ldconfig", "ldconfig"):
        try:
            done = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, env={"LC_ALL": "C", "LANG": "C"}
            )
        except OSError:
            continue
        return done.stdout
    return ""


def find_in_linker_cache(name: str) -> str | None:
    """`ctypes.util.find_library(name)` as its first step answers it: the soname of `lib<name>`
    for this interpreter's architecture in the linker's cache, or None."""
    bits = "64" if sys.maxsize > 2**32 else "32"
    abi = _ABI.get(f"{os.uname().machine}-{bits}", "libc6")
    match = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", _linker_cache())
    return match.group(1) if match else None


@contextlib.contextmanager
def linker_cache_lookup() -> Iterator[None]:
    """Inside the block, `ctypes.util.find_library` only reads the linker's cache (Linux only)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    original: Callable[[str], str | None] = ctypes.util.find_library
    ctypes.util.find_library = find_in_linker_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original


def import_weasyprint() -> None:
    """Import WeasyPrint, its libraries found through the linker's cache; failing that (a library
    only the compiler's search finds), the usual way, without the first try's error message."""
    if "weasyprint" in sys.modules:
        return
    try:
        with linker_cache_lookup(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:  # Python has already dropped the modules whose import failed
        import weasyprint  # noqa: F401
