"""The Babel extractor: every string, the line it stands on, and the translator notes."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from handoutpress.content import ContentError
from handoutpress.extract import extract_handouts

from .conftest import FIXTURES, REPO


def extract(text: str, name: str = "handouts/x.yaml") -> list[tuple[int, str, str, list[str]]]:
    fileobj = io.BytesIO(text.encode())
    fileobj.name = name
    return list(extract_handouts(fileobj, [], [], {}))


def test_strings_lines_and_notes_of_a_handout() -> None:
    path = FIXTURES / "mini/handouts/sample.yaml"
    lines = path.read_text().splitlines()
    found = extract(path.read_text())
    messages = [(line, msgid, notes) for line, _, msgid, notes in found]
    assert messages == [
        (2, "Sample handout", []),
        (3, "A short summary.", []),
        (9, "First part", []),
        (11, "**Bold word** in a paragraph.", []),
        (13, "First item", []),
        (14, "Second item", ["Item note."]),
    ]
    # The line numbers point at the string itself, as a translator clicking the reference expects.
    for line, msgid, _ in messages:
        assert msgid.split("**")[-1].strip()[:5] in lines[line - 1]


def test_included_sections_are_extracted_from_their_own_file_only() -> None:
    found = extract((FIXTURES / "mini/handouts/sample.yaml").read_text())
    assert "A shared paragraph." not in [m for _, _, m, _ in found]
    shared = extract((FIXTURES / "mini/handouts/sections/shared.yaml").read_text())
    assert [(line, m, n) for line, _, m, n in shared] == [
        (1, "Shared part", []),
        (3, "A shared paragraph.", ["A note for translators."]),
    ]


def test_a_broken_file_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(ContentError, match=r"handouts/x\.yaml:\d+: YAML syntax error: .* on line 3\)"):
        extract("kind: type\ntitle: T\nsummary: [unclosed\n")


def _messages(pot: str) -> list[str]:
    """The entries of a POT without its header (Babel stamps a new creation date each run)."""
    return re.split(r"\n\n", pot.split("\n\n", 1)[1])


def test_pybabel_and_build_pdfs_extract_agree(tmp_path: Path) -> None:
    via_pybabel = tmp_path / "pybabel.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml",
         "--add-comments", "Translators:", "--strip-comments", "--sort-by-file",
         "-o", str(via_pybabel), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    committed = (REPO / "locales/handouts.pot").read_text()
    assert _messages(via_pybabel.read_text()) == _messages(committed)


def test_committed_template_is_up_to_date(tmp_path: Path) -> None:
    """The POT in git is what `python build_pdfs.py extract` writes from the content today."""
    from handoutpress.extract import extract_catalog

    locales = tmp_path / "locales"
    locales.mkdir()
    pot = extract_catalog(REPO, locales, "handouts", "0")
    assert _messages(pot.read_text()) == _messages((REPO / "locales/handouts.pot").read_text())


def test_template_strings_are_extracted_with_notes() -> None:
    pot = (REPO / "locales/handouts.pot").read_text()
    entry = next(e for e in _messages(pot) if 'msgid "Page {page} of {pages}"' in e)
    assert "#. keep {page} and {pages}" in entry
    assert "#: templates/print.css.j2:" in entry
    assert "python-brace-format" in entry
