"""The PDF audit: a good handout passes, and each check fails on a PDF broken in its own way."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import weasyprint

from handoutpress.checks import Expectations, check_pdf, contrast
from handoutpress.cli import main

GOOD_HTML = (
    '<html lang="en"><head><title>T</title></head><body style="font: 18pt sans-serif">'
    "<h1>Title</h1><p>Some text.</p>{extra}</body></html>"
)


@pytest.fixture
def good_pdf(built_es) -> Path:
    return built_es.root / "dist/en/sample.pdf"


def weasy(tmp_path: Path, extra: str = "", css: str = "", html: str = GOOD_HTML) -> Path:
    path = tmp_path / "broken.pdf"
    stylesheet = weasyprint.CSS(string=css or "@page { size: letter }")
    weasyprint.HTML(string=html.format(extra=extra)).write_pdf(
        path, stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
    return path


def messages(path: Path, **expect) -> list[str]:
    return [p.message for p in check_pdf(path, Expectations(**expect))]


def test_a_built_handout_passes_every_check(good_pdf) -> None:
    assert check_pdf(good_pdf, Expectations(paper="letter")) == []


def test_contrast_formula_follows_wcag() -> None:
    assert contrast((0.0,), (1.0,)) == pytest.approx(21.0)
    grey = 0x59 / 255  # #595959 on white is 7.0:1 in WCAG's own examples
    assert 6.9 < contrast((grey, grey, grey), (1.0, 1.0, 1.0)) < 7.1
    assert contrast((0.5,), (1.0,)) == pytest.approx(3.98, abs=0.01)  # mid grey: 0.2140 luminance


def test_small_text_fails(tmp_path) -> None:
    path = weasy(tmp_path, extra='<p style="font-size: 12pt">Small print.</p>')
    assert any("12.0 pt, under 18 pt" in m for m in messages(path))
    assert any("under 24 pt" in m for m in messages(weasy(tmp_path), min_size=24))


def test_low_contrast_fails(tmp_path) -> None:
    path = weasy(tmp_path, extra='<p style="color: #777">Grey text.</p>')
    assert any(m.startswith("contrast 4.48:1") for m in messages(path))
    # Enough for WCAG AA (4.5:1), not for the 7:1 (AAA) the guidelines ask of large print.
    middle = weasy(tmp_path, extra='<p style="color: #666">Grey text.</p>')
    assert any(m.startswith("contrast 5.74:1 under 7:1") for m in messages(middle))
    dark = weasy(tmp_path, css="@page { size: letter; background: #000 } body { color: #333 }")
    assert any(m.startswith("contrast") for m in messages(dark))


def test_heading_order_fails(tmp_path) -> None:
    assert any("one H1" in m for m in messages(weasy(tmp_path, extra="<h1>Again</h1>")))
    assert any("H1 then H3" in m for m in messages(weasy(tmp_path, extra="<h3>Deep</h3>")))


def test_heading_at_the_bottom_of_a_page_fails(tmp_path) -> None:
    orphan = weasy(tmp_path, extra='<h2 style="break-after: page">Alone</h2><p>Overleaf.</p>')
    assert messages(orphan) == ["the page ends with a heading: its section starts overleaf"]
    kept = weasy(tmp_path, extra='<h2>Kept</h2><p style="break-after: page">Here.</p><p>Next.</p>')
    assert messages(kept) == []


def test_untagged_footer_fails_before_the_fix(tmp_path) -> None:
    """Raw WeasyPrint 70 output with a page footer: the check finds upstream issue #1836. Drawn by
    the `weasyprint` command, a process of its own, where handoutpress.tagging's fixes are not in."""
    source, css, path = tmp_path / "footer.html", tmp_path / "footer.css", tmp_path / "footer.pdf"
    source.write_text(GOOD_HTML.format(extra=""), encoding="utf-8")
    css.write_text('@page { size: letter; @bottom-center { content: "Page " counter(page) } }')
    weasyprint_command = Path(sys.executable).with_name("weasyprint")
    subprocess.run(
        [weasyprint_command, "--pdf-variant", "pdf/ua-1", "-s", css, source, path], check=True
    )
    assert any("neither in the structure tree nor an artifact" in m for m in messages(path))


def test_missing_language_title_and_fonts_fail(good_pdf, tmp_path) -> None:
    broken = tmp_path / "stripped.pdf"
    with pikepdf.open(good_pdf) as pdf:
        del pdf.Root.Lang
        pdf.Root.ViewerPreferences.DisplayDocTitle = False
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            del meta["dc:title"]
        for font in pdf.pages[0].Resources.Font.values():
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            del target.FontDescriptor.FontFile2
            del font.ToUnicode
        pdf.save(broken)
    found = messages(broken)
    assert "no document language (/Lang)" in found
    assert "no document title (dc:title)" in found
    assert any("DisplayDocTitle" in m for m in found)
    assert any(m.endswith("is not embedded") for m in found)
    assert any("no ToUnicode" in m for m in found)


def test_notdef_glyph_fails(tmp_path) -> None:
    path = weasy(tmp_path, extra="<p>Private use \ue000 character.</p>")
    assert "a .notdef glyph (missing character) is drawn" in messages(path)


def test_paper_size_fails(tmp_path) -> None:
    path = weasy(tmp_path, css="@page { size: a4 }")
    assert all("page is" not in m for m in messages(path, paper="a4"))
    assert any("page is 595x842 pt, not letter" in m for m in messages(path, paper="letter"))


def test_check_command_names_file_and_page(good_pdf, tmp_path, capsys) -> None:
    weasy(tmp_path, extra='<p style="font-size: 10pt">Tiny.</p>')
    assert main(["check", "--pdfs", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'broken.pdf'}: page 1: text at 10.0 pt" in err
    assert main(["check", "--pdfs", str(good_pdf.parent)]) == 0


def test_check_command_reports_the_smallest_text_and_lowest_contrast(tmp_path, capsys) -> None:
    # #595959 on white is exactly 7:1 (WCAG's example); the body text is 18 pt (GOOD_HTML).
    weasy(tmp_path, extra='<p style="font-size: 30pt; color: #595959">Grey.</p>')
    assert main(["check", "--pdfs", str(tmp_path), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert f"smallest text: 18.0 pt ({tmp_path / 'broken.pdf'} page 1)" in out
    assert f"lowest contrast: 7.00:1 ({tmp_path / 'broken.pdf'} page 1)" in out


def test_the_check_command_reports_what_the_pdf_ua_validator_finds(good_pdf, tmp_path, capsys) -> None:
    """An empty destination in a ToUnicode map (`<0003> <>`, what WeasyPrint wrote for the glyphs
    of Devanagari clusters) is malformed for PDF/UA-1: `page-validation` says so, and the audit
    reports it beside its own findings."""
    import re

    broken = tmp_path / "broken" / "empty-map.pdf"
    broken.parent.mkdir()
    with pikepdf.open(good_pdf) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        head, mappings = font.ToUnicode.read_bytes().split(b"beginbfchar", 1)
        emptied, count = re.subn(rb"(<[0-9a-f]{4}> )<[0-9a-f]+>", rb"\1<>", mappings, count=1)
        assert count == 1
        font.ToUnicode.write(head + b"beginbfchar" + emptied)
        pdf.save(broken)
    assert main(["check", "--pdfs", str(broken.parent), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert "PDFUA1-FONT-UNICODE-MAPPING-001" in captured.err
    assert "malformed ToUnicode CMap" in captured.err
    assert "PDF/UA-1 as page-validation 0.11.0 judges it: 1 of 1 PDFs fail" in captured.out
    assert main(["check", "--pdfs", str(good_pdf.parent), "--jobs", "1"]) == 0
    assert "judges it: 0 of 2 PDFs fail" in capsys.readouterr().out  # the handout and its booklet


def test_an_extra_large_pdf_is_held_to_24_pt(good_pdf, tmp_path, capsys) -> None:
    """README: `--size extra-large` prints at 24 pt. A PDF named as the extra-large print but
    printed at 18 pt (the standard print, copied) fails the audit; the same file under its own
    name passes."""
    shutil.copy(good_pdf, tmp_path / "sample.extra-large.pdf")
    assert main(["check", "--pdfs", str(tmp_path), "--jobs", "1"]) == 1
    assert "text at 18.0 pt" in capsys.readouterr().err
    (tmp_path / "sample.extra-large.pdf").rename(tmp_path / "sample.pdf")
    assert main(["check", "--pdfs", str(tmp_path), "--jobs", "1"]) == 0
