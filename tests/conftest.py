"""Shared fixtures: a small project of its own (tests/fixtures/mini) and the real repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from handoutpress.build import CACHE_VARIABLE, Project
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


#: A complete Arabic catalog for the mini project: right-to-left, and another font than English.
MINI_ARABIC = {
    "Sample handout": "نشرة تجريبية",
    "A short summary.": "ملخص قصير.",
    "First part": "الجزء الأول",
    "**Bold word** in a paragraph.": "**كلمة بخط عريض** في فقرة.",
    "First item": "البند الأول",
    "Second item": "البند الثاني",
    "Shared part": "جزء مشترك",
    "A shared paragraph.": "فقرة مشتركة.",
}


#: Chinese: its font is made by fontTools (a system collection's font, cut down to the characters
#: the language prints).
MINI_CHINESE = {
    "Sample handout": "示例资料",
    "A short summary.": "简短摘要。",
    "First part": "第一部分",
    "**Bold word** in a paragraph.": "段落中的**粗体词**。",
    "First item": "第一项",
    "Second item": "第二项",
    "Shared part": "共享部分",
    "A shared paragraph.": "共享的段落。",
}


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every build cache of the run in pytest's tmp (HANDOUTS_CACHE, a folder per project), the
    commands the tests start included: the checkout's .cache is neither read nor written, so no
    result depends on what an earlier `make pdfs` left there, and the suite runs from a read-only
    checkout."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_VARIABLE, str(folder))
        yield folder


def build(project: Project, *args: str, out: Path | None = None, jobs: int = 1) -> int:
    """`build_pdfs.py build` of a project into its dist/ (or `out`): one job at a time unless
    asked, so that the build runs in this process (where a test's monkeypatch reaches it) whatever
    the number of cores."""
    out = out or project.root / "dist"
    return main(["--root", str(project.root), "build", "--out", str(out), "--jobs", str(jobs), *args])


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes (to compare before and after)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def copy_project(source: Project, root: Path) -> Project:
    """A copy of a project at `root`, its outputs and its build cache too (a warm start)."""
    shutil.copytree(source.root, root)
    copy = Project(root)
    if source.cache_dir.is_dir() and not copy.cache_dir.exists():
        shutil.copytree(source.cache_dir, copy.cache_dir)
    return copy


def retranslate(project: Project, code: str, msgid: str, text: str, fuzzy: bool = False) -> None:
    """Change one entry of a language's catalog as a translator's editor would."""
    po = project.locales_dir / code / "LC_MESSAGES/handouts.po"
    with po.open("rb") as fh:
        catalog: Catalog = read_po(fh)
    message = catalog[msgid]
    assert message is not None, msgid
    message.string = text
    if fuzzy:
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog)


def make_mini(root: Path) -> Project:
    """A copy of the mini project at `root` with the real templates and the real pyproject mapping."""
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "locales").mkdir()
    return Project(root)


def add_language(project: Project, code: str, translations: dict[str, str]) -> None:
    """Extract the mini project's strings and add a complete catalog for `code`."""
    assert main(["--root", str(project.root), "extract"]) == 0
    assert main(["--root", str(project.root), "init", code]) == 0
    po = project.locales_dir / code / "LC_MESSAGES/handouts.po"
    translate_catalog(po, translations, REPO / "locales" / code / "LC_MESSAGES/handouts.po")
    assert main(["--root", str(project.root), "update"]) == 0  # stored as `update` writes it


#: Spanish for the model project (tests/fixtures/model): its safety box, steps, table and lines.
MODEL_SPANISH = {
    "A handout with tools": "Una hoja con herramientas",
    "The main message, printed first.": "El mensaje principal, impreso primero.",
    "Get help right away": "Pida ayuda enseguida",
    "**Call {emergency_number} now** if:": "**Llame ahora al {emergency_number}** si:",
    "You have trouble breathing or swallowing.": "Le cuesta respirar o tragar.",
    "Your jaw or tongue locks after a new medicine.":
        "Se le traba la mandíbula o la lengua tras un medicamento nuevo.",
    "One side of your body suddenly gets weak.": "De repente se le debilita un lado del cuerpo.",
    "**Call your care team soon** if:": "**Llame pronto a su equipo de salud** si:",
    "The movements spread.": "Los movimientos se extienden.",
    "Your voice gets breathy after a shot.": "Su voz se vuelve débil tras una inyección.",
    "Do not stop a medicine on your own.": "No deje un medicamento por su cuenta.",
    "Steps to take": "Pasos a seguir",
    "Write down when it happens.": "Anote cuándo ocurre.",
    "Bring the list to your visit.": "Lleve la lista a su consulta.",
    "A diary": "Un diario",
    "Day": "Día",
    "What I did": "Qué hice",
    "How bad (0-10)": "Qué tan fuerte (0-10)",
    "Monday": "Lunes",
    "Your questions": "Sus preguntas",
    "Write your questions here.": "Escriba aquí sus preguntas.",
    "A plain shared part": "Una parte compartida",
    "A shared paragraph.": "Un párrafo compartido.",
    "A draft handout": "Una hoja en borrador",
    "A draft summary.": "Un resumen en borrador.",
    "Only a part": "Solo una parte",
    "A paragraph.": "Un párrafo.",
}  # fmt: skip


def make_model(root: Path) -> Project:
    """A copy of the model project (tests/fixtures/model: a safety box with slots, steps, a table,
    lines to write on, a reviewed and a draft handout) with the real templates and mapping."""
    shutil.copytree(FIXTURES / "model", root)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "locales").mkdir()
    return Project(root)


@pytest.fixture
def model(tmp_path: Path) -> Project:
    """The model project: every block kind and both review states."""
    return make_model(tmp_path / "model")


@pytest.fixture
def mini(tmp_path: Path) -> Project:
    """A copy of the mini project with the real templates and the real pyproject mapping."""
    return make_mini(tmp_path / "mini")


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
    catalog.last_translator = "Test Translator <translator@example.org>"
    with po.open("wb") as fh:
        write_po(fh, catalog)


@pytest.fixture
def mini_es(mini: Project) -> Project:
    """The mini project with a complete Spanish catalog."""
    add_language(mini, "es", MINI_SPANISH)
    return mini


@pytest.fixture(scope="session")
def built_es_template(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The mini project with a complete Spanish catalog, built once per run (never changed:
    `built_es` hands each test a copy)."""
    project = make_mini(tmp_path_factory.mktemp("built-es") / "mini")
    add_language(project, "es", MINI_SPANISH)
    assert build(project) == 0
    return project


@pytest.fixture
def built_es(built_es_template: Project, tmp_path: Path) -> Project:
    """A test's own copy of the built Spanish mini project: dist/ and its build cache included."""
    return copy_project(built_es_template, tmp_path / "mini")


def makefile_variants() -> list[str]:
    """The options `make pdfs` passes to the build (VARIANTS in the Makefile), read from the Makefile
    itself, so the tests build what a user's `make pdfs` builds."""
    found = re.search(r"^VARIANTS\s*:?=(.*)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert found, "the Makefile has no VARIANTS line"
    return shlex.split(found.group(1))


@pytest.fixture(scope="session")
def make_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `make pdfs` builds: every handout in every language in every variant of the Makefile,
    booklets and bilingual handouts too, built once per test run from a copy of the project's
    content, templates and catalogs, so that its build cache is in pytest's tmp as well."""
    root = tmp_path_factory.mktemp("make-pdfs") / "project"
    for folder in ("handouts", "locales", "templates"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.mo"))
    out = root / "dist"
    assert main(["--root", str(root), "build", "--out", str(out), *makefile_variants()]) == 0
    return out


@pytest.fixture(scope="session")
def shipped_pdfs(make_pdfs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped handout in every shipped language in the standard print: the files of
    `make pdfs` without a variant in their name (`<id>.pdf`, `booklet.pdf`; a plain build makes the
    same), linked into a folder of their own."""
    out = tmp_path_factory.mktemp("shipped") / "dist"
    for pdf in make_pdfs.rglob("*.pdf"):
        if "." not in pdf.name.removesuffix(".pdf"):
            target = out / pdf.relative_to(make_pdfs)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(pdf, target)
    return out


@dataclass
class Guard:
    """What rendering tried to reach: network connections (all refused) and fetched URLs."""

    connections: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Guard:
    """Refuse and record every network connection, and record every URL the renderer's fetcher is
    asked for (it still decides what to serve)."""
    from handoutpress.render import ProjectFetcher

    seen = Guard()

    def refuse(name: str):
        def connect(*args, **kwargs):
            seen.connections.append(f"{name}{args!r}")
            raise OSError(f"a test tried to reach the network: {name}")

        return connect

    for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                        (socket, "create_connection"), (socket, "getaddrinfo")):  # fmt: skip
        monkeypatch.setattr(owner, name, refuse(name))
    fetch = ProjectFetcher.fetch

    def recording_fetch(self, url, headers=None):
        seen.fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(ProjectFetcher, "fetch", recording_fetch)
    return seen


def msgfmt() -> str:
    """GNU msgfmt: its absence is a set-up error to fix (Makefile SYSTEM_PACKAGES), never a skip."""
    path = shutil.which("msgfmt")
    if path is None:
        pytest.fail("msgfmt is missing: install the Debian package gettext (make test does, as root)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's chromium, driven by Playwright: the browser is never downloaded
    (`playwright install` is not used). Without it a test fails and says so; it never skips."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: pip install -e '.[test]' (make test does it)")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: apt-get install chromium (make test does it as root)")
    with sync_playwright() as playwright:
        try:
            # Playwright starts chromium with --no-sandbox unless asked for the sandbox, so this
            # works as root (CI) too.
            browser = playwright.chromium.launch(executable_path=executable)
        except Error as exc:
            pytest.fail(f"chromium ({executable}) did not start: {exc}")
        yield browser
        browser.close()
