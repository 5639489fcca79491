"""Shared fixtures: a small project of its own (tests/fixtures/mini) and the real repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from handoutpress.build import Project
from handoutpress.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: A complete Spanish catalog for the mini project, written by hand (so its PDF text is known).
MINI_SPANISH = {
    "Sample handout": "Folleto de muestra",
    "A short summary.": "Un resumen breve.",
    "First part": "Primera parte",
    "**Bold word** in a paragraph.": "**Palabra en negrita** en un párrafo.",
    "First item": "Primer punto",
    "Second item": "Segundo punto",
    "Shared part": "Parte compartida",
    "A shared paragraph.": "Un párrafo compartido.",
}


@pytest.fixture
def mini(tmp_path: Path) -> Project:
    """A copy of the mini project with the real templates and the real pyproject mapping."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "locales").mkdir()
    return Project(root)


def translate_catalog(po: Path, translations: dict[str, str], template_language: Path) -> None:
    """Fill a catalog: the mini strings from the table, template strings from a real catalog."""
    with po.open("rb") as fh:
        catalog: Catalog = read_po(fh)
    with template_language.open("rb") as fh:
        known = {m.id: m.string for m in read_po(fh) if m.id}
    for message in catalog:
        if message.id:
            message.string = translations.get(message.id) or known[message.id]
            message.flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog)


@pytest.fixture
def mini_es(mini: Project) -> Project:
    """The mini project with a complete Spanish catalog."""
    assert main(["--root", str(mini.root), "extract"]) == 0
    assert main(["--root", str(mini.root), "init", "es"]) == 0
    po = mini.locales_dir / "es/LC_MESSAGES/handouts.po"
    translate_catalog(po, MINI_SPANISH, REPO / "locales/es/LC_MESSAGES/handouts.po")
    return mini


@pytest.fixture(scope="session")
def shipped_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped handout in every shipped language (standard print), built once per test run."""
    out = tmp_path_factory.mktemp("shipped") / "dist"
    assert main(["--root", str(REPO), "build", "--out", str(out)]) == 0
    return out
