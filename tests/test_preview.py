"""`preview`: PNG pictures of the real PDF's pages, for translators and reviewers."""

from __future__ import annotations

from PIL import Image

from handoutpress.cli import main


def dark_share(path) -> float:
    """Share of pixels darker than mid grey."""
    grey = Image.open(path).convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / (grey.width * grey.height)


def test_preview_writes_one_png_per_page_at_the_asked_resolution(mini, capsys) -> None:
    out = mini.root / "preview"
    assert main(["--root", str(mini.root), "preview", "sample", "--out", str(out), "--dpi", "50"]) == 0
    page = out / "en/sample-page-1.png"
    assert f"wrote {page}" in capsys.readouterr().out
    with Image.open(page) as image:
        assert image.format == "PNG"
        assert image.size == (425, 550)  # Letter, 8.5 x 11 inches at 50 dpi
    assert 0.001 < dark_share(page) < 0.2  # black text on a white page, not a blank picture


def test_preview_shows_the_reverse_theme_and_a4(mini) -> None:
    out = mini.root / "preview"
    args = ["preview", "sample", "--out", str(out), "--dpi", "50", "--theme", "reverse"]
    assert main(["--root", str(mini.root), *args, "--paper", "a4"]) == 0
    page = out / "en/sample.reverse-page-1.png"
    with Image.open(page) as image:
        width, height = image.size  # A4, 210 x 297 mm at 50 dpi: 413.4 x 584.6 pixels
        assert abs(width - 413.4) < 1 and abs(height - 584.6) < 1
    assert dark_share(page) > 0.8  # light text on a dark page


def test_preview_of_an_unknown_handout_is_one_clear_error(mini, capsys) -> None:
    assert main(["--root", str(mini.root), "preview", "nope"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no handout 'nope'; known: sample")
