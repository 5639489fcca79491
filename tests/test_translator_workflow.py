"""The translator's workflow of TRANSLATING.md: any change of the English, then `extract` and `update`,
leaves every catalog valid for GNU msgfmt, for Babel and for `check`, with the change fuzzy and the
old English as `#|` lines; `update` gives small, stable diffs; line wrapping is never an error.

The oracles: GNU gettext (`msgfmt -c`, and `msgmerge --previous`: the merge Poedit, Weblate and
Lokalize build on, and what `update` must write), Babel's reader, and the English of the YAML files.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, unescape

from handoutpress.build import Project
from handoutpress.catalogs import catalog_languages, catalog_path
from handoutpress.cli import main
from handoutpress.content import BulletList, Paragraph, load_collection
from handoutpress.reviews import load_review

from .conftest import REPO, msgfmt

PO = "locales/es/LC_MESSAGES/handouts.po"
#: GNU msgmerge, and every writer it taught (Poedit), wraps lines at 79 columns.
WIDTH = 79


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


def line_of(text: str, line: str, after: int = 0) -> int:
    """The number of the first line of a catalog that is `line` (after line `after`)."""
    return text.splitlines().index(line, after) + 1


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def babel(po: Path) -> Catalog:
    """The catalog as Babel reads it, refusing anything it finds invalid."""
    return read_po(io.BytesIO(po.read_bytes()), abort_invalid=True)


def previous_msgid(message: Message) -> str:
    """The old English of a fuzzy entry, from its `#|` lines (Babel keeps them as comments)."""
    lines = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
    strings = [line.removeprefix("msgid").strip() for line in lines]
    return "".join(unescape(s) for s in strings)


def assert_gnu_valid(po: Path) -> None:
    """`msgfmt -c` accepts the catalog without a word (its warnings count too)."""
    args = [msgfmt(), "--check-format", "--check-header", "-o", "/dev/null", str(po)]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr, result.stderr


def copy_of_the_project(tmp_path: Path) -> Project:
    """The real project, catalogs included, in a folder of its own."""
    root = tmp_path / "project"
    for folder in ("handouts", "templates", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return Project(root)


def test_init_names_the_template_the_catalog_its_folders_and_a_script_without_font(mini, capsys) -> None:
    root = ["--root", str(mini.root)]
    assert main([*root, "init", "de"]) == 1
    assert capsys.readouterr().err == (
        "locales/handouts.pot:1: missing: run `.venv/bin/python build_pdfs.py extract` first\n"
    )
    assert main([*root, "extract"]) == 0
    capsys.readouterr()
    assert main([*root, "init", "de"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "created locales/de/LC_MESSAGES/handouts.po",
        "created locales/de/translation.yaml",
    ]
    review = load_review(mini.locales_dir, "de")  # the reader of review records takes it
    assert (review.status, review.reviewer, review.translated) == ("draft", "", None)
    assert "German translation" in (mini.locales_dir / "de/translation.yaml").read_text()
    # A region: the catalog under gettext's name, the outputs under the web's (BCP 47) tag.
    assert main([*root, "init", "pt-BR"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "created locales/pt_BR/LC_MESSAGES/handouts.po",
        "created locales/pt_BR/translation.yaml",
        "note    the catalog's folder is pt_BR (gettext's name); PDFs and previews go to "
        "dist/pt-BR/ and preview/pt-BR/ (the web's name); --lang takes either",
    ]
    assert main([*root, "init", "th"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "note    no font is configured for the Thai script yet: the maintainers must add one "
        "before this language can be built (check names it too)"
    )
    # check --lang looks at one translator's catalog; without it, every catalog.
    no_font = (
        "locales/th/LC_MESSAGES/handouts.po:1: no font is configured for the Thai script yet: ask "
        "the maintainers to add one (SCRIPT_FONTS in handoutpress/fonts.py)"
    )
    assert main([*root, "check", "--lang", "de"]) == 0
    assert no_font not in capsys.readouterr().err
    assert main([*root, "check"]) == 1
    assert no_font in capsys.readouterr().err.splitlines()


def test_a_new_catalog_is_valid_and_its_first_update_changes_nothing(mini, capsys) -> None:
    root = ["--root", str(mini.root)]
    assert main([*root, "extract"]) == 0
    assert main([*root, "init", "pt_BR"]) == 0
    po = mini.root / "locales/pt_BR/LC_MESSAGES/handouts.po"
    created = po.read_bytes()
    subprocess.run([msgfmt(), "-c", "-o", "/dev/null", str(po)], check=True, capture_output=True)
    assert main([*root, "update"]) == 0
    assert po.read_bytes() == created
    # A new catalog: two warnings (all strings untranslated, summed up; no translator named), not 16.
    capsys.readouterr()
    assert main([*root, "check", "--lang", "pt_BR"]) == 0
    err = capsys.readouterr()
    total = len([m for m in babel(po) if m.id])
    first = line_of(po.read_text(), 'msgstr ""', line_of(po.read_text(), "#: handouts/sample.yaml:2"))
    signature = line_of(po.read_text(), '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"')
    assert err.err.splitlines() == [
        f"locales/pt_BR/LC_MESSAGES/handouts.po:{signature}: warning: Last-Translator is still the "
        "placeholder: put the name of whoever translated last (a person or a team), so reviewers "
        "know whom to ask",
        f"locales/pt_BR/LC_MESSAGES/handouts.po:{first}: warning: {total} strings untranslated, "
        "the first here (`.venv/bin/python build_pdfs.py status --lang pt_BR` shows which handouts "
        "are complete; check --strict lists each)",
    ]
    assert (
        err.out
        == f"checked content and 1 catalog: 0 errors, 2 warnings ({total} untranslated, 0 fuzzy)\n"
    )


def test_update_marks_changes_keeps_removed_strings_and_changes_nothing_else(mini_es, capsys) -> None:
    root = ["--root", str(mini_es.root)]
    po = mini_es.root / PO
    before = po.read_text()
    change_the_english(mini_es)
    assert main([*root, "extract"]) == 0
    capsys.readouterr()

    # The committed catalog is behind the template: check says where and what to do.
    assert main([*root, "check"]) == 0  # unfinished work, not a mistake
    reworded = line_of(before, 'msgid "First part"')
    assert capsys.readouterr().err.splitlines() == [
        f"{PO}:{reworded}: warning: behind the template (the English changed here): run "
        "`.venv/bin/python build_pdfs.py update`"
    ]
    assert main([*root, "update", "--check"]) == 1
    assert main([*root, "check", "--strict"]) == 1
    capsys.readouterr()

    assert main([*root, "update"]) == 0
    assert capsys.readouterr().out == f"updated {PO}\n"
    after = po.read_text()
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
        "+",
        '+#~ msgid "Second item"',
        '+#~ msgstr "Segundo punto"',
    ]
    assert_gnu_valid(po)

    # Stable: a second update writes the same bytes, and check now only reports the open work.
    assert main([*root, "update"]) == 0
    assert capsys.readouterr().out == "catalogs are up to date\n"
    assert po.read_text() == after
    assert main([*root, "check"]) == 0
    fuzzy = line_of(after, 'msgid "First section"') + 1  # each points at the translation's line
    untranslated = line_of(after, 'msgid "Call your team today."') + 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{PO}:{fuzzy}: warning: fuzzy: 'First section'",
        f"{PO}:{untranslated}: warning: untranslated: 'Call your team today.'",
    ]
    assert (
        captured.out == "checked content and 1 catalog: 0 errors, 2 warnings (1 untranslated, 1 fuzzy)\n"
    )

    # The translator checks the entry and removes only the flag: the old English goes at the next
    # update, as msgmerge does it.
    po.write_text(after.replace("#, fuzzy\n", "", 1))
    assert main([*root, "update"]) == 0
    assert "#| msgid" not in po.read_text()
    assert 'msgid "First section"\nmsgstr "Primera parte"' in po.read_text()


def test_update_writes_what_gnu_msgmerge_previous_writes(mini_es, tmp_path) -> None:
    """The oracle of `update` is GNU `msgmerge --previous` with its defaults: what Poedit's "Update
    from POT" and Weblate run, so a translator's own merge gives the same file. (It used to be
    `pybabel update --previous`, whose `#|` lines are broken for a wrapped msgid: babel#206.)"""
    change_the_english(mini_es)
    assert main(["--root", str(mini_es.root), "extract"]) == 0
    twin = tmp_path / "twin"
    shutil.copytree(mini_es.root, twin)
    assert main(["--root", str(mini_es.root), "update"]) == 0
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "--update", "--backup=off", PO, "locales/handouts.pot"],
        cwd=twin, check=True, capture_output=True,
    )  # fmt: skip
    assert (mini_es.root / PO).read_bytes() == (twin / PO).read_bytes()


def test_a_catalog_updated_by_gnu_msgmerge_with_obsolete_previous_lines_is_read(mini_es, capsys) -> None:
    """msgmerge keeps the previous msgid of an obsolete fuzzy entry as `#~|`, which Babel cannot read:
    such a catalog is valid, every command reads it, and update keeps it as msgmerge writes it."""
    po = mini_es.root / PO
    po.write_text(
        po.read_text() + '\n#, fuzzy\n#~| msgid "Old part"\n#~ msgid "Gone part"\n#~ msgstr "Parte"\n'
    )
    root = ["--root", str(mini_es.root)]
    assert main([*root, "update"]) == 0
    assert main([*root, "status"]) == 0
    assert main([*root, "check", "--strict"]) == 0
    assert '#, fuzzy\n#~| msgid "Old part"\n#~ msgid "Gone part"\n#~ msgstr "Parte"\n' in po.read_text()
    assert_gnu_valid(po)


def wrapped_paragraph(project: Project) -> str:
    """The first paragraph of the overview too long for one line of a catalog: any writer wraps it."""
    overview = load_collection(project.handouts_dir, project.root).handout("overview")
    texts = [b.text.msgid for s in overview.sections for b in s.blocks if isinstance(b, Paragraph)]
    return next(t for t in texts if len(t) > WIDTH)


def reword(project: Project, old: str, new: str) -> None:
    """Change an English string where its handout or shared section has it."""
    for path in [*project.handouts_dir.glob("*.yaml"), *project.handouts_dir.glob("sections/*.yaml")]:
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new))
            return
    raise AssertionError(f"{old!r} is in no handout")


def changed_wrapped(project: Project) -> tuple[str, str]:
    old = wrapped_paragraph(project)
    new = old.removesuffix(".") + ", often for years."
    reword(project, old, new)
    return old, new


def changed_placeholder(project: Project) -> tuple[str, str]:
    old = wrapped_paragraph(project)
    new = old.removesuffix(".") + " (call {clinic_phone})."
    reword(project, old, new)
    return old, new


def plain_bullet(project: Project) -> str:
    """A bullet of the overview's own (not of a shared section) written as plain YAML, as an editor
    adds or deletes one: the line `          - <its English>` of handouts/overview.yaml."""
    overview = load_collection(project.handouts_dir, project.root).handout("overview")
    source = (project.handouts_dir / "overview.yaml").read_text()
    items = [
        i.msgid
        for s in overview.sections
        for b in s.blocks
        if isinstance(b, BulletList)
        for i in b.items
    ]
    return next(i for i in items if f"          - {i}\n" in source)


def new_string(project: Project) -> tuple[str, str]:
    bullet = plain_bullet(project)
    reword(
        project,
        f"          - {bullet}\n",
        f"          - {bullet}\n          - It can hurt, or not at all.\n",
    )
    return "", "It can hurt, or not at all."


def removed_string(project: Project) -> tuple[str, str]:
    bullet = plain_bullet(project)
    reword(project, f"          - {bullet}\n", "")
    return bullet, ""


ENGLISH_CHANGES: dict[str, Callable[[Project], tuple[str, str]]] = {
    "a wrapped string reworded": changed_wrapped,
    "a placeholder added to a wrapped string": changed_placeholder,
    "a new string": new_string,
    "a removed string": removed_string,
}


@pytest.mark.parametrize("change", ENGLISH_CHANGES)
def test_any_english_change_leaves_every_real_catalog_valid(change, tmp_path, capsys) -> None:
    """The walkthrough's blocker: a reworded wrapped string made `update` write `#|` lines that
    neither msgfmt nor any command of the project could read, in every catalog."""
    project = copy_of_the_project(tmp_path)
    root = ["--root", str(project.root)]
    shipped = {
        code: babel(catalog_path(project.locales_dir, code))
        for code in catalog_languages(REPO / "locales")
    }
    old, new = ENGLISH_CHANGES[change](project)
    assert main([*root, "extract"]) == 0
    assert main([*root, "update"]) == 0
    for code, before in shipped.items():
        po = catalog_path(project.locales_dir, code)
        assert_gnu_valid(po)
        after = babel(po)
        if old and new:  # changed: fuzzy, the translation kept, the old English as #| lines
            entry = after[new]
            assert entry.fuzzy and entry.string == before[old].string
            assert previous_msgid(entry) == old
            assert old not in after
        elif new:
            assert after[new].string == "" and not after[new].fuzzy
        else:
            assert old not in after and after.obsolete[old].string == before[old].string
        assert all(not m.fuzzy for m in after if m.id and m.id != new)
    capsys.readouterr()
    assert main([*root, "check"]) == 0  # no error: unfinished work is a warning
    err = capsys.readouterr().err.splitlines()
    expected = {"warning: fuzzy:"} if old and new else {"warning: untranslated:"} if new else set()
    assert {re.sub(r".*?:\d+: (warning: \w+:).*", r"\1", line) for line in err} == expected
    assert main([*root, "status"]) == 0
    assert main([*root, "update", "--check"]) == 0
    assert main([*root, "update"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "catalogs are up to date"


def test_every_shipped_catalog_goes_through_update_twice_unchanged(tmp_path, capsys) -> None:
    project = copy_of_the_project(tmp_path)
    for _ in range(2):
        assert main(["--root", str(project.root), "update"]) == 0
        assert capsys.readouterr().out == "catalogs are up to date\n"
    for code in catalog_languages(REPO / "locales"):
        relative = catalog_path(Path("locales"), code)
        assert (project.root / relative).read_bytes() == (REPO / relative).read_bytes()


def test_a_catalog_saved_with_other_line_wrapping_is_only_noted_and_update_rewraps_it(
    mini_es, capsys
) -> None:
    """Editors wrap at other widths (Babel 76, Poedit 79, a text editor not at all): never an error,
    one note per file, and `update` stores it as the project does without changing a word."""
    po = mini_es.root / PO
    canonical = po.read_text()
    joined = re.sub(r'""\n((?:".*"\n)+)', lambda m: '"' + re.sub(r'"\n"', "", m.group(1))[1:], canonical)
    assert joined != canonical and babel_strings(joined) == babel_strings(canonical)
    po.write_text(joined)
    first = next(
        n
        for n, (a, b) in enumerate(zip(joined.split("\n"), canonical.split("\n"), strict=True), 1)
        if a != b
    )
    for strict in ([], ["--strict"]):
        assert main(["--root", str(mini_es.root), "check", *strict]) == 0
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [
            f"{PO}:{first}: note: lines wrapped otherwise than `update` writes them (first here); "
            "that is no mistake, and `.venv/bin/python build_pdfs.py update` rewraps them without "
            "changing a word"
        ]
        assert captured.out == "checked content and 1 catalog: 0 errors, 0 warnings, 1 note\n"
    assert main(["--root", str(mini_es.root), "update", "--check"]) == 0
    assert main(["--root", str(mini_es.root), "update"]) == 0
    assert po.read_text() == canonical


def babel_strings(text: str) -> list[tuple[object, object]]:
    return [(m.id, m.string) for m in read_po(io.StringIO(text))]


def test_update_check_notices_a_stale_template(mini_es, capsys) -> None:
    """The English changed and nobody ran extract: `update --check` fails, as check warns."""
    change_the_english(mini_es)
    root = ["--root", str(mini_es.root)]
    assert main([*root, "update", "--check"]) == 1
    stale = (
        "locales/handouts.pot:1: out of date with handouts/ and templates/: run "
        "`.venv/bin/python build_pdfs.py extract`, then `.venv/bin/python build_pdfs.py update`"
    )
    assert capsys.readouterr().err.splitlines() == [stale]
    assert main([*root, "check"]) == 0
    assert capsys.readouterr().err.splitlines() == [stale.replace(":1: ", ":1: warning: ")]
    assert main([*root, "check", "--strict"]) == 1


def test_update_leaves_a_broken_catalog_as_it_was_and_updates_the_others(mini_es, capsys) -> None:
    root = ["--root", str(mini_es.root)]
    assert main([*root, "init", "fr"]) == 0
    fr = mini_es.root / "locales/fr/LC_MESSAGES/handouts.po"
    po = mini_es.root / PO
    broken = po.read_text().replace('msgstr "Primera parte"', 'msgstr "Primera parte')
    po.write_text(broken)
    change_the_english(mini_es)
    assert main([*root, "extract"]) == 0
    capsys.readouterr()
    assert main([*root, "update"]) == 1
    captured = capsys.readouterr()
    line = line_of(broken, 'msgstr "Primera parte')
    assert captured.err.splitlines() == [  # relative to the project, as every message
        f'{PO}:{line}: catalog syntax error: the string is not closed: end it with " on the same line'
    ]
    assert captured.out == "updated locales/fr/LC_MESSAGES/handouts.po\n"
    assert po.read_text() == broken
    assert "First section" in fr.read_text()


def test_check_reports_content_and_catalog_problems_in_one_pass(mini_es, capsys) -> None:
    (mini_es.handouts_dir / "empty.yaml").write_text("")
    po = mini_es.root / PO
    marked = po.read_text().replace('msgstr "Primer punto"', 'msgstr "<b>Primer</b> punto"')
    po.write_text(marked)
    first_item = line_of(marked, 'msgstr "<b>Primer</b> punto"')
    assert main(["--root", str(mini_es.root), "check"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "handouts/empty.yaml:1: file is empty",
        f"{PO}:{first_item}: markup '<b>' that the English does not have in translation of 'First item'",
    ]
    assert captured.out == "checked content and 1 catalog: 2 errors, 0 warnings\n"


@pytest.mark.parametrize("code", catalog_languages(REPO / "locales"))
def test_shipped_catalogs_pass_gnu_msgfmt(code: str) -> None:
    assert_gnu_valid(catalog_path(REPO / "locales", code))


def test_the_set_up_installs_gettext() -> None:
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


def test_a_language_without_its_review_record_is_flagged(mini_es, capsys) -> None:
    (mini_es.locales_dir / "es/translation.yaml").unlink()
    assert main(["--root", str(mini_es.root), "check"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "locales/es/translation.yaml:1: warning: missing: the language's review record (status, "
        "reviewer, glossary); copy one from another language, or see TRANSLATING.md step 1"
    ]


def test_without_gnu_gettext_update_and_init_say_what_to_install(mini_es, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    missing = (
        "error: GNU msgmerge is missing: install the Debian package gettext "
        "(`make setup` does, when run as root)"
    )
    before = (mini_es.root / PO).read_bytes()
    for command in (["update"], ["init", "fr"]):
        capsys.readouterr()
        assert main(["--root", str(mini_es.root), *command]) == 1
        assert capsys.readouterr().err.splitlines() == [missing]
    assert (mini_es.root / PO).read_bytes() == before
    assert not (mini_es.locales_dir / "fr").exists()
