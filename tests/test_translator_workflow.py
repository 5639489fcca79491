"""The translator's workflow of TRANSLATING.md: update gives small, stable diffs; check catches a
catalog that is out of date; the catalogs are standard enough for GNU msgfmt."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys

import pytest

from handoutpress.build import Project
from handoutpress.catalogs import catalog_languages, catalog_path
from handoutpress.cli import main

from .conftest import REPO, msgfmt

PO = "locales/es/LC_MESSAGES/handouts.po"


def change_the_english(project: Project) -> None:
    """Reword a heading, drop a bullet, add a new one: what an editor of the English does."""
    path = project.handouts_dir / "sample.yaml"
    text = path.read_text()
    text = text.replace("heading: First part", "heading: First section")
    text = text.replace("          - text: Second item\n            note: Item note.\n", "")
    text = text.replace(
        "          - First item\n", "          - First item\n          - Call your team today.\n"
    )
    path.write_text(text)


def line_of(text: str, line: str) -> int:
    """The number of the line of a catalog that is `line`: where check points, whatever the header."""
    return text.splitlines().index(line) + 1


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_init_needs_the_template_names_the_catalog_and_warns_of_a_script_without_font(
    mini, capsys
) -> None:
    root = ["--root", str(mini.root)]
    assert main([*root, "init", "de"]) == 1
    assert capsys.readouterr().err == (
        "locales/handouts.pot:1: missing: run `python build_pdfs.py extract` first\n"
    )
    assert main([*root, "extract"]) == 0
    capsys.readouterr()
    assert main([*root, "init", "de"]) == 0
    assert capsys.readouterr().out == "created locales/de/LC_MESSAGES/handouts.po\n"
    assert main([*root, "init", "th"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "created locales/th/LC_MESSAGES/handouts.po",
        "note    no font is configured for the Thai script yet: the maintainers must add one "
        "before this language can be built (check names it too)",
    ]
    # check --lang looks at one translator's catalog; without it, every catalog.
    no_font = (
        "locales/th/LC_MESSAGES/handouts.po:1: no font is configured for the Thai script yet: ask "
        "the maintainers to add one (SCRIPT_FONTS in handoutpress/fonts.py)"
    )
    assert main([*root, "check", "--lang", "de"]) == 0
    assert no_font not in capsys.readouterr().err
    assert main([*root, "check"]) == 1
    assert no_font in capsys.readouterr().err.splitlines()


def test_update_marks_changes_keeps_removed_strings_and_changes_nothing_else(mini_es, capsys) -> None:
    root = ["--root", str(mini_es.root)]
    po = mini_es.root / PO
    before = po.read_text()
    change_the_english(mini_es)
    assert main([*root, "extract"]) == 0
    capsys.readouterr()

    # CI: the committed catalog no longer matches the template, and check says which and what to do.
    assert main([*root, "check"]) == 1
    (err,) = capsys.readouterr().err.splitlines()
    line, message = err.removeprefix(f"{PO}:").split(": ", 1)
    assert message == (
        "not as `update` writes it (new English, an editor's own line wrapping, or #| lines of an "
        "entry no longer fuzzy): run `python build_pdfs.py update`"
    )

    assert main([*root, "update"]) == 0
    assert capsys.readouterr().out == f"updated {PO}\n"
    after = po.read_text()
    # check named the first line that update then changed: the template's new date when the clock
    # moved on, else the reworded entry
    pairs = enumerate(zip(before.splitlines(), after.splitlines(), strict=False), start=1)
    assert int(line) == next(number for number, (old, new) in pairs if old != new)
    diff = changed_lines(before, after)
    creation = [line for line in diff if "POT-Creation-Date" in line]
    assert len(creation) in (0, 2)  # the template's new date, when the clock moved on
    assert [line for line in diff if line not in creation] == [
        '-msgid "First part"',  # reworded: fuzzy, the old English beside it, the translation kept
        "+#, fuzzy",
        '+#| msgid "First part"',
        '+msgid "First section"',
        "-#. Item note.",  # removed: moves to the end as #~, in case it comes back
        '-msgid "Second item"',
        '-msgstr "Segundo punto"',
        '+msgid "Call your team today."',  # new: untranslated
        '+msgstr ""',
        '+#~ msgid "Second item"',
        '+#~ msgstr "Segundo punto"',
        "+",
    ]
    assert after.rstrip().endswith('#~ msgstr "Segundo punto"')  # removed strings wait at the end

    # Stable: a second update writes the same bytes, and check now only reports the open work.
    assert main([*root, "update"]) == 0
    assert capsys.readouterr().out == "catalogs are up to date\n"
    assert po.read_text() == after
    assert main([*root, "check"]) == 0
    fuzzy = line_of(after, 'msgid "First section"')
    untranslated = line_of(after, 'msgid "Call your team today."')
    assert capsys.readouterr().err.splitlines() == [
        f"{PO}:{fuzzy}: warning: fuzzy: 'First section'",
        f"{PO}:{untranslated}: warning: untranslated: 'Call your team today.'",
    ]

    # The translator checks the entry and removes only the flag: the old English goes at the next
    # update (Babel alone would keep it for ever as a `# | msgid` comment, babel#206).
    po.write_text(after.replace("#, fuzzy\n", "", 1))
    assert main([*root, "update"]) == 0
    assert "#| msgid" not in po.read_text() and "# | msgid" not in po.read_text()
    assert 'msgid "First section"\nmsgstr "Primera parte"' in po.read_text()


def test_a_catalog_updated_by_gnu_msgmerge_is_read_and_update_tidies_it(mini_es, capsys) -> None:
    """msgmerge (Poedit's "update from POT") keeps the previous msgid of an obsolete fuzzy entry
    as `#~|`, which Babel cannot read: such a catalog is valid, and update drops those lines."""
    po = mini_es.root / PO
    canonical = po.read_text()
    po.write_text(
        canonical + '\n#, fuzzy\n#~| msgid "Old part"\n#~ msgid "Gone part"\n#~ msgstr "Parte"\n'
    )
    assert main(["--root", str(mini_es.root), "status"]) == 0
    assert main(["--root", str(mini_es.root), "update"]) == 0
    assert "#~|" not in po.read_text()
    assert po.read_text().endswith('\n#~ msgid "Gone part"\n#~ msgstr "Parte"\n\n')  # obsolete: kept


def test_update_writes_what_pybabel_update_writes(mini_es, tmp_path) -> None:
    """`update` is Babel's merge in-process: a translator may run `pybabel update --previous` too."""
    change_the_english(mini_es)
    assert main(["--root", str(mini_es.root), "extract"]) == 0
    twin = tmp_path / "twin"
    shutil.copytree(mini_es.root, twin)
    assert main(["--root", str(mini_es.root), "update"]) == 0
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "update", "--previous",
         "-i", "locales/handouts.pot", "-d", "locales", "-D", "handouts"],
        cwd=twin, check=True, capture_output=True,
    )  # fmt: skip
    assert (mini_es.root / PO).read_bytes() == (twin / PO).read_bytes()


def test_a_catalog_saved_with_other_line_wrapping_is_flagged_and_update_restores_it(
    mini_es, capsys
) -> None:
    """Editors wrap at other widths (Poedit: 79, or not at all); committed, that would turn the next
    update into a diff of every long string."""
    po = mini_es.root / PO
    canonical = po.read_text()
    joined = canonical.replace(
        'msgstr ""\n"Esta hoja informativa no reemplaza los consejos de su propio equipo de "\n"salud."',
        'msgstr "Esta hoja informativa no reemplaza los consejos de su propio equipo de salud."',
    )
    assert joined != canonical
    po.write_text(joined)
    line = joined.splitlines().index(
        'msgstr "Esta hoja informativa no reemplaza los consejos de su propio equipo de salud."'
    )
    assert main(["--root", str(mini_es.root), "check"]) == 1
    assert capsys.readouterr().err.startswith(f"{PO}:{line + 1}: not as `update` writes it")
    assert main(["--root", str(mini_es.root), "update"]) == 0
    assert po.read_text() == canonical


def test_check_reports_content_and_catalog_problems_in_one_pass(mini_es, capsys) -> None:
    (mini_es.handouts_dir / "empty.yaml").write_text("")
    po = mini_es.root / PO
    marked = po.read_text().replace('msgstr "Primer punto"', 'msgstr "<b>Primer</b> punto"')
    po.write_text(marked)
    first_item = line_of(marked, 'msgid "First item"')
    assert main(["--root", str(mini_es.root), "check"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "handouts/empty.yaml:1: file is empty",
        f"{PO}:{first_item}: markup '<b>' that the English does not have in translation of 'First item'",
    ]
    assert captured.out == "checked content and 1 catalogs: 2 errors\n"


@pytest.mark.parametrize("code", catalog_languages(REPO / "locales"))
def test_shipped_catalogs_pass_gnu_msgfmt(code: str) -> None:
    po = catalog_path(REPO / "locales", code)
    args = [msgfmt(), "--check-format", "--check-header", "-o", "/dev/null", str(po)]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr, result.stderr  # warnings count too


def test_the_set_up_installs_msgfmt() -> None:
    makefile = (REPO / "Makefile").read_text()
    packages = next(line for line in makefile.splitlines() if line.startswith("SYSTEM_PACKAGES"))
    assert "gettext" in packages.split(":=")[1].split()


def test_the_check_command_passes_on_the_shipped_project(capsys) -> None:
    assert main(["--root", str(REPO), "check", "--strict"]) == 0
    assert capsys.readouterr().err == ""


def test_the_status_table_lines_up_in_a_terminal(capsys) -> None:
    """A terminal gives a Chinese character two cells (Unicode UAX #11) and a combining mark none."""
    from handoutpress.cli import columns

    assert columns("中文 (简体)") == 11
    assert columns("Tiếng Việt") == columns("Tie\u0302\u0301ng Vie\u0323\u0302t") == 10
    assert main(["--root", str(REPO), "status"]) == 0
    languages = capsys.readouterr().out.split("\n\n")[0]  # then the handouts' review records
    header, *rows = languages.splitlines()
    start = columns(header[: header.index("translated")])
    assert rows
    for row in rows:
        count = re.search(r"\s\d", row)  # the translated count: the row's first number
        assert count and columns(row[: count.start() + 1]) == start, row


def test_a_catalog_without_its_translator_is_flagged(mini_es, capsys) -> None:
    """`init` leaves Last-Translator as a placeholder; a reviewer needs to know whom to ask."""
    po = mini_es.root / PO
    unsigned = re.sub(
        r'"Last-Translator: [^"]*"', '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\\\n"', po.read_text()
    )
    po.write_text(unsigned)
    line = next(n for n, t in enumerate(unsigned.splitlines(), 1) if t.startswith('"Last-Translator'))
    expected = (
        f"{PO}:{line}: warning: Last-Translator is still the placeholder: put the name of whoever "
        "translated last (a person or a team), so reviewers know whom to ask"
    )
    assert main(["--root", str(mini_es.root), "check"]) == 0
    assert capsys.readouterr().err.splitlines() == [expected]
    assert main(["--root", str(mini_es.root), "check", "--strict"]) == 1
    assert capsys.readouterr().err.splitlines() == [expected.replace("warning: ", "")]
