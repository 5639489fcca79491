"""The builders: the engine makes any registered format without knowing it, and braille files are
part of the incremental build (keys, manifest, the index page, `make pdfs`).

Oracles: the handouts' YAML files and the catalogs (what must be built and what the index must
say), the manifest and the files on disk (what was built), liblouis' own command (what a BRF says).
"""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from handoutpress.build import (
    Builder,
    Builders,
    Job,
    LanguagePlan,
    Made,
    NotMade,
    Workshop,
    build,
    registered,
)
from handoutpress.catalogs import catalog_languages
from handoutpress.cli import main
from handoutpress.content import Handout
from handoutpress.locales import language
from handoutpress.styles import StyleOptions

from .conftest import MINI_CHINESE, REPO, add_language
from .test_braille import lou_backward

#: Braille ASCII (space to underscore), line feeds and form feeds: all a BRF may hold.
BRF_CHARACTERS = {chr(c) for c in range(0x20, 0x60)} | {"\n", "\f"}


class Toy(Builder):
    """A format the engine has never heard of: a text file per handout and language, saying which
    handout in which language, with a key part a test can change."""

    kind = "toy"
    label = "toy"
    version = "1"
    refuse = ""  # a language it cannot make its file in

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        return [self.job(handout.id, plan.code, StyleOptions())] if handout else []

    def path(self, job: Job, out_dir: Path) -> Path:
        return out_dir / language(job.lang).tag / f"{job.handout}.toy.txt"

    def key_parts(self, job: Job, plan: LanguagePlan, keys: object) -> tuple[object, ...]:
        return (self.version,)

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        if job.lang == self.refuse:
            raise NotMade(f"{job.lang}: no toy for this language")
        title = workshop.collection.handout(job.handout).title.msgid
        return Made(f"{job.lang} {job.handout} {title} v{self.version}\n".encode(), pages=1)


def manifest(out: Path) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def handout_ids(root: Path) -> list[str]:
    """The handouts of the content: its YAML files with a title (library.yaml holds the sources)."""
    files = sorted((root / "handouts").glob("*.yaml"))
    return [p.stem for p in files if "title" in (yaml.safe_load(p.read_text()) or {})]


def test_the_engine_names_no_format_and_imports_none() -> None:
    """build.py's code (not its docstrings) holds no builder's kind and imports no builder, no
    renderer and no format module: what it knows of formats comes from the registry."""
    tree = ast.parse((REPO / "handoutpress/build.py").read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }
    kinds = {b.kind for b in registered().all}
    assert kinds >= {"handout", "bilingual", "booklet", "html", "thumbnail", "braille"}
    assert not strings & kinds
    assert not [s for s in strings if re.search(r"\.(pdf|html|png|brf)\b", s)]
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    modules = {n.module for n in top if isinstance(n, ast.ImportFrom)}
    formats = {"booklet", "braille", "documents", "preview", "render", "site", "templating"}
    assert not {m for m in modules if m and m.split(".")[-1] in formats | {"builders"}}


def test_a_new_builder_is_built_with_no_change_to_the_engine(mini_es) -> None:
    """A toy format, registered beside nothing else: the engine plans it for every handout in every
    language, keys it, writes it atomically, records it in the manifest, skips it when unchanged
    and rebuilds it when its key part changes; a language it cannot serve gets no file and a note."""
    toy = Toy()
    out = mini_es.root / "dist"
    builders = Builders((toy,))
    report = build(mini_es, out, builders=builders)
    assert not report.failed and len(report.built) == 2
    entries = manifest(out)
    assert sorted(entries) == ["en/sample.toy.txt", "es/sample.toy.txt"]
    assert (out / "es/sample.toy.txt").read_text() == "es sample Sample handout v1\n"
    assert entries["es/sample.toy.txt"]["kind"] == "toy" and entries["es/sample.toy.txt"]["pages"] == 1
    assert not list(out.rglob("*.pdf"))  # no other format was asked for
    again = build(mini_es, out, builders=builders)
    assert len(again.built) == 0 and len(again.unchanged) == 2
    toy.version = "2"
    toy.refuse = "es"
    changed = build(mini_es, out, builders=builders)
    assert [str(o.job) for o in changed.built] == ["en/sample toy (standard)"]
    assert [o.note for o in changed.not_made] == ["es: no toy for this language"]
    assert (out / "en/sample.toy.txt").read_text().endswith("v2\n")
    assert (out / "es/sample.toy.txt").read_text().endswith("v1\n")  # the last good file is kept


def brf_entries(out: Path) -> dict[str, dict]:
    return {p: e for p, e in manifest(out).items() if e["kind"] == "braille"}


def test_braille_files_are_built_incrementally(mini_es, capsys) -> None:
    """A no-op rebuild makes no BRF; a changed Spanish string remakes the Spanish BRF (and the
    Spanish PDFs) only; a new braille page size remakes every BRF and no PDF."""
    out = mini_es.root / "dist"
    args = ["--root", str(mini_es.root), "build", "--out", str(out), "--jobs", "1", "--braille"]
    assert main(args) == 0
    first = manifest(out)
    assert sorted(brf_entries(out)) == ["en/sample.brf", "es/sample.brf"]
    for path, entry in brf_entries(out).items():
        data = (out / path).read_bytes()
        assert set(data.decode("ascii")) <= BRF_CHARACTERS
        assert entry["pages"] == data.count(b"\f") >= 1 and entry["handout"] == "sample"
    capsys.readouterr()
    assert main(args) == 0
    assert "0 built, 6 unchanged" in capsys.readouterr().out  # 2 PDF, 2 booklet, 2 braille jobs
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    po.write_text(po.read_text().replace('msgstr "Primera parte"', 'msgstr "La primera parte"'))
    assert main(args) == 0
    out_text = capsys.readouterr().out
    second = manifest(out)
    changed = sorted(p for p in first if p in second and first[p].get("key") != second[p].get("key"))
    assert "es/sample.brf" in changed and "en/sample.brf" not in changed
    assert all(p.startswith("es/") for p in changed), changed
    assert "built   " + str(out / "es/sample.brf") in out_text
    back = lou_back("es-g1.ctb", (out / "es/sample.brf").read_text())
    assert "la primera parte" in back.casefold()
    clinic = mini_es.root / "clinic.yaml"
    clinic.write_text("braille:\n  cells: 32\n  lines: 20\n")
    assert main(args) == 0
    third = manifest(out)
    changed = sorted(p for p in second if second[p].get("key") != third[p].get("key"))
    assert changed == ["en/sample.brf", "es/sample.brf"]  # the braille page is in no PDF's key
    lines = (out / "en/sample.brf").read_text().split("\f")[0].split("\n")[:-1]
    assert len(lines) == 20 and max(map(len, lines)) <= 32


def lou_back(table: str, brf: str) -> str:
    """liblouis' own command reads the braille back (through its braille ASCII display table)."""
    lines = [line for line in brf.replace("\f", "\n").split("\n") if line.strip()]
    return " ".join(" ".join(lou_backward(table, lines)).split())


def test_a_language_whose_table_lacks_its_script_gets_no_braille_file_and_a_note(mini_es, capsys):
    add_language(mini_es, "zh_Hans", MINI_CHINESE)
    clinic = mini_es.root / "clinic.yaml"
    clinic.write_text("braille:\n  tables:\n    zh_Hans: en-ueb-g2.ctb\n")
    out = mini_es.root / "dist"
    args = ["--root", str(mini_es.root), "build", "--out", str(out), "--jobs", "1", "--braille"]
    args += ["--lang", "zh_Hans"]
    assert main([*args, "--handout", "sample"]) == 0  # not a failure
    out = capsys.readouterr().out
    assert re.search(r"^note    zh_Hans: braille table en-ueb-g2\.ctb has no braille for .*: "
                     r"no braille file for sample$", out, re.M), out  # fmt: skip
    assert "0 failed" in out
    assert not list((mini_es.root / "dist").rglob("*.brf"))
    assert (mini_es.root / "dist/zh-Hans/sample.pdf").is_file()


def index_links(index: Path) -> dict[str, str]:
    """href -> the text of the paragraph holding the link, as a reader reads it."""
    text = index.read_text()
    found = {}
    for paragraph in re.findall(r"<p>(.*?)</p>", text, re.S):
        for href in re.findall(r'href="([^"]+)"', paragraph):
            found[href] = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", paragraph)).split())
    return found


def catalog(root: Path, code: str) -> dict[str, str]:
    with (root / "locales" / code / "LC_MESSAGES/handouts.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_the_index_lists_each_braille_file_and_says_what_it_is_for(mini_es) -> None:
    out = mini_es.root / "dist"
    args = ["--root", str(mini_es.root), "build", "--out", str(out), "--jobs", "1"]
    assert main(args) == 0
    assert not any(h.endswith(".brf") for h in index_links(out / "index.html"))  # none asked for
    assert main([*args, "--braille"]) == 0
    links = index_links(out / "index.html")
    spanish = catalog(REPO, "es")
    for tag, words in (("en", {}), ("es", spanish)):
        said = links[f"{tag}/sample.brf"]
        pages = (out / tag / "sample.brf").read_bytes().count(b"\f")
        link = words.get("Braille") or "Braille"
        purpose = words.get("For a braille embosser or a braille display.") or (
            "For a braille embosser or a braille display."
        )
        facts = (words.get("Pages: {pages}. Size: {size}.") or "Pages: {pages}. Size: {size}.").split(
            "{size}"
        )[0]
        assert said.startswith(link), said
        assert "BRF" in said and purpose in said, said
        assert facts.format(pages=pages) in said, said


def test_make_pdfs_writes_a_braille_file_for_every_handout_in_every_language(make_pdfs) -> None:
    """What `make pdfs` builds (the Makefile's VARIANTS): a BRF of every handout in the content in
    every language with a catalog, each in the manifest and on the index page."""
    entries = manifest(make_pdfs)
    links = index_links(make_pdfs / "index.html")
    codes = ["en", *catalog_languages(REPO / "locales")]
    assert len(codes) == 8
    for code in codes:
        tag = language(code).tag
        for handout in handout_ids(REPO):
            path = f"{tag}/{handout}.brf"
            data = (make_pdfs / path).read_bytes()
            assert set(data.decode("ascii")) <= BRF_CHARACTERS, path
            assert data.count(b"\f") == entries[path]["pages"] >= 1, path
            assert entries[path]["kind"] == "braille" and path in links, path
    assert len([p for p in entries if p.endswith(".brf")]) == 8 * len(handout_ids(REPO))


def test_the_toy_builder_needs_no_cli_change_either(mini_es, monkeypatch, capsys) -> None:
    """An optional builder in the registry gets its `--<kind>` option from its help line."""
    from handoutpress import build as engine
    from handoutpress import cli

    class Optional(Toy):
        option = "also write a toy file of each handout"

    builders = Builders((*registered().all, Optional()))
    monkeypatch.setattr(cli, "registered", lambda: builders)
    monkeypatch.setattr(engine, "registered", lambda: builders)
    assert "--toy" in cli.parser().format_help()
    out = mini_es.root / "dist"
    args = ["--root", str(mini_es.root), "build", "--out", str(out), "--jobs", "1", "--lang", "es"]
    assert main([*args, "--toy"]) == 0
    assert (mini_es.root / "dist/es/sample.toy.txt").read_text().startswith("es sample")
    assert "built   " in capsys.readouterr().out
