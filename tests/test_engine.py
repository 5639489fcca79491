"""The build engine: skips what is unchanged, rebuilds exactly what changed, survives being killed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from fontTools.ttLib.tables import _h_e_a_d

from handoutpress.build import Project
from handoutpress.cli import main
from handoutpress.manifest import Manifest

from .conftest import (
    MINI_CHINESE,
    MINI_SPANISH,
    REPO,
    add_language,
    build,
    translate_catalog,
)


def add_second_handout(project) -> None:
    text = (project.root / "handouts/sample.yaml").read_text()
    text = text.replace("title: Sample handout", "title: Other handout").replace(
        "heading: First part", "heading: Other part"
    )
    (project.root / "handouts/other.yaml").write_text(text)


def manifest(project) -> dict[str, dict]:
    data = json.loads((project.root / "dist/manifest.json").read_text())
    return {e["path"]: e for e in data["outputs"]}


def test_no_op_rebuild_skips_everything_and_force_rebuilds(mini_es, capsys) -> None:
    assert build(mini_es) == 0
    first = manifest(mini_es)
    kinds = {path: entry["kind"] for path, entry in first.items() if not path.startswith("fonts/")}
    assert kinds == {
        "en/sample.pdf": "handout", "en/sample.html": "html", "en/sample.png": "thumbnail",
        "es/sample.pdf": "handout", "es/sample.html": "html", "es/sample.png": "thumbnail",
        "en/booklet.pdf": "booklet", "es/booklet.pdf": "booklet",
        "index.html": "site", "site.css": "site",
    }  # fmt: skip
    entry = first["es/sample.pdf"]
    assert entry["language"] == "es" and entry["handout"] == "sample" and entry["pages"] == 1
    assert first["es/sample.png"]["key"] == entry["key"]  # made by the same job
    capsys.readouterr()
    assert build(mini_es) == 0
    out = capsys.readouterr().out
    assert "0 built, 4 unchanged" in out
    assert "wrote" not in out  # the index and its files are unchanged too
    assert build(mini_es, "--force") == 0
    assert "4 built, 0 unchanged" in capsys.readouterr().out


def test_one_changed_string_rebuilds_only_the_pdfs_that_print_it(mini_es, capsys) -> None:
    add_second_handout(mini_es)
    assert main(["--root", str(mini_es.root), "extract"]) == 0
    assert main(["--root", str(mini_es.root), "update"]) == 0
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    more = {**MINI_SPANISH, "Other handout": "Otro folleto", "Other part": "Otra parte"}
    translate_catalog(po, more, REPO / "locales/es/LC_MESSAGES/handouts.po")
    assert build(mini_es) == 0
    capsys.readouterr()
    po.write_text(po.read_text().replace('msgstr "Primera parte"', 'msgstr "La primera parte"'))
    assert build(mini_es) == 0
    out = capsys.readouterr().out
    assert "2 built, 4 unchanged" in out  # es/sample.pdf and the Spanish booklet that holds it
    assert "es/sample.pdf" in out and "es/booklet.pdf" in out and "es/other.pdf" not in out


def test_two_clean_builds_at_different_times_are_byte_identical(mini_es, tmp_path, monkeypatch) -> None:
    """Clean: each build in a fresh copy of the project, so its fonts are made again (no .cache).
    At another time: fontTools stamps the fonts it saves with the clock unless told not to, and the
    PDFs embed them. The Chinese font is made by fontTools (so is Russian's, but in 15 s)."""
    add_language(mini_es, "zh_Hans", MINI_CHINESE)
    outs = []
    for n, clock in enumerate((3_000_000_000, 3_100_000_000)):  # seconds since 1904: 1999, 2002
        monkeypatch.setattr(_h_e_a_d, "timestampNow", lambda clock=clock: clock)
        clone = tmp_path / f"clone{n}"
        shutil.copytree(mini_es.root, clone, ignore=shutil.ignore_patterns(".cache", "dist"))
        assert build(Project(clone)) == 0
        outs.append(clone / "dist")
    names = sorted(p.relative_to(outs[0]).as_posix() for p in outs[0].rglob("*.pdf"))
    assert {"en/sample.pdf", "es/sample.pdf", "zh-Hans/sample.pdf"} <= set(names)
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_shards_split_the_jobs_and_manifests_merge(mini_es, tmp_path) -> None:
    add_second_handout(mini_es)
    outs = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        assert build(mini_es, "--shard", f"{k}/3", "--allow-incomplete", out=out) == 0
        outs.append(out)
    parts = [sorted(p.relative_to(o).as_posix() for p in o.rglob("*.pdf")) for o in outs]
    every = [p for part in parts for p in part]
    assert sorted(every) == [
        "en/booklet.pdf", "en/other.pdf", "en/sample.pdf",
        "es/booklet.pdf", "es/other.pdf", "es/sample.pdf",
    ]  # fmt: skip
    merged = tmp_path / "merged"
    args = ["manifest", "merge", *(str(o / "manifest.json") for o in outs), "--out", str(merged)]
    assert main(args) == 0
    data = json.loads((merged / "manifest.json").read_text())
    pdfs = [e["path"] for e in data["outputs"] if e["path"].endswith(".pdf")]
    assert sorted(pdfs) == sorted(every)
    assert not (merged / "index.html").exists()  # a shard sees part of the outputs
    # The index after the merge: test_promises.test_a_sharded_build_merged_and_indexed_lists_every_output


def test_parallel_build_matches_serial(mini_es, tmp_path) -> None:
    add_second_handout(mini_es)
    assert build(mini_es, "--allow-incomplete", out=tmp_path / "serial") == 0
    args = ["--root", str(mini_es.root), "build", "--allow-incomplete", "--jobs", "2"]
    assert main([*args, "--out", str(tmp_path / "parallel")]) == 0
    for pdf in (tmp_path / "serial").rglob("*.pdf"):
        twin = tmp_path / "parallel" / pdf.relative_to(tmp_path / "serial")
        assert twin.read_bytes() == pdf.read_bytes()


@pytest.mark.parametrize(("umask", "mode"), [("022", 0o644), ("027", 0o640)])
def test_outputs_are_readable_by_a_web_server(mini, umask, mode) -> None:
    """Files get the permissions `open()` would give them under the user's umask: 0644 under the
    usual 022, so a web server can serve dist/ (mkstemp alone gives 0600)."""
    import stat

    out = mini.root / "dist"
    command = [sys.executable, str(REPO / "build_pdfs.py"), "--root", str(mini.root), "--jobs", "1",
               "--out", str(out)]  # fmt: skip
    subprocess.run(
        ["sh", "-c", f'umask {umask} && exec "$@"', "sh", *command], check=True, capture_output=True
    )
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"sample.pdf", "sample.html", "index.html", "site.css"}
    assert {p.relative_to(out).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {
        p.relative_to(out).as_posix(): oct(mode) for p in files
    }


def test_the_site_removes_the_files_it_no_longer_links_and_nothing_else(mini) -> None:
    assert build(mini) == 0
    dist = mini.root / "dist"
    old_font = dist / "fonts/hp-old-400.ttf"
    old_font.write_bytes(b"an older cut of a font")
    mine = dist / "fonts/README.txt"  # not the site's: never touched
    mine.write_text("notes")
    data = json.loads((dist / "manifest.json").read_text())
    data["outputs"].append({"path": "fonts/hp-old-400.ttf", "kind": "site", "bytes": 22, "sha256": ""})
    (dist / "manifest.json").write_text(json.dumps(data))
    assert main(["--root", str(mini.root), "index", "--out", str(dist)]) == 0
    assert not old_font.exists() and mine.exists()
    assert "fonts/hp-old-400.ttf" not in manifest(mini)
    assert (dist / "index.html").exists()


def test_an_edited_template_is_used_although_compiled_templates_are_cached(mini, capsys) -> None:
    """Compiled templates are kept in .cache/jinja; an edit must still reach the next build."""
    assert build(mini) == 0
    assert list((mini.cache_dir / "jinja").iterdir())  # the cache is in use
    page = mini.templates_dir / "page.html.j2"
    page.write_text(page.read_text().replace("<main>", "<main><p>Call the clinic first.</p>", 1))
    capsys.readouterr()
    assert build(mini) == 0
    assert ", 0 unchanged" in capsys.readouterr().out  # every key covers the templates
    assert "<p>Call the clinic first.</p>" in (mini.root / "dist/en/sample.html").read_text()


def test_a_build_in_this_process_leaves_the_cycle_collector_as_it_was(mini_es) -> None:
    """Drawing freezes the heap and collects less often (build.settle_heap); a build run inside
    another program, as here, must hand the collector back unchanged."""
    import gc

    before = gc.get_threshold()
    assert build(mini_es, "--force") == 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_journal_line_cut_short_by_a_kill_is_left_out(tmp_path) -> None:
    """The job whose line was cut is done again; the lines before it count."""
    whole = {"path": "en/a.pdf", "kind": "handout", "key": "k1"}
    cut = json.dumps({"path": "en/b.pdf", "kind": "handout", "key": "k2"})[:-7]
    (tmp_path / ".manifest.journal").write_text(json.dumps(whole) + "\n" + cut)
    assert Manifest.load(tmp_path).entries == {"en/a.pdf": whole}


def test_the_index_page_reuses_the_catalogs_the_build_read(mini_es, monkeypatch) -> None:
    """The build hands its languages to the index page; only languages it did not build are read
    again (here: none)."""
    from handoutpress import site
    from handoutpress.build import build as run_build
    from handoutpress.clinic import Clinic

    out = mini_es.root / "dist"
    report = run_build(mini_es, out)
    asked: list[str] = []
    real = site.plan_languages

    def spy(project, codes, allow_incomplete):
        asked.extend(codes)
        return real(project, codes, allow_incomplete)

    monkeypatch.setattr(site, "plan_languages", spy)
    site.write_site(mini_es, out, Clinic(), report.plans)
    assert asked == []
    assert 'lang="es"' in (out / "index.html").read_text()
    site.write_site(mini_es, out, Clinic())  # `python build_pdfs.py index`: reads them itself
    assert asked == ["en", "es"]


def test_the_records_and_the_emergency_number_are_in_the_keys(model, capsys) -> None:
    """What prints about a handout's making, its sources and the clinic's number shape its files:
    changing one redraws exactly the files that print it."""
    clinic = model.root / "clinic.yaml"
    clinic.write_text("emergency_number: 112\n")
    assert build(model, "--clinic", str(clinic)) == 0
    assert "3 built" in capsys.readouterr().out  # tool, other, the booklet (English only)
    clinic.write_text("emergency_number: 999\n")
    assert build(model, "--clinic", str(clinic)) == 0
    assert "3 built, 0 unchanged" in capsys.readouterr().out
    other = model.handouts_dir / "other.yaml"
    other.write_text(other.read_text().replace("written: 2026-09-01", "written: 2026-09-02"))
    assert build(model, "--clinic", str(clinic)) == 0
    out = capsys.readouterr().out
    assert "2 built, 1 unchanged" in out and "en/tool.pdf" not in out
    library = model.handouts_dir / "library.yaml"
    library.write_text(library.read_text().replace("/fact-sheet", "/fact-sheet-2"))
    assert build(model, "--clinic", str(clinic)) == 0
    out = capsys.readouterr().out  # only tool cites it: its web page links to it
    assert "2 built, 1 unchanged" in out and "en/other.pdf" not in out
