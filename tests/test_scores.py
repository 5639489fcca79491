"""Score files (`handouts/scores/<id>.yaml`): every CDC Clear Communication Index and PEMAT-P item
scored 1, 0 or NA with a reason, read like content (each problem with its file and line). The
totals are counted here from the YAML itself, the way the instruments' guides count them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handoutpress.content import ContentError
from handoutpress.scores import load_scores

from .conftest import FIXTURES

SHEET = FIXTURES / "model/handouts/scores/tool.yaml"
UNDERSTANDABILITY = [*range(1, 13), *range(15, 20)]  # PEMAT-P: 13 and 14 are audiovisual only
ACTIONABILITY = list(range(20, 27))


def share(scores: dict, items: list[int]) -> float:
    """Points over the items that apply, in percent."""
    applicable = [scores[n]["score"] for n in items if scores[n]["score"] != "NA"]
    return 100 * sum(applicable) / len(applicable)


def test_the_totals_are_the_points_over_the_items_that_apply() -> None:
    data = yaml.safe_load(SHEET.read_text())
    sheet = load_scores(SHEET, FIXTURES / "model")
    assert sheet.handout == "tool" and sheet.scorer == "The test scorer"
    assert sheet.cdc_score == pytest.approx(share(data["cdc"], list(range(1, 21))))
    assert sheet.cdc_score == pytest.approx(15 / 16 * 100)  # 4 NA, one 0
    assert sheet.understandability == pytest.approx(share(data["pemat"], UNDERSTANDABILITY))
    assert sheet.actionability == pytest.approx(share(data["pemat"], ACTIONABILITY))
    assert sorted(sheet.pemat) == UNDERSTANDABILITY + ACTIONABILITY
    assert all(score.reason for score in [*sheet.cdc.values(), *sheet.pemat.values()])


def broken(tmp_path: Path, edit) -> list[str]:
    lines = SHEET.read_text().splitlines()
    path = tmp_path / "handouts/scores/tool.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(edit(lines)) + "\n")
    with pytest.raises(ContentError) as info:
        load_scores(path, tmp_path)
    return [str(p) for p in info.value.problems]


def number(lines: list[str], prefix: str) -> int:
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(prefix))


def test_every_problem_of_a_score_file_at_once_with_its_line(tmp_path: Path) -> None:
    lines = SHEET.read_text().splitlines()
    cdc, pemat = number(lines, "cdc:"), number(lines, "pemat:")

    def edit(lines: list[str]) -> list[str]:
        out = []
        for n, line in enumerate(lines, start=1):
            if n == cdc + 4:  # cdc item 4 left out
                continue
            if n == cdc + 1:
                line = line.replace("score: 1", "score: NA")  # item 1 always applies
            if n == cdc + 2:
                line = line.replace("score: 1", "score: 2")
            if n == pemat + 1:
                line = line.replace('"Test reason for makes its purpose completely evident."', '""')
            out.append(line)
        return [*out, "  13: {score: 1, reason: Audiovisual only.}"]

    found = broken(tmp_path, edit)
    path = "handouts/scores/tool.yaml"
    always = "item 1 (one main message statement) applies to every handout: score it 1 or 0"
    assert f"{path}:{cdc + 1}: cdc.1.score: {always}" in found
    assert f"{path}:{cdc + 2}: cdc.2.score: a score is 1, 0 or NA" in found
    assert any(p.startswith(f"{path}:{cdc + 1}: cdc.4: item 4 (at least one visual") for p in found)
    # One line fewer from cdc item 4 on: pemat's first item, and the line added at the end.
    assert f"{path}:{pemat}: pemat.1.reason: text is empty" in found
    assert any(p.startswith(f"{path}:{len(lines)}: pemat.13: no item 13 in pemat") for p in found)
    assert len(found) == 5, found
