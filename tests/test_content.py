"""Content validation: every problem at once, each as `file:line: where: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutpress.cli import main
from handoutpress.content import ContentError, load_collection

from .conftest import FIXTURES


def write(root: Path, name: str, text: str) -> None:
    (root / "handouts" / name).write_text(text, encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_collection(root / "handouts", root)
    return [str(p) for p in info.value.problems]


def test_the_fixture_is_valid() -> None:
    collection = load_collection(FIXTURES / "mini/handouts", FIXTURES / "mini")
    handout = collection.handout("sample")
    assert [s.heading.msgid for s in handout.sections] == ["First part", "Shared part"]
    assert handout.sections[1].shared_id == "shared"
    assert [s.id for s in handout.sources] == ["one"]


def test_every_problem_is_reported_with_file_and_line(mini) -> None:
    write(
        mini.root,
        "broken.yaml",
        "kind: leaflet\n"
        "title: Broken\n"
        "summary: Bad {clinic_fax} here\n"
        "written: someday\n"
        "review: {status: maybe}\n"
        "sources: [nowhere]\n"
        "colour: red\n"
        "sections:\n"
        "  - heading: One\n"
        "    body: just a string\n"
        "  - include: missing-section\n",
    )
    found = problems(mini.root)
    expected_lines = {
        "kind": 1, "summary": 3, "written": 4, "review.status": 5, "sources[0]": 6, "colour": 7,
        "sections[0].body": 10, "sections[1].include": 11,
    }  # fmt: skip
    for where, line in expected_lines.items():
        assert any(p.startswith(f"handouts/broken.yaml:{line}:") and where in p for p in found), (
            where,
            found,
        )


def test_yaml_syntax_error_names_the_line(mini) -> None:
    write(mini.root, "bad.yaml", 'kind: type\ntitle: Fine\nsummary: "unclosed\n')
    (found,) = problems(mini.root)
    assert found.startswith("handouts/bad.yaml:3:") or found.startswith("handouts/bad.yaml:4:")
    assert "YAML" in found


def test_unbalanced_bold_and_control_characters(mini) -> None:
    write(
        mini.root,
        "marks.yaml",
        'kind: type\ntitle: T\nsummary: "**bold without end"\nwritten: 2026-01-01\n'
        "review: {status: draft}\n"
        'sources: [one]\nsections:\n  - heading: "H\\u202e"\n    body: [ok]\n',
    )
    found = problems(mini.root)
    assert any(p.startswith("handouts/marks.yaml:3:") and "**" in p for p in found)
    assert any(p.startswith("handouts/marks.yaml:8:") for p in found)


def test_the_cli_prints_one_line_per_problem_and_exits_non_zero(mini, capsys) -> None:
    write(mini.root, "empty.yaml", "")
    assert main(["--root", str(mini.root), "build"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [line for line in err if line.startswith("handouts/empty.yaml:1:")]
    assert len(err) == 1
