"""The content model of issue 19 (BRIEF-content.md): a safety box that handouts add their own items
to, numbered steps, tables to fill in, lines to write on, structured sources, the clinical review
record and the clinic's emergency number; each problem reported with its file and line.

The oracle is the fixture's YAML text itself (tests/fixtures/model): where a string stands in the file
and what it says."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from handoutpress.cli import main
from handoutpress.clinic import Clinic, load_clinic
from handoutpress.content import (
    BulletList,
    ContentError,
    Lines,
    Paragraph,
    Steps,
    Table,
    load_collection,
    review_age_problems,
)
from handoutpress.extract import extract_handouts

from .conftest import FIXTURES

MODEL = FIXTURES / "model"


def line_of(path: Path, text: str) -> int:
    """The line of `path` that holds `text` (1-based): where a translator's reference must point."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (found,) = [n for n, line in enumerate(lines, start=1) if text in line]
    return found


def test_a_handout_adds_its_own_items_to_the_shared_lists() -> None:
    collection = load_collection(MODEL / "handouts", MODEL)
    tool, other = collection.handout("tool"), collection.handout("other")
    box = tool.sections[0]
    assert (box.shared_id, box.box) == ("get-help", "safety")
    urgent, soon = (b for b in box.blocks if isinstance(b, BulletList))
    assert [t.msgid for t in urgent.items] == [
        "You have trouble breathing or swallowing.",
        "Your jaw or tongue locks after a new medicine.",
        "One side of your body suddenly gets weak.",
    ]
    added = urgent.items[-1]
    assert added.path == "handouts/tool.yaml"
    assert added.line == line_of(MODEL / "handouts/tool.yaml", added.msgid)
    assert [t.msgid for t in soon.items][-1] == "Your voice gets breathy after a shot."
    assert soon.items[-1].note == "Breathy means weak and airy."
    # The shared section itself, and a handout that adds nothing, keep the shared items only.
    for section in (collection.sections["get-help"], other.sections[0]):
        lists = [b for b in section.blocks if isinstance(b, BulletList)]
        assert [len(b.items) for b in lists] == [2, 1]
    assert [b.slot for b in box.blocks if isinstance(b, BulletList)] == ["urgent", "soon"]


def test_steps_tables_and_lines_to_write_on() -> None:
    tool = load_collection(MODEL / "handouts", MODEL).handout("tool")
    blocks = {s.heading.msgid: s.blocks for s in tool.sections}
    (steps,) = blocks["Steps to take"]
    assert isinstance(steps, Steps)
    assert [t.msgid for t in steps.items] == [
        "Write down when it happens.",
        "Bring the list to your visit.",
    ]
    (table,) = blocks["A diary"]
    assert isinstance(table, Table)
    assert [t.msgid for t in table.header] == ["Day", "What I did", "How bad (0-10)"]
    cells = [[c.msgid if c else None for c in row] for row in table.rows]
    assert cells == [["Monday", None, None], [None, None, None]]  # "" is a cell to write in
    paragraph, lines = blocks["Your questions"]
    assert isinstance(paragraph, Paragraph) and lines == Lines(3)
    # Every printed string is translatable, the table's cells among them; empty cells are not.
    msgids = [t.msgid for t in tool.texts()]
    assert "How bad (0-10)" in msgids and "Monday" in msgids and "" not in msgids


def test_sources_print_title_publisher_and_year() -> None:
    tool = load_collection(MODEL / "handouts", MODEL).handout("tool")
    assert [s.citation for s in tool.sources] == [
        "A fact sheet. A Health Institute, 2024.",
        "Is it safe? A booklet. A Patient Group, n.d.",  # the title's own "?" and n.d.'s own "."
    ]
    assert [s.url for s in tool.sources] == ["https://example.org/fact-sheet", None]


def test_the_review_record_of_a_reviewed_and_a_draft_handout() -> None:
    collection = load_collection(MODEL / "handouts", MODEL)
    tool, other = collection.handout("tool"), collection.handout("other")
    assert (tool.written, tool.review.status) == (dt.date(2026, 10, 1), "reviewed")
    assert (tool.review.reviewer, tool.review.credentials) == ("Dr. A. Name", "MD, neurologist")
    assert tool.review.date == dt.date(2026, 11, 2)
    assert (other.review.status, other.review.reviewer, other.review.date) == ("draft", "", None)


HANDOUT = """\
kind: type
title: T
summary: S.
written: 2026-01-01
review: {{status: draft}}
sources: [booklet]
sections:
{sections}
"""

#: (file, its sections or the whole file, the problem expected: where it is and what it says)
BROKEN = [
    (
        "late-box.yaml",
        "  - heading: First\n    body: [Text.]\n  - include: get-help\n",
        "handouts/late-box.yaml:10: sections[1]: the safety box must be the first section",
    ),
    (
        "two-boxes.yaml",
        "  - include: get-help\n  - include: get-help\n",
        "handouts/two-boxes.yaml:9: sections[1]: a second safety box",
    ),
    (
        "unknown-slot.yaml",
        "  - include: get-help\n    add:\n      later: [Item.]\n",
        "handouts/unknown-slot.yaml:10: sections[0].add.later: no list named 'later' in "
        "handouts/sections/get-help.yaml (slots: soon, urgent)",
    ),
    (
        "own-slot.yaml",
        "  - heading: H\n    body:\n      - list: [A]\n        slot: mine\n",
        "handouts/own-slot.yaml:11: sections[0].body[0].slot: only a list of a shared section",
    ),
    (
        "short-row.yaml",
        "  - heading: H\n    body:\n      - table:\n          header: [A, B]\n"
        "          rows:\n            - [x]\n",
        "handouts/short-row.yaml:13: sections[0].body[0].table.rows[0]: 1 cells in a table of 2",
    ),
    (
        "wide-table.yaml",
        "  - heading: H\n    body:\n      - table:\n          header: [A, B, C, D, E, F]\n"
        "          rows: [['', '', '', '', '', '']]\n",
        "handouts/wide-table.yaml:11: sections[0].body[0].table.header: 6 columns: at most 5",
    ),
    (
        "no-lines.yaml",
        "  - heading: H\n    body:\n      - lines: 0\n",
        "handouts/no-lines.yaml:10: sections[0].body[0].lines: expected a number of lines from 1",
    ),
    (
        "odd-block.yaml",
        "  - heading: H\n    body:\n      - picture: x.png\n",
        "handouts/odd-block.yaml:10: sections[0].body[0]: expected text or a mapping with one of "
        "text, list, steps, table, lines",
    ),
    (
        "odd-box.yaml",
        "  - heading: H\n    box: warning\n    body: [Text.]\n",
        "handouts/odd-box.yaml:9: sections[0].box: unknown box 'warning' (known: safety)",
    ),
]


@pytest.mark.parametrize(("name", "sections", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_block_is_one_line_with_file_and_line(model, name, sections, expected) -> None:
    (model.handouts_dir / name).write_text(HANDOUT.format(sections=sections), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_collection(model.handouts_dir, model.root)
    assert [str(p) for p in info.value.problems if expected in str(p)], info.value.problems


REVIEWS = [
    (
        "review: {status: reviewed, reviewer: Dr. X}\n",
        "handouts/r.yaml:5: review: a reviewed handout names its credentials, date",
    ),
    (
        "review: {status: draft, reviewer: Dr. X}\n",
        "handouts/r.yaml:5: review.reviewer: a draft has no reviewer",
    ),
    (
        "review: {status: reviewed, reviewer: Dr. X, credentials: MD, date: 2025-12-31}\n",
        "handouts/r.yaml:5: review.date: the review (2025-12-31) is older than the text "
        "(written: 2026-01-01)",
    ),
    ("review: {status: signed}\n", "handouts/r.yaml:5: review.status: unknown status 'signed'"),
    ("reviewed: 2026-01-01\n", "handouts/r.yaml:5: reviewed: `reviewed:` is now `written:`"),
]


@pytest.mark.parametrize(("record", "expected"), REVIEWS)
def test_a_review_record_claims_no_check_that_was_not_made(model, record, expected) -> None:
    text = HANDOUT.format(sections="  - include: get-help\n")
    text = text.replace("review: {status: draft}\n", record)
    (model.handouts_dir / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_collection(model.handouts_dir, model.root)
    assert [str(p) for p in info.value.problems if str(p).startswith(expected)], info.value.problems


LIBRARY = [
    ("    citation: Doe J. A source.\n", "library.yaml:4: sources.x: a source is now title"),
    (
        "    title: T\n    publisher: P\n    year: last year\n",
        "library.yaml:6: sources.x.year: expected a year like 2024, or n.d.",
    ),
    (
        "    title: T\n    publisher: P\n    year: 2024\n    url: http://example.org\n",
        "library.yaml:7: sources.x.url: expected an address starting https://",
    ),
]


@pytest.mark.parametrize(("entry", "expected"), LIBRARY)
def test_a_broken_source_names_its_line(model, entry, expected) -> None:
    library = model.handouts_dir / "library.yaml"
    text = library.read_text(encoding="utf-8").replace("sources:\n", f"sources:\n  x:\n{entry}", 1)
    library.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_collection(model.handouts_dir, model.root)
    assert [str(p) for p in info.value.problems if str(p) == f"handouts/{expected}"] or [
        str(p) for p in info.value.problems if str(p).startswith(f"handouts/{expected}")
    ], info.value.problems


def test_every_problem_of_a_file_at_once(model) -> None:
    sections = "  - heading: First\n    body: [Text.]\n  - include: get-help\n    add: {later: [x]}\n"
    text = HANDOUT.format(sections=sections).replace("written: 2026-01-01", "written: soon")
    (model.handouts_dir / "many.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_collection(model.handouts_dir, model.root)
    found = [str(p) for p in info.value.problems]
    assert any(p.startswith("handouts/many.yaml:4: written:") for p in found), found
    assert any(p.startswith("handouts/many.yaml:10: sections[1]: the safety box") for p in found)
    assert any(p.startswith("handouts/many.yaml:11: sections[1].add.later:") for p in found)


def test_a_review_over_three_years_old_is_due_again() -> None:
    collection = load_collection(MODEL / "handouts", MODEL)
    checked = collection.handout("tool").review.date
    assert checked == dt.date(2026, 11, 2)
    assert review_age_problems(collection, dt.date(2029, 11, 2)) == []
    (problem,) = review_age_problems(collection, dt.date(2029, 11, 3))
    assert str(problem).startswith(
        f"handouts/tool.yaml:{line_of(MODEL / 'handouts/tool.yaml', 'date: 2026')}: review.date: "
        "checked on 2026-11-02, more than 3 years ago"
    )


def test_check_warns_of_an_old_review_and_still_passes(model, capsys) -> None:
    path = model.handouts_dir / "tool.yaml"
    text = path.read_text(encoding="utf-8").replace("date: 2026-11-02", "date: 2020-01-02")
    path.write_text(text.replace("written: 2026-10-01", "written: 2020-01-01"), encoding="utf-8")
    assert main(["--root", str(model.root), "extract"]) == 0
    capsys.readouterr()
    assert main(["--root", str(model.root), "check"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "review.date" in line] == [
        f"handouts/tool.yaml:{line_of(path, 'date: 2020')}: warning: review.date: checked on "
        "2020-01-02, more than 3 years ago: ask a clinician to check it again (REVIEWING.md)"
    ]


def extract(path: Path) -> list[tuple[int, str, list[str]]]:
    fileobj = io.BytesIO(path.read_bytes())
    fileobj.name = str(path.relative_to(MODEL))
    return [(line, msgid, notes) for line, _, msgid, notes in extract_handouts(fileobj, [], [], {})]


def test_the_extractor_takes_every_new_string_with_its_line_and_note() -> None:
    path = MODEL / "handouts/tool.yaml"
    found = extract(path)
    expected = [
        ("One side of your body suddenly gets weak.", []),
        ("Your voice gets breathy after a shot.", ["Breathy means weak and airy."]),
        ("Write down when it happens.", []),
        ("Bring the list to your visit.", ["A visit to the doctor."]),
        ("Day", []),
        ("What I did", []),
        ("How bad (0-10)", []),
        ("Monday", []),
        ("Write your questions here.", []),
    ]
    by_msgid = {msgid: (line, notes) for line, msgid, notes in found}
    for msgid, notes in expected:
        line = by_msgid[msgid][0]
        assert by_msgid[msgid] == (line, notes)
        assert msgid.split("(")[0].strip() in path.read_text().splitlines()[line - 1]
    assert "" not in by_msgid
    # The shared section's strings come from its own file, its note with them.
    shared = extract(MODEL / "handouts/sections/get-help.yaml")
    note = "Keep {emergency_number}; the clinic sets the number."
    assert (4, "**Call {emergency_number} now** if:", [note]) in shared
    assert "One side of your body suddenly gets weak." not in [m for _, m, _ in shared]


def test_score_files_are_neither_content_nor_catalog_strings(model) -> None:
    """A score file next to the content is never read as a handout, nor by the extractor: a broken
    one would stop both if they read it."""
    (model.handouts_dir / "scores/tool.yaml").write_text("cdc: [unclosed\n", encoding="utf-8")
    assert {h.id for h in load_collection(model.handouts_dir, model.root).handouts} == {"tool", "other"}
    assert main(["--root", str(model.root), "extract"]) == 0
    assert "handouts/scores" not in model.pot.read_text(encoding="utf-8")


def test_the_emergency_number_comes_from_the_clinic_profile(tmp_path: Path) -> None:
    assert Clinic().values()["emergency_number"] == "911"  # the American default, like Letter paper
    assert Clinic().is_empty  # the number alone prints no contact block
    path = tmp_path / "clinic.yaml"
    for written, number in (("112", "112"), ("'999'", "999"), ("000", "000")):
        path.write_text(f"emergency_number: {written}\n", encoding="utf-8")
        assert load_clinic(path, "clinic.yaml").values()["emergency_number"] == number
    path.write_text("name: X\nemergency_number: call 112\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_clinic(path, "clinic.yaml")
    assert [str(p) for p in info.value.problems] == [
        "clinic.yaml:2: emergency_number: the number to dial in an emergency, in digits: 112, 911, 999"
    ]


SHARED = [
    (
        "  - list: [A]\n    slot: urgent\n  - list: [B]\n    slot: urgent\n",
        6,
        "two lists are named 'urgent'",
    ),
    ("  - list: [A]\n    slot: Urgent Items\n", 4, "a slot name is lower-case letters"),
]


@pytest.mark.parametrize(("body", "line", "expected"), SHARED)
def test_a_shared_sections_slots_are_named_once_and_plainly(model, body, line, expected) -> None:
    path = model.handouts_dir / "sections/named.yaml"
    path.write_text(f"heading: Named\nbody:\n{body}", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_collection(model.handouts_dir, model.root)
    found = [str(p) for p in info.value.problems]
    assert [p for p in found if p.startswith(f"handouts/sections/named.yaml:{line}:")
            and expected in p], found  # fmt: skip
