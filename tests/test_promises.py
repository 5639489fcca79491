"""What README.md and TRANSLATING.md promise about the build's outputs, checked as a user meets them
(tests/README.md maps every promise to its test).

Each expectation comes from outside the code under test: the file names and the options the README
lists, the Makefile's VARIANTS, the catalogs read with Babel, clinic.example.yaml read with PyYAML,
paper sizes from ISO 216 and ANSI, and the outputs read back with pdfplumber, pikepdf, pdfium and an
HTML parser.
"""

from __future__ import annotations

import html.parser
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pdfplumber
import pikepdf
import pypdfium2
import pytest
import yaml
from babel.messages.pofile import read_po
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageChops

from handoutpress import fonts
from handoutpress.cli import main

from .conftest import (
    MINI_ARABIC,
    MINI_SPANISH,
    REPO,
    add_language,
    build,
    copy_project,
    make_mini,
    makefile_variants,
    retranslate,
    snapshot,
)
from .pdfinfo import text, text_by_language

#: Page sizes in PDF points: ANSI Letter (8.5 x 11 in) and ISO 216 A4 (210 x 297 mm).
LETTER = (612.0, 792.0)
A4 = (210 / 25.4 * 72, 297 / 25.4 * 72)
#: The file names of README's table, for a handout `<id>` of a translation.
VARIANT_SUFFIXES = ("", ".extra-large", ".reverse", ".extra-large-reverse")
REVIEWED = "A medical translator checked this translation."
NOT_REVIEWED = "A medical translator has not yet checked this translation."
MINI_FRENCH = {
    "Sample handout": "Document d'exemple",
    "A short summary.": "Un court résumé.",
    "First part": "Première partie",
    "**Bold word** in a paragraph.": "**Mot en gras** dans un paragraphe.",
    "First item": "Premier point",
    "Second item": "Deuxième point",
    "Shared part": "Partie commune",
    "A shared paragraph.": "Un paragraphe commun.",
}


def squeeze(words: str) -> str:
    return re.sub(r"\s+", "", words)


def spanish(msgid: str) -> str:
    """The shipped Spanish catalog's translation of a template string (the mini project's catalog
    takes its template strings from it)."""
    with (REPO / "locales/es/LC_MESSAGES/handouts.po").open("rb") as fh:
        message = read_po(fh)[msgid]
    assert message is not None and message.string, msgid
    return message.string


class Links(html.parser.HTMLParser):
    """The targets of a page's links and pictures, its scripts, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.scripts = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.scripts += tag == "script" or any(k.startswith("on") for k in found)
        for name in ("href", "src"):
            if found.get(name):
                self.targets.append(unquote(found[name] or ""))

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def read_page(path: Path) -> Links:
    page = Links()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pdfs_under(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}


def page_size(path: Path) -> tuple[float, float]:
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    return box[2] - box[0], box[3] - box[1]


def built_line(out: str) -> str:
    """The build's summary line: 'N built, M unchanged, ...'."""
    return next(line for line in out.splitlines() if " built, " in line)


# --- Every variant `make pdfs` builds --------------------------------------------------------------


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project in English, Spanish and Arabic built with the Makefile's VARIANTS, as
    `make pdfs` builds the real one."""
    project = make_mini(tmp_path_factory.mktemp("variants") / "mini")
    add_language(project, "es", MINI_SPANISH)
    add_language(project, "ar", MINI_ARABIC)
    assert build(project, *makefile_variants()) == 0
    return project.root / "dist"


def test_make_pdfs_writes_every_file_the_readme_lists(variants) -> None:
    expected = {"index.html", "site.css", "manifest.json"}
    for tag in ("en", "es", "ar"):
        for suffix in VARIANT_SUFFIXES:
            expected |= {f"{tag}/sample{suffix}.pdf", f"{tag}/booklet{suffix}.pdf"}
            if tag != "en":  # a translation beside its English original
                expected.add(f"{tag}/sample.bilingual{suffix}.pdf")
        expected |= {f"{tag}/sample.html", f"{tag}/sample.png"}
    found = {p.relative_to(variants).as_posix() for p in variants.rglob("*") if p.is_file()}
    assert expected <= found
    assert any(name.startswith("fonts/") for name in found)  # the web pages' fonts


def test_check_pdfs_passes_every_variant_make_pdfs_builds(variants, capsys) -> None:
    capsys.readouterr()
    assert main(["check", "--pdfs", str(variants), "--paper", "letter", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert f"checked {len(pdfs_under(variants))} PDFs: 0 problems" in out


@pytest.mark.parametrize("suffix", VARIANT_SUFFIXES)
def test_each_print_size_is_what_the_readme_says(variants, suffix) -> None:
    """18 pt everywhere, page numbers included; 24 pt with --size extra-large. Read from every
    character pdfplumber finds (its size is the font size times the text matrix)."""
    floor = 24 if "extra-large" in suffix else 18
    for path in sorted(variants.rglob(f"*{suffix}.pdf")):
        if suffix == "" and any(s and s in path.name for s in VARIANT_SUFFIXES):
            continue
        with pdfplumber.open(path) as pdf:
            sizes = [round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip()]
        assert sizes and min(sizes) >= floor, (path.name, min(sizes))
        if floor == 18:
            assert min(sizes) < 24, path.name  # the standard print is not the extra-large one


def lightness(path: Path) -> float:
    """Mean grey level of the first page as pdfium draws it: 0 black, 1 white."""
    document = pypdfium2.PdfDocument(path)
    try:
        picture = document[0].render(scale=30 / 72).to_pil().convert("L")
    finally:
        document.close()
    histogram = picture.histogram()
    return sum(i * n for i, n in enumerate(histogram)) / (255 * sum(histogram))


def test_reverse_is_light_text_on_a_dark_page(variants) -> None:
    for path in sorted(variants.rglob("*.pdf")):
        shade = lightness(path)
        if "reverse" in path.name:
            assert shade < 0.2, (path.name, shade)
        else:
            assert shade > 0.8, (path.name, shade)


def test_the_index_links_every_pdf_and_is_plain_html(variants) -> None:
    """ "links to the web page, every print variant, the bilingual version and the booklet";
    "plain HTML with relative links and no script"."""
    index = read_page(variants / "index.html")
    assert index.scripts == 0
    assert all(not re.match(r"[a-z]+:|/", t) for t in index.targets), index.targets
    linked = {t for t in index.targets if t.endswith(".pdf")}
    assert linked == pdfs_under(variants)
    pages = {p.relative_to(variants).as_posix() for p in variants.rglob("*.html")} - {"index.html"}
    assert pages <= set(index.targets)
    # Each PDF's link is followed by its facts: "(PDF. Pages: 3. Size: 12 kB.)", in its language.
    facts = re.findall(
        r'href="([^"]+\.pdf)".*?</a>\s*<span class="facts">\([^)]*?(\d+)',
        (variants / "index.html").read_text(encoding="utf-8"),
        re.DOTALL,
    )
    assert {unquote(path) for path, _ in facts} == linked
    for path, count in facts:
        with pikepdf.open(variants / unquote(path)) as pdf:
            assert int(count) == len(pdf.pages), path


# --- Choosing what to build -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_languages(tmp_path_factory: pytest.TempPathFactory):
    project = make_mini(tmp_path_factory.mktemp("three") / "mini")
    for code, words in (("es", MINI_SPANISH), ("fr", MINI_FRENCH), ("ar", MINI_ARABIC)):
        add_language(project, code, words)
    return project


def test_lang_takes_a_comma_list_and_builds_those_languages(three_languages, tmp_path) -> None:
    out = tmp_path / "handouts"  # `--out /tmp/handouts`: elsewhere
    assert build(three_languages, "--lang", "es,fr", out=out) == 0
    tags = {p.parent.name for p in out.rglob("*.pdf")}
    assert {"es", "fr"} <= tags and "ar" not in tags
    assert "Premièrepartie" in squeeze(text(out / "fr/sample.pdf"))
    assert not (three_languages.root / "dist").exists()


@pytest.mark.parametrize(
    ("options", "clinic", "paper"),
    [
        ([], False, LETTER),  # the default
        (["--paper", "a4"], False, A4),
        ([], True, A4),  # clinic.yaml's paper
        (["--paper", "letter"], True, LETTER),  # --paper wins over clinic.yaml
    ],
    ids=["default", "paper-a4", "clinic-a4", "paper-over-clinic"],
)
def test_paper_comes_from_the_option_then_the_clinic_then_letter(
    built_es, tmp_path, options, clinic, paper
) -> None:
    if clinic:
        (built_es.root / "clinic.yaml").write_text("paper: a4\n")
    out = tmp_path / "out"
    assert build(built_es, "--lang", "es", "--handout", "sample", *options, out=out) == 0
    assert page_size(out / "es/sample.pdf") == pytest.approx(paper, abs=0.5)


def test_a_clinic_file_prints_every_detail_on_the_handout_and_its_web_page(built_es, tmp_path) -> None:
    """`--clinic FILE` with clinic.example.yaml as a clinic copies it: name, phone, website and
    address in the PDF and on the web page, in English and in Spanish."""
    example = yaml.safe_load((REPO / "clinic.example.yaml").read_text(encoding="utf-8"))
    details = [str(example[k]) for k in ("name", "phone", "website", "address")]
    profile = tmp_path / "elsewhere" / "our-clinic.yaml"
    profile.parent.mkdir()
    shutil.copy(REPO / "clinic.example.yaml", profile)
    out = tmp_path / "out"
    assert build(built_es, "--clinic", str(profile), "--handout", "sample", out=out) == 0
    for tag in ("en", "es"):
        printed = squeeze(text(out / tag / "sample.pdf"))
        page = squeeze(" ".join(read_page(out / tag / "sample.html").words))
        for detail in details:
            assert squeeze(detail) in printed, (tag, detail)
            assert squeeze(detail) in page, (tag, detail)
        assert page_size(out / tag / "sample.pdf") == pytest.approx(LETTER, abs=0.5)  # its paper


# --- Translations: status, review, drafts ----------------------------------------------------------


def catalog_counts(po: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated), counted here from the catalog as Babel reads it."""
    with po.open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    fuzzy = sum(m.fuzzy for m in messages)
    empty = sum(not m.fuzzy and not m.string for m in messages)
    return len(messages) - fuzzy - empty, fuzzy, empty


def review(project, status: str, reviewer: str = "") -> None:
    path = project.locales_dir / "es/translation.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.update(status=status, reviewer=reviewer)
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def test_status_counts_each_kind_of_entry_and_shows_the_review(built_es, capsys) -> None:
    retranslate(built_es, "es", "First part", "Primera parte", fuzzy=True)
    retranslate(built_es, "es", "Second item", "")
    translated, fuzzy, untranslated = catalog_counts(built_es.locales_dir / "es/LC_MESSAGES/handouts.po")
    assert (fuzzy, untranslated) == (1, 1)
    root = ["--root", str(built_es.root)]
    capsys.readouterr()
    assert main([*root, "status"]) == 0
    header, row = capsys.readouterr().out.splitlines()[:2]
    cells = dict(zip(header.split(), row.split(), strict=False))
    total = translated + fuzzy + untranslated
    assert cells["translated"] == str(translated) and cells["fuzzy"] == "1"
    assert cells["untranslated"] == "1" and cells["obsolete"] == "0"
    assert cells["percent"] == f"{100 * translated / total:.1f}"
    assert cells["review"] == "draft"
    review(built_es, "reviewed", "Ana Pérez")
    assert main([*root, "status", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["review"], entry["reviewer"]) == ("reviewed", "Ana Pérez")
    assert main([*root, "status"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[-1] == "reviewed"


def test_a_reviewed_translation_says_so_in_print_on_the_index_and_in_the_summary(
    built_es, capsys
) -> None:
    dist = built_es.root / "dist"
    draft, checked = squeeze(spanish(NOT_REVIEWED)), squeeze(spanish(REVIEWED))
    assert draft in squeeze(text(dist / "es/sample.pdf"))  # the copy as built: a draft
    review(built_es, "reviewed", "Ana Pérez")
    capsys.readouterr()
    assert build(built_es) == 0
    out = capsys.readouterr().out
    assert "2 built, 2 unchanged" in built_line(out)  # the Spanish handout and booklet only
    assert "draft" not in out
    for name in ("es/sample.pdf", "es/booklet.pdf"):
        printed = squeeze(text(dist / name))
        assert checked in printed and draft not in printed, name
    index = squeeze(" ".join(read_page(dist / "index.html").words))
    assert checked in index and draft not in index
    review(built_es, "draft")
    assert build(built_es) == 0
    out = capsys.readouterr().out
    assert "note    es: draft translation, not yet reviewed by a medical translator" in out
    assert draft in squeeze(text(dist / "es/sample.pdf"))


def test_an_unfinished_catalog_prints_english_marked_as_english_never_a_guess(built_es) -> None:
    """TRANSLATING.md: fuzzy and untranslated entries are never printed; with --allow-incomplete
    the missing sentences print in English, tagged as English."""
    retranslate(built_es, "es", "First part", "Primera parte (dudoso)", fuzzy=True)
    retranslate(built_es, "es", "Second item", "")
    assert build(built_es, "--allow-incomplete") == 0
    for name in ("es/sample.pdf", "es/booklet.pdf", "es/sample.bilingual.pdf"):
        if not (built_es.root / "dist" / name).exists():
            continue
        by_language = text_by_language(built_es.root / "dist" / name)
        assert "Firstpart" in by_language["en"] and "Seconditem" in by_language["en"], name
        assert "Primeraparte" not in "".join(by_language.values()), name
        assert "Primerpunto" in by_language["es"], name  # the finished entries are Spanish


def pixels(path: Path, dpi: int) -> Image.Image:
    document = pypdfium2.PdfDocument(path)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ by more than a quarter of the grey scale."""
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).histogram()
    return sum(histogram[64:]) / (a.width * a.height)


def test_preview_of_a_translation_is_its_pdf_also_while_unfinished(built_es, tmp_path) -> None:
    """`preview sample --lang es` draws the page the build prints; with a sentence not yet
    translated it still works and shows what --allow-incomplete prints."""
    root = ["--root", str(built_es.root)]
    dist = built_es.root / "dist"
    for step in ("complete", "unfinished"):
        if step == "unfinished":
            retranslate(built_es, "es", "First part", "")
            assert build(built_es, "--allow-incomplete", "--handout", "sample") == 0
        out = tmp_path / step
        assert main([*root, "preview", "sample", "--lang", "es", "--out", str(out), "--dpi", "40"]) == 0
        with Image.open(out / "es/sample-page-1.png") as shown:
            picture = shown.convert("L")
        assert difference(picture, pixels(dist / "es/sample.pdf", 40)) < 0.002, step
        assert difference(picture, pixels(dist / "en/sample.pdf", 40)) > 0.01, step  # not English


# --- The sharded CI workflow -------------------------------------------------------------------------


def test_a_sharded_build_merged_and_indexed_lists_every_output(built_es, tmp_path, capsys) -> None:
    """README: `--shard K/N` on each CI machine, then `manifest merge` and `index`. The index
    after the merge links every PDF, web page and picture of every shard."""
    other = built_es.handouts_dir / "other.yaml"
    other.write_text(
        (built_es.handouts_dir / "sample.yaml").read_text().replace("Sample handout", "Other handout")
    )
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}"
        assert build(built_es, "--shard", f"{k}/2", "--allow-incomplete", out=out) == 0
        shards.append(out)
    assert all(pdfs_under(out) for out in shards)  # each machine does a part of the work
    dist = tmp_path / "dist"  # each machine's files, downloaded into one folder
    for out in shards:
        shutil.copytree(out, dist, dirs_exist_ok=True, ignore=shutil.ignore_patterns("manifest.json"))
    parts = [str(out / "manifest.json") for out in shards]
    assert main(["manifest", "merge", *parts, "--out", str(dist)]) == 0
    assert main(["--root", str(built_es.root), "index", "--out", str(dist)]) == 0
    built = pdfs_under(dist)
    assert built == {f"{t}/{h}.pdf" for t in ("en", "es") for h in ("sample", "other", "booklet")}
    index = read_page(dist / "index.html")
    assert {t for t in index.targets if t.endswith(".pdf")} == built
    for kind in (".html", ".png"):
        assert {f"{t}/{h}{kind}" for t in ("en", "es") for h in ("sample", "other")} <= set(
            index.targets
        )
    assert all((dist / t).is_file() for t in index.targets if "#" not in t)


def test_manifest_merge_later_parts_win_and_other_formats_are_refused(
    built_es, tmp_path, capsys
) -> None:
    """A shard built again is merged after its first run: its entries replace the old ones."""
    real = json.loads((built_es.root / "dist/manifest.json").read_text())

    def part(name: str, data: dict) -> str:
        path = tmp_path / name / "manifest.json"
        path.parent.mkdir()
        path.write_text(json.dumps(data))
        return str(path)

    again = [{**e, "bytes": e["bytes"] + 1, "pages": 9} for e in real["outputs"]]
    first, second = part("first", real), part("again", {**real, "outputs": again})
    out = tmp_path / "merged"
    assert main(["manifest", "merge", first, second, "--out", str(out)]) == 0
    merged = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    assert merged == {e["path"]: e for e in again}
    capsys.readouterr()
    wrong = part("wrong", {**real, "format": real["format"] + 1})
    assert main(["manifest", "merge", wrong, "--out", str(tmp_path / "w")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and wrong in err[0] and "format" in err[0], err


@pytest.mark.parametrize("value", ["0/3", "4/3", "1/0", "two/3", "1"])
def test_a_wrong_shard_is_one_clear_line(built_es, value, capsys) -> None:
    capsys.readouterr()
    assert build(built_es, "--shard", value) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "--shard" in err[0] and "K/N" in err[0], err


# --- What an incremental build redoes ------------------------------------------------------------


def test_a_changed_clinic_profile_redraws_every_handout_with_the_new_details(built_es, capsys) -> None:
    (built_es.root / "clinic.yaml").write_text("phone: 555-0100\n")
    capsys.readouterr()
    assert build(built_es) == 0
    assert "4 built, 0 unchanged" in built_line(capsys.readouterr().out)
    (built_es.root / "clinic.yaml").write_text("phone: 555-0199\n")
    assert build(built_es) == 0
    assert "4 built, 0 unchanged" in built_line(capsys.readouterr().out)
    for name in ("en/sample.pdf", "es/sample.pdf", "es/booklet.pdf"):
        printed = text(built_es.root / "dist" / name)
        assert "555-0199" in printed and "555-0100" not in printed, name
    assert "555-0199" in (built_es.root / "dist/es/sample.html").read_text()


def test_a_deleted_or_edited_output_is_made_again_and_nothing_else(built_es, capsys) -> None:
    dist = built_es.root / "dist"
    before = snapshot(dist)
    (dist / "es/sample.pdf").unlink()
    damaged = bytearray(before["en/sample.pdf"])
    damaged[len(damaged) // 2] ^= 0xFF  # one byte changed, the size the same
    (dist / "en/sample.pdf").write_bytes(bytes(damaged))
    capsys.readouterr()
    assert build(built_es) == 0
    out = capsys.readouterr().out
    assert "2 built, 2 unchanged" in built_line(out)
    assert "es/sample.pdf" in out and "en/sample.pdf" in out and "booklet" not in out.split(" built,")[0]
    assert snapshot(dist) == before


def collection_of(source: Path, target: Path) -> Path:
    """One font file as a one-font collection (as Debian ships CJK fonts): a system font."""
    collection = TTCollection()
    collection.fonts = [TTFont(source)]
    collection.save(target)
    return target


@pytest.mark.parametrize(("script", "code"), [("Latn", "es"), ("Arab", "ar")])
def test_a_changed_font_redraws_the_pdfs_that_use_it(
    built_es, tmp_path, monkeypatch, capsys, script, code
) -> None:
    """A font of one script, installed as a system file: a new version of the file redraws the PDFs
    that print that script (every one for Latin, which English prints too; the Arabic ones for
    Arabic), with the new font in them, and nothing else."""
    add_language(built_es, "ar", MINI_ARABIC)
    assert build(built_es) == 0
    first, *others = fonts.SCRIPT_FONTS[script]
    files = {
        w: collection_of(Path(fonts.fontpkg.path(first.family, w)), tmp_path / f"{w}.ttc")
        for w in (400, 700)
    }
    source = fonts.FontSource(first.family, "fonts-test", tuple((w, str(p)) for w, p in files.items()))
    monkeypatch.setitem(fonts.SCRIPT_FONTS, script, (source, *others))
    assert build(built_es) == 0  # from the package to the system file: a new file
    capsys.readouterr()
    assert build(built_es) == 0
    assert "0 built, 6 unchanged" in built_line(capsys.readouterr().out)
    font = TTFont(files[400], fontNumber=0)
    font["head"].fontRevision = 9.5  # a new version of the regular font
    collection = TTCollection()
    collection.fonts = [font]
    collection.save(files[400])
    assert build(built_es) == 0
    redrawn = "6 built, 0 unchanged" if script == "Latn" else "2 built, 4 unchanged"
    out = capsys.readouterr().out
    assert redrawn in built_line(out), out
    assert 9.5 in embedded_revisions(built_es.root / f"dist/{code}/sample.pdf")


def embedded_revisions(path: Path) -> set[float]:
    """The `head` revision of every font file embedded in a PDF."""
    with pikepdf.open(path) as pdf:
        files = [
            bytes(d.FontFile2.read_bytes())
            for d in pdf.objects
            if isinstance(d, pikepdf.Dictionary) and "/FontFile2" in d
        ]
    return {round(TTFont(io.BytesIO(data))["head"].fontRevision, 2) for data in files}


# --- Where the build keeps its cache -------------------------------------------------------------


def test_the_cache_goes_where_handouts_cache_says_and_nothing_else_is_written(
    tmp_path, monkeypatch
) -> None:
    project = make_mini(tmp_path / "mini")
    add_language(project, "es", MINI_SPANISH)
    before = snapshot(project.root)
    cache = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE", str(cache))
    assert build(project, out=tmp_path / "out") == 0
    assert snapshot(project.root) == before  # the project folder could have been read-only
    assert any(cache.rglob("*.mo")) and pdfs_under(tmp_path / "out")
    monkeypatch.delenv("HANDOUTS_CACHE")
    copy = copy_project(project, tmp_path / "copy")
    assert build(copy, out=tmp_path / "out2") == 0
    assert any((copy.root / ".cache").rglob("*.mo"))  # without it: .cache/ in the project


# --- The table of promises ----------------------------------------------------------------------


def test_the_promise_table_names_only_tests_that_exist() -> None:
    """tests/README.md maps each promise to its tests: every `module::name` there is a test of that
    module (`module::*` is the whole module), so a renamed or removed test shows here."""
    table = (REPO / "tests/README.md").read_text(encoding="utf-8").split("## Every promise", 1)[1]
    named = re.findall(r"\b([a-z_]+)::(\*|test_[a-z0-9_]+)", table)
    assert len(named) > 80
    missing = []
    for module, test in named:
        path = REPO / "tests" / f"test_{module}.py"
        source = path.read_text(encoding="utf-8") if path.is_file() else ""
        if not source or (test != "*" and f"def {test}(" not in source):
            missing.append(f"{module}::{test}")
    assert missing == []
