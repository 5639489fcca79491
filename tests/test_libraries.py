"""WeasyPrint's C libraries, found through the linker's cache instead of the C compiler."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from handoutpress.libraries import find_in_linker_cache

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldconfig is Linux's")

#: Names WeasyPrint 70 tries (text/ffi.py), some found, some only meant for other platforms.
NAMES = ["gobject-2.0", "pango-1.0", "pangoft2-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig",
         "libpango-1.0-0", "pango-1.0-0", "harfbuzz-vector"]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_linker_cache_answers_as_ctypes_does(name: str) -> None:
    assert find_in_linker_cache(name) == ctypes.util.find_library(name)


def run_import(tmp_path: Path, before: str = "") -> subprocess.CompletedProcess[str]:
    """Import the renderer in a fresh interpreter whose PATH has a gcc and an ld that leave a mark."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("gcc", "cc", "ld"):
        (tools / tool).write_text(f"#!/bin/sh\necho {tool} >> {tmp_path / 'ran'}\nexit 1\n")
        (tools / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    code = f"{before}\nimport handoutpress.render, weasyprint\nprint(weasyprint.__version__)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_weasyprint_loads_without_running_the_compiler(tmp_path: Path) -> None:
    done = run_import(tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "ran").exists()


#: Makes the first import of weasyprint.text.ffi (where the libraries are opened) fail as a missing
#: library does, after other WeasyPrint modules were already loaded.
FAIL_ONCE = """
import importlib.abc, sys
class FailOnce(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "weasyprint.text.ffi":
            sys.meta_path.remove(self)
            print("cannot load library 'libpango-1.0-0'")  # what WeasyPrint prints first
            raise OSError("cannot load library 'libpango-1.0-0'")
sys.meta_path.insert(0, FailOnce())
"""


def test_a_library_the_linker_cache_misses_is_still_found_the_usual_way(tmp_path: Path) -> None:
    """The first try fails half way; the import is done again the usual way, from a clean start,
    and the first try's error message is not shown."""
    done = run_import(tmp_path, FAIL_ONCE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [done.stdout.split()[0]]  # WeasyPrint's version and nothing else
