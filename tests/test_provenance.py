"""What every document says about its own making comes from the records, never from hand-written
text: "Written on <date> by <producer>." and either "Not yet checked by a clinician." (a draft) or
"Checked on <date> by <reviewer>, <credentials>." On every handout (PDF and web page), in the
booklet, on the index page and in `status`; translations add their own line.

The oracle is the fixture's YAML records (tests/fixtures/model: `tool` reviewed, `other` a draft),
read here with PyYAML, and the Spanish table in conftest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from handoutpress.cli import main

from .conftest import FIXTURES, MODEL_SPANISH, add_language, make_model
from .pdfinfo import text, text_by_language

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre"]  # fmt: skip


def record(handout: str) -> dict:
    return yaml.safe_load((FIXTURES / "model/handouts" / f"{handout}.yaml").read_text())


def english(date) -> str:
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def spanish(date) -> str:
    return f"{date.day} de {MESES[date.month - 1]} de {date.year}"


def expected_line(handout: str) -> str:
    data = record(handout)
    line = f"Written on {english(data['written'])} by The test producer."
    review = data["review"]
    if review["status"] == "draft":
        return line + " Not yet checked by a clinician."
    return line + (
        f" Checked on {english(review['date'])} by {review['reviewer']}, {review['credentials']}."
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_model(tmp_path_factory.mktemp("provenance") / "model")
    add_language(project, "es", MODEL_SPANISH)
    out = project.root / "dist"
    assert main(["--root", str(project.root), "build", "--out", str(out), "--jobs", "1"]) == 0
    return out


def flat(words: str) -> str:
    return " ".join(words.split())


@pytest.mark.parametrize("handout", ["tool", "other"])
def test_each_handout_says_who_wrote_it_and_whether_a_clinician_checked_it(built, handout) -> None:
    assert expected_line(handout) in flat(text(built / "en" / f"{handout}.pdf"))


def test_a_draft_never_claims_a_check(built) -> None:
    printed = flat(text(built / "en" / "other.pdf"))
    assert "Checked on" not in printed and "Reviewed" not in printed


def test_the_web_page_says_the_same(built) -> None:
    html = (built / "en" / "tool.html").read_text(encoding="utf-8")
    words = flat(re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").replace(" ,", ",")
    assert expected_line("tool") in words


def test_the_booklet_prints_each_handouts_own_record(built) -> None:
    printed = flat(text(built / "en" / "booklet.pdf"))
    for handout in ("tool", "other"):
        assert expected_line(handout) in printed


def test_the_index_page_prints_each_handouts_record(built) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    words = flat(re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").replace(" ,", ",")
    for handout in ("tool", "other"):
        assert expected_line(handout) in words


def test_a_translation_prints_the_record_in_its_language_and_its_own_line(built) -> None:
    data = record("tool")
    printed = flat(text(built / "es" / "tool.pdf"))
    review = data["review"]
    assert f"Escrita el {spanish(data['written'])} por The test producer." in printed
    assert (
        f"Revisada el {spanish(review['date'])} por {review['reviewer']}, {review['credentials']}."
    ) in printed
    assert f"«A handout with tools» del {spanish(data['written'])}" in printed
    assert "Esta traducción todavía no la ha revisado un traductor médico." in printed
    assert "Todavía no la ha revisado" in flat(text(built / "es" / "other.pdf"))
    # Names, credentials and sources are English inside the Spanish: a screen reader says so.
    spoken = text_by_language(built / "es" / "tool.pdf")
    assert "Dr.A.Name" in spoken["en"].replace(" ", "")
    assert "Afactsheet.AHealthInstitute,2024" in spoken["en"].replace(" ", "")


def test_status_shows_each_handouts_review(built, capsys) -> None:
    root = built.parent
    capsys.readouterr()
    assert main(["--root", str(root), "status"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.split("\n\n")[1].splitlines()}
    review = record("tool")["review"]
    assert rows["tool"].split(None, 2)[1:] == [
        str(record("tool")["written"]),
        f"checked on {review['date']} by {review['reviewer']}, {review['credentials']}",
    ]
    assert rows["other"].split(None, 2)[2] == "draft: not yet checked by a clinician"
