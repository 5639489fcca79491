"""Extract translatable strings into `locales/handouts.pot` with Babel.

`extract_handouts` is a Babel extraction method (registered under the `babel.extractors` entry point
group as `handouts`), so `pybabel extract -F pyproject.toml` and `python build_pdfs.py extract` run the
very same extraction: the mapping of files to extractors lives once, in `[tool.babel]` of pyproject.toml.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.frontend import CommandLineInterface

from handoutpress.content import translatable_texts

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


def same_messages(a: Path, b: Path) -> bool:
    """Whether two templates hold the same entries (Babel stamps a new creation date each run)."""
    texts = [_CREATION_DATE.sub("", p.read_text(encoding="utf-8")) for p in (a, b)]
    return texts[0] == texts[1]


def _relative(name: str) -> str:
    """A path as the author knows it: relative to where the command runs, when it is below it."""
    rel = os.path.relpath(name)
    return Path(name if rel.startswith("..") else rel).as_posix()
