"""Left-to-right runs inside right-to-left text: an Arabic handout printed for a clinic whose name,
phone and website are Latin. Each run must be drawn whole and in its own order (read from the glyph
positions on the page, not only from the extracted text), in the project's Latin face, and tagged
with its own language, in the PDF and in the web page."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from handoutpress.cli import main

from .accessibility import axe_violations
from .conftest import MINI_ARABIC, add_language, make_mini

CLINIC = {
    "name": "Riverside Movement Clinic",
    "phone": "+1 (555) 010-0199",
    "website": "https://riverside.example.org/dystonia",
}
#: The Arabic words the template prints before the phone and the website (locales/ar).
LABELS = {"phone": "الهاتف:", "website": "الموقع الإلكتروني:"}


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project in Arabic with a clinic profile in English (its default language)."""
    project = make_mini(tmp_path_factory.mktemp("bidi") / "mini")
    add_language(project, "ar", MINI_ARABIC)
    (project.root / "clinic.yaml").write_text(
        "".join(f"{key}: '{value}'\n" for key, value in CLINIC.items()), encoding="utf-8"
    )
    out = project.root / "dist"
    assert main(["--root", str(project.root), "build", "--lang", "ar", "--out", str(out)]) == 0
    return out


def runs_by_language(path: Path) -> list[tuple[str, list[dict]]]:
    """Every structure element that carries /Lang, with its language and the characters drawn for
    it (pdfplumber's, with their boxes), page by page: a character belongs to the nearest element
    with /Lang above its marked content in the structure tree (the ParentTree says which)."""
    owners: dict[tuple[int, int], tuple[int, str]] = {}
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for index, page in enumerate(pdf.pages):
            elements = parents.get(int(page.obj.get("/StructParents", -1)))
            for mcid, element in enumerate(elements if isinstance(elements, pikepdf.Array) else []):
                while isinstance(element, pikepdf.Dictionary) and "/Lang" not in element:
                    element = element.get("/P")
                if isinstance(element, pikepdf.Dictionary) and element.get("/S") != "/Document":
                    owners[index, mcid] = (element.objgen[0], str(element.Lang))
    runs: dict[tuple[int, int], tuple[str, list[dict]]] = {}
    with pdfplumber.open(path) as plumber:
        for index, page in enumerate(plumber.pages):
            for char in page.chars:
                owner = owners.get((index, char.get("mcid")))
                if owner is not None:
                    runs.setdefault((index, owner[0]), (owner[1], []))[1].append(char)
    return list(runs.values())


def line_of(chars: list[dict], all_chars: list[dict]) -> list[dict]:
    """Every character drawn on the same line as `chars`: the same baseline (the text matrix's
    origin; each font's boxes differ in height), within a point."""
    baseline = chars[0]["matrix"][5]
    return [c for c in all_chars if abs(c["matrix"][5] - baseline) < 1]


def test_each_latin_run_is_drawn_whole_in_order_in_the_latin_face_and_tagged_english(arabic) -> None:
    path = arabic / "ar/sample.pdf"
    runs = runs_by_language(path)
    with pdfplumber.open(path) as plumber:
        pages = [page.chars for page in plumber.pages]
    for field, value in CLINIC.items():
        found = [(lang, chars) for lang, chars in runs if "".join(c["text"] for c in chars) == value]
        assert len(found) == 1, f"{field}: no single run drawn as {value!r}"
        lang, chars = found[0]
        assert lang == "en", field
        page = next(p for p in pages if chars[0] in p)
        line = line_of(chars, page)
        assert all(c in line for c in chars), f"{field}: split over lines"
        # In its own order: left to right as written, with nothing else drawn in between.
        left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
        between = sorted((c for c in line if c["x0"] >= left - 0.5 and c["x1"] <= right + 0.5),
                         key=lambda c: c["x0"])  # fmt: skip
        assert "".join(c["text"] for c in between) == value, field
        fonts = {c["fontname"].split("+")[-1] for c in chars if c["text"].strip()}
        assert all(f.startswith("hp-atkinson-hyperlegible") for f in fonts), (field, fonts)
        if field in LABELS:
            # The paragraph stays right to left: the Arabic label stands to the right of the run.
            label = [c for c in line if c not in chars and c["text"].strip()]
            assert "".join(c["text"] for c in sorted(label, key=lambda c: c["x0"])).strip()
            assert min(c["x0"] for c in label) >= right - 0.5, field


def test_latin_citations_and_the_producer_are_english_runs_in_the_latin_face(arabic) -> None:
    runs = runs_by_language(arabic / "ar/sample.pdf")
    # A run broken over two lines is two elements, each with /Lang: read them in order.
    # Spaces of any kind left out: a no-break space keeps a paragraph's last two words together.
    english = "".join(c["text"] for lang, chars in runs if lang == "en" for c in chars).split()
    for phrase in ("The test producer", "A test source. Test Journal, 2020"):
        assert "".join(phrase.split()) in "".join(english)
    assert "Samplehandout" in "".join(english)  # the English title it translates
    for lang, chars in runs:
        fonts = {c["fontname"].split("+")[-1] for c in chars if c["text"].strip()}
        face = "hp-atkinson-hyperlegible" if lang == "en" else "hp-amiri"
        assert all(f.startswith(face) for f in fonts), (lang, fonts)


def test_the_web_page_isolates_each_latin_run_in_its_own_language_and_face(arabic, browser) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    try:
        page = context.new_page()
        page.goto((arabic / "ar/sample.html").as_uri())
        for field, value in CLINIC.items():
            run = page.locator("section.clinic span", has_text=value)
            assert run.count() == 1, field
            facts = run.evaluate(
                """e => {
                  const style = getComputedStyle(e);
                  const label = document.createRange();
                  label.selectNodeContents(e.parentElement.firstChild);
                  return {lang: e.closest('[lang]').lang, bidi: style.unicodeBidi,
                          direction: style.direction, font: style.fontFamily,
                          right: e.getBoundingClientRect().right,
                          label: e.parentElement.firstChild === e ? null
                                 : label.getBoundingClientRect().left};
                }"""
            )
            assert facts["lang"] == "en" and facts["direction"] == "ltr", field
            assert facts["bidi"] == "isolate", field
            assert facts["font"].split(",")[0].strip('"') == "hp-atkinson-hyperlegible", field
            if field in LABELS:  # the Arabic label to the right of the run, as in the PDF
                assert facts["label"] >= facts["right"] - 0.5, field
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_clinics_details_carry_the_language_its_profile_names(mini) -> None:
    """A Spanish-speaking clinic handing out the English handout: its name and address are Spanish
    words inside English text, and a screen reader must read them as Spanish."""
    (mini.root / "clinic.yaml").write_text(
        "name: Clínica del Río\naddress: Calle Mayor 12, Sevilla\nlanguage: es\n", encoding="utf-8"
    )
    out = mini.root / "dist"
    assert main(["--root", str(mini.root), "build", "--lang", "en", "--out", str(out)]) == 0
    runs = {
        "".join(c["text"] for c in chars): lang
        for lang, chars in runs_by_language(out / "en/sample.pdf")
    }
    assert runs["Clínica del Río"] == "es"
    assert runs["Calle Mayor 12, Sevilla"] == "es"
