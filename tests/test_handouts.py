"""The shipped handouts themselves: original wording, jargon explained, a booklet of them all, and
catalogs in step with them. These run over the real content, so CI keeps them true; the limits
issue 19 sets (reading level, pages, the safety box, own text, scores) are in test_content_limits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from handoutpress.catalogs import (
    catalog_languages,
    catalog_path,
    catalog_status,
    outdated_line,
    read_catalog,
    read_template,
    rewrap_line,
)
from handoutpress.content import load_collection
from handoutpress.readability import copied_runs

from .conftest import REPO

COLLECTION = load_collection(REPO / "handouts", REPO)
HANDOUTS = {h.id: h for h in COLLECTION.handouts}
SOURCE_RUNS = {
    line.strip()
    for line in (REPO / "tests/data/article-8grams.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
#: Terms a reader may not know; each must be bold and explained where a handout first uses it.
JARGON = (
    "dystonia", "botulinum toxin", "basal ganglia", "deep brain stimulation", "denervation", "MRI",
    "dopamine", "dyskinesia", "torticollis", "blepharospasm", "physical therapist",
    "occupational therapist",
)  # fmt: skip
#: What follows a defined term: an apposition (", a brain chemical"), brackets, or a defining verb.
DEFINITION = re.compile(r"\s*(\(|,|(is|are|means|makes|affects|teaches|helps|gives|holds)\b)")
EXPECTED = {
    "overview", "focal-dystonia", "segmental-dystonia", "multifocal-dystonia", "generalized-dystonia",
    "hemidystonia", "cervical-dystonia", "blepharospasm", "laryngeal-dystonia", "planning-your-day",
    "staying-active", "managing-pain", "mobility-aids",
}  # fmt: skip


def test_every_type_topic_and_the_overview_has_a_handout() -> None:
    assert set(HANDOUTS) == EXPECTED
    assert {h.kind for h in COLLECTION.handouts} == {"type", "coping", "overview"}


def test_the_originality_check_catches_a_copied_sentence() -> None:
    from dataclasses import replace

    from handoutpress.content import Text

    copied = (
        "Dystonia is not dangerous or life-threatening, but it can interfere with the quality of life."
    )
    handout = replace(HANDOUTS["overview"], summary=Text(copied, "x", 1))
    assert copied_runs(handout, SOURCE_RUNS)


@pytest.mark.parametrize("handout_id", sorted(EXPECTED))
def test_no_eight_words_in_a_row_from_the_article(handout_id: str) -> None:
    assert copied_runs(HANDOUTS[handout_id], SOURCE_RUNS) == []


@pytest.mark.parametrize("handout_id", sorted(EXPECTED))
def test_jargon_is_bold_and_explained_at_first_use(handout_id: str) -> None:
    headings = {s.heading.msgid for s in HANDOUTS[handout_id].sections}
    # Title, summary and headings name a term; the body is where it is explained.
    texts = [t.msgid for t in HANDOUTS[handout_id].texts()[2:] if t.msgid not in headings]
    for term in JARGON:
        first = next((t for t in texts if term.lower() in t.replace("**", "").lower()), None)
        if first is None:
            continue
        bold = f"**{term.lower()}**"
        assert bold in first.lower(), f"{term!r} first used without explanation: {first!r}"
        after = first.lower().split(bold, 1)[1]
        assert DEFINITION.match(after), f"{term!r} is not explained where first used: {first!r}"


def test_the_english_booklet_holds_every_handout_whole(shipped_pdfs: Path) -> None:
    """Its pages are a cover, the contents, then each handout from a new page: as many pages as the
    handouts printed one by one. (Their limits, 4 pages each, are in test_content_limits.)"""
    import pikepdf

    pages = {p.stem: len(pikepdf.open(p).pages) for p in (shipped_pdfs / "en").glob("*.pdf")}
    booklet = pages.pop("booklet")
    assert set(pages) == EXPECTED
    assert booklet == 2 + sum(pages.values())


@pytest.mark.parametrize("code", catalog_languages(REPO / "locales"))
def test_catalogs_are_in_step_with_the_content(code: str) -> None:
    """CI fails when a committed catalog is not what `update` writes from the committed template
    (which test_extract keeps equal to the content), wrapping included: shipped catalogs are stored
    the one way, so the next change of the English is a small diff. The line says where."""
    po, pot = catalog_path(REPO / "locales", code), REPO / "locales/handouts.pot"
    assert outdated_line(read_catalog(po), read_template(pot)) is None
    assert rewrap_line(po, pot) is None


@pytest.mark.parametrize("code", catalog_languages(REPO / "locales"))
def test_shipped_catalogs_are_complete(code: str) -> None:
    status = catalog_status(code, read_catalog(catalog_path(REPO / "locales", code)))
    assert (status.untranslated, status.fuzzy) == (0, 0)


@pytest.mark.parametrize("code", catalog_languages(REPO / "locales"))
def test_shipped_catalogs_pass_the_strict_lint(code: str, tmp_path: Path) -> None:
    """Includes Plural-Forms as Babel writes them (ar has 6 forms, vi 1: CLDR tags omit "other")."""
    from handoutpress.lint import lint_catalog

    assert [
        str(p) for p in lint_catalog(catalog_path(REPO / "locales", code), tmp_path, strict=True)
    ] == []
