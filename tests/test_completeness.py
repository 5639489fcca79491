"""Completeness per handout: a handout whose strings (its own, its shared sections', the templates')
are all translated and none fuzzy is built, though its language is not complete; the others wait,
and the build's summary and `status` say which and why. The oracle for what a handout prints is the
content (its YAML) and the template catalog's `#: templates/...` places."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from handoutpress.build import Project
from handoutpress.cli import main
from handoutpress.content import load_collection

from .conftest import MINI_SPANISH, add_language, build

SECOND = """\
kind: coping
title: Second handout
summary: Another summary.
written: 2026-11-25
review:
  status: draft
sources: [one]
sections:
  - heading: Only here
    body:
      - A paragraph of the second handout.
  - include: shared
"""
#: The strings only the second handout has.
SECOND_OWN = ["Second handout", "Another summary.", "Only here", "A paragraph of the second handout."]
PO = "locales/es/LC_MESSAGES/handouts.po"


@pytest.fixture
def two(mini) -> Project:
    """The mini project with a second handout, sharing a section with the first; Spanish translates
    the first handout, the shared section and every template string, not the second's own."""
    (mini.handouts_dir / "second.yaml").write_text(SECOND)
    add_language(mini, "es", {**MINI_SPANISH, **{msgid: "?" for msgid in SECOND_OWN}})
    for msgid in SECOND_OWN:
        set_translation(mini, msgid, "")
    return mini


def set_translation(project: Project, msgid: str, text: str, fuzzy: bool = False) -> None:
    po = project.root / PO
    catalog = po.read_text()
    entry = re.search(rf'(#, fuzzy\n)?msgid "{re.escape(msgid)}"\nmsgstr ".*"\n', catalog)
    assert entry, msgid
    new = ("#, fuzzy\n" if fuzzy else "") + f'msgid "{msgid}"\nmsgstr "{text}"\n'
    po.write_text(catalog.replace(entry.group(0), new))


def pdfs(project: Project) -> set[str]:
    return {p.name for p in (project.root / "dist/es").glob("*.pdf")}


def test_a_complete_handout_is_built_while_its_language_is_not(two, capsys) -> None:
    catalog = read_po((two.root / PO).open("rb"))
    untranslated = {m.id for m in catalog if m.id and not m.string}
    assert untranslated == set(SECOND_OWN)  # the set-up: only the second handout's own strings
    capsys.readouterr()
    assert build(two, "--lang", "es") == 0
    assert pdfs(two) == {"sample.pdf"}
    out = capsys.readouterr().out.splitlines()
    assert "waiting es/second: 4 strings untranslated or fuzzy" in out
    assert (
        "waiting es/booklet: 4 strings untranslated or fuzzy (a booklet waits for every handout)" in out
    )
    assert (
        f"note    es: 1 of 2 handouts complete and built: sample; finish {PO} for the rest "
        "(or pass --allow-incomplete)"
    ) in out
    assert out[-1].startswith("1 built, 0 unchanged, 0 failed, 2 waiting for translation, in ")

    # The translator finishes the second handout: it and the booklet are built.
    for msgid in SECOND_OWN:
        set_translation(two, msgid, f"es: {msgid}")
    capsys.readouterr()
    assert build(two, "--lang", "es") == 0
    assert pdfs(two) == {"sample.pdf", "second.pdf", "booklet.pdf"}
    assert "\nwaiting " not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("msgid", "fuzzy", "waiting"),
    [
        ("A shared paragraph.", False, {"sample", "second"}),  # a shared section: both print it
        ("Page {page} of {pages}", True, {"sample", "second"}),  # a template string: every PDF
        ("First item", True, {"sample"}),  # the first handout's own, fuzzy: not printed
        ("Contents", False, set()),  # only the booklet prints it
    ],
)
def test_a_handout_waits_for_every_string_it_prints(two, msgid, fuzzy, waiting, capsys) -> None:
    for own in SECOND_OWN:
        set_translation(two, own, f"es: {own}")
    set_translation(
        two,
        msgid,
        "" if not fuzzy else "Traducción dudosa {page} {pages}" if "{" in msgid else "Dudoso",
        fuzzy,
    )
    capsys.readouterr()
    assert build(two, "--lang", "es") == 0
    assert pdfs(two) == {f"{h}.pdf" for h in {"sample", "second"} - waiting}
    out = capsys.readouterr().out
    for handout in waiting:
        assert f"waiting es/{handout}: 1 string untranslated or fuzzy\n" in out
    assert "waiting es/booklet: 1 string untranslated or fuzzy" in out
    # A draft is still looked at whole: --allow-incomplete builds it all, missing words in English.
    assert build(two, "--lang", "es", "--allow-incomplete") == 0
    assert pdfs(two) == {"sample.pdf", "second.pdf", "booklet.pdf"}


def test_status_shows_which_handouts_of_each_language_are_complete(two, capsys) -> None:
    capsys.readouterr()
    assert main(["--root", str(two.root), "status"]) == 0
    header, es, note = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert header.split() == [
        "language", "name", "translated", "fuzzy", "untranslated", "obsolete", "percent", "handouts",
        "review",
    ]  # fmt: skip
    assert es.split()[0] == "es" and es.split()[-2:] == ["1/2", "draft"]
    assert note == (
        "es: complete: sample; the others wait "
        "(`.venv/bin/python build_pdfs.py status --lang es` shows each)"
    )
    for spelling in ("es",):
        assert main(["--root", str(two.root), "status", "--lang", spelling]) == 0
        lines = capsys.readouterr().out.splitlines()
        table = lines[lines.index("") + 1 :]
        assert table[0].split() == ["handout", "strings", "missing", "complete"]
        rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
        assert set(rows) == {"sample", "second", "booklet"}
        assert rows["sample"][1:] == ["0", "yes"] and rows["second"][1:] == ["4", "no"]
        assert rows["booklet"][1:] == ["4", "no"]
        # Each prints its own strings and the same template strings.
        collection = load_collection(two.handouts_dir, two.root)
        own = {h.id: len({t.msgid for t in h.texts()}) for h in collection.handouts}
        templates = {int(rows[h][0]) - own[h] for h in own}
        assert len(templates) == 1 and templates.pop() > 0
    assert main(["--root", str(two.root), "status", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["complete"] == ["sample"] and row["missing"] == {"sample": 0, "second": 4, "booklet": 4}
