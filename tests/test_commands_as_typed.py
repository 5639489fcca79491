"""Every command a message or a document names works as typed in the project folder: no alias, no
activated virtual environment, nothing on the PATH but the system's (a volunteer typing
`python build_pdfs.py update`, as the tool used to say, got `ModuleNotFoundError: No module named
'babel'`). The docs and the tool agree on the language folders (`locales/pt_BR/`, `dist/pt-BR/`)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess

import pytest

from handoutpress.build import Project
from handoutpress.cli import main

from .conftest import REPO

RUN = ".venv/bin/python build_pdfs.py"
#: A command as the docs and messages quote it: between backticks, naming build_pdfs.py.
QUOTED = re.compile(r"`([^`]*build_pdfs\.py [^`]*)`")
DOCS = ("README.md", "TRANSLATING.md")


def shell_lines(markdown: str) -> list[str]:
    """The command lines of the document's ```sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", markdown, re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("doc", DOCS)
def test_the_docs_write_every_command_as_it_is_typed(doc) -> None:
    text = (REPO / doc).read_text()
    commands = [line.split("#")[0].strip() for line in shell_lines(text)]
    assert commands
    for command in commands:
        assert command.startswith((RUN, "make ", ". ", "cd ", "git ", "msgfmt ", "ls ")), command
    for quoted in QUOTED.findall(re.sub(r"```.*?```", "", text, flags=re.S)):
        assert quoted.startswith(RUN), quoted
    assert "`py`" not in text and "\npy " not in text  # the alias nobody has


def messages(path) -> list[ast.Constant]:
    """The string literals of a module that are not docstrings: what it can print."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_every_message_of_the_tool_writes_its_commands_so() -> None:
    for path in (REPO / "handoutpress").glob("*.py"):
        for node in messages(path):
            bare = re.search(r"(?<!\.venv/bin/)\bpython build_pdfs\.py|`py ", node.value)
            assert not bare, f"{path.name}:{node.lineno}: {node.value}"


@pytest.fixture
def typed(mini) -> Project:
    """The mini project as a volunteer's folder: build_pdfs.py and the `.venv` that make setup makes."""
    shutil.copy(REPO / "build_pdfs.py", mini.root / "build_pdfs.py")
    (mini.root / ".venv").symlink_to(REPO / ".venv")
    return mini


def type_in(project: Project, command: str) -> subprocess.CompletedProcess[str]:
    """Run `command` as a shell would from the project folder, with the system's PATH only."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    return subprocess.run(
        ["bash", "-c", command], cwd=project.root, env=env, capture_output=True, text=True, timeout=120
    )


def named_commands(text: str) -> list[str]:
    found = QUOTED.findall(text)
    assert found, text
    return found


def test_the_commands_the_messages_name_work_as_typed(typed, capsys) -> None:
    root = ["--root", str(typed.root)]
    # No template yet: init names extract.
    assert main([*root, "init", "es"]) == 1
    for command in named_commands(capsys.readouterr().err):
        assert type_in(typed, command).returncode == 0, command
    # No catalog: check names init.
    assert main([*root, "check", "--lang", "de"]) == 1
    (command,) = named_commands(capsys.readouterr().err)
    assert command == f"{RUN} init de"
    done = type_in(typed, command)
    assert (done.returncode, done.stdout.splitlines()[0]) == (
        0,
        "created locales/de/LC_MESSAGES/handouts.po",
    )
    # A new catalog: check names status --lang; the English changes: check names extract, update.
    assert main([*root, "check", "--lang", "de"]) == 0
    commands = named_commands(capsys.readouterr().err)
    sample = typed.handouts_dir / "sample.yaml"
    sample.write_text(sample.read_text().replace("First part", "First section"))
    assert main([*root, "check", "--lang", "de"]) == 0
    commands += named_commands(capsys.readouterr().err)
    assert {c.split(" ", 2)[2].split()[0] for c in commands} == {"status", "extract", "update"}
    for command in commands:
        done = type_in(typed, command)
        assert done.returncode == 0 and "Error" not in done.stderr, (command, done.stderr)
    assert main([*root, "update", "--check"]) == 0  # the commands did what they said


def test_language_folders_are_as_the_docs_say(typed, capsys) -> None:
    """The catalog under gettext's name (`locales/pt_BR/`), PDFs and previews under the web's BCP 47
    tag (`dist/pt-BR/`, `preview/pt-BR/`); `--lang` takes either spelling."""
    translating = (REPO / "TRANSLATING.md").read_text()
    for folder in ("locales/pt_BR/", "dist/pt-BR/", "preview/pt-BR/"):
        assert folder in translating
    assert type_in(typed, f"{RUN} extract").returncode == 0
    assert type_in(typed, f"{RUN} init pt-BR").returncode == 0
    assert (typed.locales_dir / "pt_BR/LC_MESSAGES/handouts.po").is_file()
    for spelling in ("pt_BR", "pt-BR"):
        done = type_in(typed, f"{RUN} preview sample --lang {spelling} --dpi 20")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == "wrote preview/pt-BR/sample-page-1.png"
        done = type_in(typed, f"{RUN} --lang {spelling} --handout sample --allow-incomplete --jobs 1")
        assert done.returncode == 0, done.stderr
        assert (typed.root / "dist/pt-BR/sample.pdf").is_file()
        done = type_in(typed, f"{RUN} check --lang {spelling}")
        assert done.returncode == 0 and "1 catalog:" in done.stdout, done.stdout


def test_help_shows_the_build_options(capsys) -> None:
    """README: `build_pdfs.py --help` shows every option, the build's included."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for option in ("--lang", "--handout", "--allow-incomplete", "--size", "--bilingual"):
        assert option in out
    for command in ("extract", "update", "check", "status", "preview", "init"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command
