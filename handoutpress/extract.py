"""Extract translatable strings into `locales/handouts.pot` with Babel.

`extract_handouts` is a Babel extraction method (registered under the `babel.extractors` entry point
group as `handouts`), so `pybabel extract -F pyproject.toml` and `python build_pdfs.py extract` run the
very same extraction: the mapping of files to extractors lives once, in `[tool.babel]` of pyproject.toml.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel import __version__ as babel_version
from babel.messages.frontend import CommandLineInterface

from handoutpress.content import translatable_texts
from handoutpress.files import write_atomic

POT_NAME = "handouts.pot"
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)


def extract_handouts(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for handout YAML: yields `(line, funcname, message, comments)`.

    Every string of a handout or shared section is a message; a translator note beside it becomes
    the `#.` comment. Invalid content raises ContentError naming file and line, so a broken file is
    never skipped in silence.
    """
    name = getattr(fileobj, "name", None)
    display = _relative(name) if isinstance(name, str) else "<handout>"
    for text in translatable_texts(fileobj.read().decode("utf-8"), display):
        yield text.line, "", text.msgid, [text.note] if text.note else []


def extract_catalog(root: Path, locales_dir: Path, project: str, version: str) -> Path:
    """Write the template catalog with Babel's own `extract` command over the pyproject mapping.

    Babel stamps a new POT-Creation-Date on every run; when nothing else changed, the previous file
    is kept as it was, so re-running extract leaves no diff.
    """
    pot = locales_dir / POT_NAME
    previous = pot if pot.exists() else None
    tmp = pot.with_suffix(".pot.tmp")
    args = [
        "pybabel", "--quiet", "extract",
        "--mapping-file", "pyproject.toml",
        "--output-file", str(tmp.resolve()),
        "--project", project, "--version", version,
        "--copyright-holder", "the handouts contributors",
        "--add-comments", "Translators:", "--strip-comments",
        "--sort-by-file",
        ".",
    ]  # fmt: skip
    # Run from the project root, exactly as `pybabel extract -F pyproject.toml .` does there, so the
    # `#:` references read `handouts/x.yaml:12` wherever the command was started.
    with contextlib.chdir(root):
        CommandLineInterface().run(args)
    if previous is not None and same_messages(tmp, pot):
        tmp.unlink()
        return pot
    tmp.replace(pot)
    return pot


#: What extraction reads, besides the code: the mapping and the folders it maps.
EXTRACTED = ("pyproject.toml", "handouts", "templates")


def template_in_step(root: Path, locales_dir: Path, cache_dir: Path, project: str, version: str) -> bool:
    """Whether `locales/handouts.pot` holds what `extract` would write now.

    Extracting takes a third of a second (every handout and template parsed); the answer is kept
    in the build cache under a digest of everything extraction reads and of the template itself,
    so `check` asks again at the cost of reading those files."""
    pot = locales_dir / POT_NAME
    if not pot.exists():
        return False
    h = hashlib.sha256(f"{babel_version}\0{project}\0{version}\0".encode())
    code = Path(__file__).resolve().parent
    inputs = [code / "extract.py", code / "content.py", pot]
    for name in EXTRACTED:
        path = root / name
        inputs += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in inputs:
        if path.exists():
            h.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    kept = cache_dir / "extract" / f"{h.hexdigest()[:32]}.in-step"
    if kept.exists():
        return True
    with tempfile.TemporaryDirectory() as tmp:
        fresh = extract_catalog(root, Path(tmp), project, version)
        if not same_messages(fresh, pot):
            return False
    write_atomic(kept, b"")
    return True


def same_messages(a: Path, b: Path) -> bool:
    """Whether two templates hold the same entries (Babel stamps a new creation date each run)."""
    texts = [_CREATION_DATE.sub("", p.read_text(encoding="utf-8")) for p in (a, b)]
    return texts[0] == texts[1]


def _relative(name: str) -> str:
    """A path as the author knows it: relative to where the command runs, when it is below it."""
    rel = os.path.relpath(name)
    return Path(name if rel.startswith("..") else rel).as_posix()
