"""`report`: per handout its words, sentences, sentence lengths, reading grade, pages (from the
manifest), own-text share for type handouts and its scores. The expected values come from the PDF
(pages, counted by pikepdf), the YAML (scores, counted here) and a count of 4-word runs written
here, not from the code under test."""

from __future__ import annotations

import re

import pikepdf
import yaml

from handoutpress.cli import main


def runs(texts: list[str]) -> list[tuple[str, ...]]:
    found = []
    for text in texts:
        w = re.findall(r"[a-z0-9']+", text.replace("**", "").lower())
        found += [tuple(w[i : i + 4]) for i in range(len(w) - 3)]
    return found


def test_report_shows_pages_own_text_share_and_scores(model, capsys) -> None:
    tool = (model.handouts_dir / "tool.yaml").read_text()
    twin = tool.replace("A handout with tools", "A twin with other words in its title").replace(
        "Write your questions here.", "Put down what you want to ask your doctor."
    )
    (model.handouts_dir / "twin.yaml").write_text(twin)
    out = model.root / "dist"
    assert main(["--root", str(model.root), "build", "--out", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["--root", str(model.root), "report", "--out", str(out)]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["handout", "words", "sentences", "avg", "longest", "grade", "pages",
                              "own", "CDC", "PEMAT-U", "PEMAT-A"]  # fmt: skip
    rows = {line.split()[0]: line.split() for line in lines}
    with pikepdf.open(out / "en/tool.pdf") as pdf:
        assert rows["tool"][6] == str(len(pdf.pages))
    assert rows["other"][7] == "-"  # a coping handout: not measured against the type handouts
    # The twin differs from tool only in its title and one paragraph: what is left is shared.
    from handoutpress.content import load_collection

    collection = load_collection(model.handouts_dir, model.root)
    mine = runs([t.msgid for t in collection.handout("twin").texts()])
    theirs = set(runs([t.msgid for t in collection.handout("tool").texts()]))
    own = sum(run not in theirs for run in mine) / len(mine)
    assert rows["twin"][7] == f"{own:.0%}" and 0 < own < 0.5
    scores = yaml.safe_load((model.handouts_dir / "scores/tool.yaml").read_text())
    cdc = [v["score"] for v in scores["cdc"].values() if v["score"] != "NA"]
    assert rows["tool"][8] == f"{100 * sum(cdc) / len(cdc):.0f}"
    assert rows["twin"][8:] == ["-", "-", "-"]  # not scored yet
