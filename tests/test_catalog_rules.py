"""One set of catalog rules for `check`, `preview` and the build: what `check` calls an error, the
others refuse, naming file and line (the translation's line), every problem of a catalog at once.
Each case's oracle is the catalog text itself: the line a problem must name is looked up in it."""

from __future__ import annotations

import pytest

from handoutpress.build import Project
from handoutpress.cli import main
from handoutpress.lint import quoted

PO = "locales/es/LC_MESSAGES/handouts.po"


def line_of(text: str, line: str) -> int:
    return text.splitlines().index(line) + 1


def at(text: str, line: str) -> str:
    """`locales/es/LC_MESSAGES/handouts.po:N`, N the number of the catalog's line `line`."""
    return f"{PO}:{line_of(text, line)}"


def run(project: Project, *args: str) -> int:
    return main(["--root", str(project.root), *args])


@pytest.fixture
def three_mistakes(mini_es: Project) -> tuple[Project, list[str]]:
    """A Spanish catalog with three mistakes and one unfinished entry; the lines check must print."""
    po = mini_es.root / PO
    text = po.read_text()
    for old, new in [
        ('msgstr "Primera parte"', 'msgstr "Primera <b>parte</b>"'),
        (
            'msgstr "**Palabra en negrita** en un párrafo."',
            'msgstr "**Palabra en negrita en un párrafo."',
        ),
        ('msgstr "Página {page} de {pages}"', 'msgstr "Página {page}"'),
        ('msgid "Second item"', '#, fuzzy\nmsgid "Second item"'),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    po.write_text(text)
    errors = [
        at(text, 'msgstr "Primera <b>parte</b>"')
        + ": markup '<b>' that the English does not have in translation of 'First part'",
        at(text, 'msgstr "**Palabra en negrita en un párrafo."')
        + ": unbalanced ** bold mark in translation of '**Bold word** in a paragraph.'",
        at(text, 'msgstr "Página {page}"') + ": placeholders differ from the English "
        "(keep exactly: {page}, {pages}) in translation of 'Page {page} of {pages}'",
    ]
    return mini_es, sorted(errors, key=lambda e: int(e.split(":")[1]))


def test_check_reports_every_problem_at_once_at_the_translations_line(three_mistakes, capsys) -> None:
    project, errors = three_mistakes
    text = (project.root / PO).read_text()
    msgstr = line_of(text, 'msgid "Second item"') + 1
    fuzzy = f"{PO}:{msgstr}: warning: fuzzy: 'Second item'"
    capsys.readouterr()
    assert run(project, "check") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == sorted([*errors, fuzzy], key=lambda e: int(e.split(":")[1]))
    assert (
        captured.out == "checked content and 1 catalog: 3 errors, 1 warning (0 untranslated, 1 fuzzy)\n"
    )


def test_the_build_refuses_what_check_calls_an_error_with_the_same_lines(three_mistakes, capsys) -> None:
    project, errors = three_mistakes
    capsys.readouterr()
    out = project.root / "dist"
    assert run(project, "build", "--jobs", "1", "--out", str(out), "--allow-incomplete") == 1
    assert capsys.readouterr().err.splitlines() == errors
    assert not list(out.rglob("*.pdf"))  # refused before anything is drawn, English included


def test_preview_refuses_what_check_calls_an_error_with_the_same_lines(three_mistakes, capsys) -> None:
    project, errors = three_mistakes
    capsys.readouterr()
    out = project.root / "preview"
    assert run(project, "preview", "sample", "--lang", "es", "--out", str(out)) == 1
    assert capsys.readouterr().err.splitlines() == errors
    assert not out.exists()


def test_every_broken_line_of_a_catalog_is_named_at_once(mini_es, capsys) -> None:
    po = mini_es.root / PO
    text = po.read_text()
    text = text.replace('msgstr "Primera parte"', 'msgstr "Primera parte')
    text = text.replace('msgstr "Primer punto"', 'msgstr "Primer \\q punto"')
    po.write_text(text)
    lines = [
        at(text, 'msgstr "Primera parte')
        + ': catalog syntax error: the string is not closed: end it with " on the same line',
        at(text, 'msgstr "Primer \\q punto"')
        + ': catalog syntax error: unknown escape \\q: write \\\\ for a backslash, \\" for a quote',
    ]
    for command in (
        ["check"],
        ["build", "--jobs", "1"],
        ["preview", "sample", "--lang", "es"],
        ["status"],
    ):
        capsys.readouterr()
        assert run(mini_es, *command) == 1, command
        assert capsys.readouterr().err.splitlines() == lines, command


def test_a_new_check_joins_one_list_and_every_command_applies_it(mini_es, monkeypatch, capsys) -> None:
    """Issue 20 adds glossary and health-text checks as Babel checkers: a function appended to
    ENTRY_CHECKERS is applied by check, the build and preview alike."""
    from babel.messages.catalog import TranslationError

    from handoutpress import lint

    def no_word_punto(catalog, message) -> None:
        if any("punto" in text for text in lint.translations(message)):
            raise TranslationError("the word 'punto'")

    monkeypatch.setattr(lint, "ENTRY_CHECKERS", (*lint.ENTRY_CHECKERS, no_word_punto))
    text = (mini_es.root / PO).read_text()
    lines = [
        at(text, 'msgstr "Primer punto"') + ": the word 'punto' in translation of 'First item'",
        at(text, 'msgstr "Segundo punto"') + ": the word 'punto' in translation of 'Second item'",
    ]
    out = ["--out", str(mini_es.root / "out")]  # never the working folder (a read-only checkout)
    for command in (
        ["check"],
        ["build", "--jobs", "1", *out],
        ["preview", "sample", "--lang", "es", *out],
    ):
        capsys.readouterr()
        assert run(mini_es, *command) == 1, command
        assert capsys.readouterr().err.splitlines() == lines, command


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("First part", "'First part'"),
        (
            "The muscles around both eyes tighten, so your eyelids close on their own.",
            "'The muscles around both eyes tighten, so your eyelids close…'",
        ),
        ("x" * 70, "'" + "x" * 60 + "…'"),  # no space to cut at: cut, but say so
    ],
)
def test_english_in_messages_is_cut_at_a_word_with_an_ellipsis(text, shown) -> None:
    assert quoted(text) == shown
