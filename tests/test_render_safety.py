"""Rendering reads nothing outside the project and never touches the network, whatever a handout or a
translation holds: translated text (content and template strings alike) is escaped, and the URL fetcher
refuses everything but the project's templates and prepared fonts even when markup does get through."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import jinja2
import pikepdf
import pytest
import weasyprint
from babel.messages.pofile import read_po
from weasyprint.urls import URLFetcher

from handoutpress.build import template_messages
from handoutpress.clinic import Clinic
from handoutpress.content import load_collection
from handoutpress.documents import HANDOUT_TEMPLATE
from handoutpress.fonts import choose_font
from handoutpress.locales import language
from handoutpress.render import ProjectFetcher, Renderer
from handoutpress.reviews import Review
from handoutpress.styles import StyleOptions
from handoutpress.translate import Translator, translate

from .conftest import MINI_SPANISH, Guard
from .pdfinfo import text

MARKER = "MARKER-7f3e9c1d-outside-the-project"
#: Breaks out of HTML and out of a CSS string at once.
PAYLOAD = ' <script>alert(1)</script><img src="file:///etc/passwd">"); } @import url(file:///x); {'


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files outside the project that a hostile page would like to pull in, each carrying MARKER."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "marker.txt").write_text(MARKER)
    (folder / "evil.css").write_text(f'body::after {{ content: "{MARKER}" }}')
    (folder / "marker.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text x="0" y="20">{MARKER}</text></svg>'
    )
    return folder


def hostile_html(outside: Path) -> str:
    """Markup that, if it ever reached WeasyPrint unescaped, would pull every file in."""
    uri = outside.as_uri()
    return (
        '<html lang="en"><head><title>T</title>'
        f'<link rel="stylesheet" href="{uri}/evil.css">'
        f'<link rel="attachment" href="{uri}/marker.txt">'
        f'<style>@import url("{uri}/evil.css"); h1 {{ background: url("{uri}/marker.svg") }}</style>'
        "</head><body><h1>Title</h1>"
        f'<img src="{uri}/marker.svg" alt="x"><object data="{uri}/marker.svg"></object>'
        f'<embed src="{uri}/marker.svg"><a rel="attachment" href="{uri}/marker.txt">file</a>'
        '<img src="http://evil.example/beacon.png" alt="y"></body></html>'
    )


def everything_in(pdf_path: Path) -> bytes:
    """Every stream of the PDF, decompressed, and its text layer: where a marker could hide."""
    parts = [text(pdf_path).encode()]
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
    return b"\n".join(parts)


def render_with(fetcher: object, html: str, tmp_path: Path) -> Path:
    path = tmp_path / "out.pdf"
    weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(path)
    return path


def test_weasyprint_alone_would_pull_the_files_in(outside, guard: Guard, tmp_path) -> None:
    """The control: without the project's fetcher the marker does reach the PDF, so the test below
    can fail (the guard refuses the page's web address: no test reaches the network)."""
    path = render_with(URLFetcher(), hostile_html(outside), tmp_path)
    assert MARKER.encode() in everything_in(path)


def test_the_project_fetcher_keeps_every_outside_file_out(outside, mini, tmp_path) -> None:
    renderer = Renderer(mini.templates_dir)
    font = choose_font("Latn", ["Title"], mini.cache_dir)
    css = renderer.stylesheet(language("en"), Translator(language("en"), {}), font, StyleOptions())
    rendered = renderer.pdf(hostile_html(outside), css, [font], "hostile")
    path = tmp_path / "out.pdf"
    path.write_bytes(rendered.data)
    assert MARKER.encode() not in everything_in(path)
    asked = {url.rsplit("/", 1)[-1] for url in renderer.fetcher.refused}
    assert {"evil.css", "marker.txt", "marker.svg", "beacon.png"} <= asked


def test_no_network_connection_is_attempted(outside, mini, guard: Guard, tmp_path) -> None:
    renderer = Renderer(mini.templates_dir)
    font = choose_font("Latn", ["Title"], mini.cache_dir)
    css = renderer.stylesheet(language("en"), Translator(language("en"), {}), font, StyleOptions())
    renderer.pdf(hostile_html(outside), css, [font], "hostile")
    assert guard.connections == []
    assert "http://evil.example/beacon.png" in renderer.fetcher.refused
    # The control: WeasyPrint's own fetcher does reach for the network (for evil.example, or for
    # the proxy that http_proxy names), and the guard sees it.
    render_with(URLFetcher(), hostile_html(outside), tmp_path)
    assert guard.connections


URLS: dict[str, Callable[[Path, Path], str]] = {
    "http": lambda templates, outside: "http://evil.example/x.css",
    "https": lambda templates, outside: "https://evil.example/font.ttf",
    "ftp": lambda templates, outside: "ftp://evil.example/x.css",
    "data": lambda templates, outside: "data:text/css,body{color:red}",
    "javascript": lambda templates, outside: "javascript:alert(1)",
    "file elsewhere": lambda templates, outside: (outside / "marker.txt").as_uri(),
    "system file": lambda templates, outside: "file:///etc/passwd",
    "file on a host": lambda templates, outside: "file://evil.example/share/x.css",
    "dot-dot out of templates": lambda templates, outside: templates.as_uri() + "/../secret.txt",
    "encoded dot-dot": lambda templates, outside: templates.as_uri() + "/%2e%2e/secret.txt",
    "symlink out of templates": lambda templates, outside: (templates / "link.css").as_uri(),
}


@pytest.mark.parametrize("kind", URLS)
def test_the_fetcher_refuses_everything_but_templates_and_fonts(kind, outside, tmp_path) -> None:
    templates = tmp_path / "project/templates"
    templates.mkdir(parents=True)
    (templates / "print.css").write_text("p { color: black }")
    (templates / "link.css").symlink_to(outside / "evil.css")
    (tmp_path / "project/secret.txt").write_text(MARKER)
    font = tmp_path / "font.ttf"
    font.write_bytes(b"not really a font")
    fetcher = ProjectFetcher([templates], [font])

    url = URLS[kind](templates, outside)
    with pytest.raises(ValueError, match="refused to fetch"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    # What it is for still works: a template file and an allowed font file.
    assert fetcher.fetch((templates / "print.css").as_uri()).read() == b"p { color: black }"
    assert fetcher.fetch(font.as_uri()).read() == b"not really a font"


def test_jinja_newstyle_gettext_would_not_escape_a_translation() -> None:
    """The trap this project steps around (see DESIGN.md): Jinja's own newstyle gettext returns a
    translation as safe markup, so under autoescape it is printed as HTML."""
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(lambda s: PAYLOAD, lambda s, p, n: PAYLOAD, newstyle=True)  # type: ignore[attr-defined]
    assert "<script>" in env.from_string('{{ _("Contact your care team") }}').render()


def test_every_template_string_is_escaped_when_translated(mini_es) -> None:
    """Each string of templates/*.j2 with a hostile translation: text in the HTML, a plain CSS string
    in the stylesheet (the page footer)."""
    collection = load_collection(mini_es.handouts_dir, mini_es.root)
    handout = collection.handout("sample")
    template_ids = template_messages(mini_es)
    assert "Page {page} of {pages}" in template_ids and "Contact your care team" in template_ids
    translations = {**MINI_SPANISH, **{m: m + PAYLOAD for m in template_ids}}
    with mini_es.pot.open("rb") as fh:  # the strings of the handout's own templates
        handout_ids = {
            m.id for m in read_po(fh) if m.id and any("_handout" in loc for loc, _ in m.locations)
        }
    lang = language("es")
    clinic = Clinic(name="Clinic", phone="555", website="example.org", address="1 Road")
    renderer = Renderer(mini_es.templates_dir)

    html_translator = Translator(lang, translations)
    translated = translate(handout, html_translator, clinic.values())
    review = Review(status="draft", translated=dt.date(2026, 11, 20))
    doc = renderer.part(translated, html_translator, review)
    html = renderer.document(HANDOUT_TEMPLATE, html_translator, "The producer", clinic, doc=doc)
    # Each string of the handout's templates (as the POT lists them) prints, escaped: all but the
    # two lines of a check no one has made yet (the translation and the handout are drafts).
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= len(handout_ids) - 2
    assert "<script" not in html and "<img" not in html

    css_translator = Translator(lang, translations)
    css = renderer.stylesheet(lang, css_translator, None, StyleOptions())
    assert any("<script>" in t for t in css_translator.printed)
    assert "@import" not in css and "url(" not in css and "<script" not in css
    footer = re.search(r"content: (.*);", css)
    assert footer and "counter(page" in footer.group(1)


def test_a_hostile_handout_prints_as_text_a_hostile_translation_is_refused_and_nothing_is_fetched(
    mini_es, outside, guard: Guard, capsys
) -> None:
    """The whole build: English content and a Spanish translation both try to pull the outside
    files in. The English prints as text (content is the maintainers', escaped like the rest); the
    translation is refused by the catalog rules before anything is drawn, naming its line (that it
    would print as text too is proved above, below the rules)."""
    from handoutpress.cli import main

    uri = outside.as_uri()
    grab = f'<link rel="stylesheet" href="{uri}/evil.css"><img src="{uri}/marker.svg">'
    sample = mini_es.handouts_dir / "sample.yaml"
    sample.write_text(sample.read_text().replace("summary: A short summary.", f"summary: '{grab}'"))
    assert main(["--root", str(mini_es.root), "extract"]) == 0
    assert main(["--root", str(mini_es.root), "update"]) == 0
    po = mini_es.locales_dir / "es/LC_MESSAGES/handouts.po"
    escaped = grab.replace('"', '\\"')
    po.write_text(po.read_text().replace('msgstr "Primera parte"', f'msgstr "{escaped}"'))
    line = po.read_text().splitlines().index(f'msgstr "{escaped}"') + 1
    out = mini_es.root / "dist"
    args = ["--root", str(mini_es.root), "build", "--allow-incomplete", "--jobs", "1", "--out", str(out)]
    capsys.readouterr()
    assert main(args) == 1
    # Twenty times as long as its English: refused for that alone (the length rule is a
    # precondition; its markup is not searched for).
    assert capsys.readouterr().err.splitlines() == [
        f"locales/es/LC_MESSAGES/handouts.po:{line}: {len(grab):,} characters, {len(grab) // 10} times "
        "the English's 10 (say what it says, in as many words) in translation of 'First part'",
    ]
    assert not out.exists() or not list(out.rglob("*.pdf"))
    assert main([*args, "--lang", "en"]) == 0
    pdf = out / "en/sample.pdf"
    assert MARKER.encode() not in everything_in(pdf)
    assert f'<link rel="stylesheet" href="{uri}/evil.css">' in text(pdf).replace("\n", "")
    assert guard.connections == []
    assert all(url.startswith("file://") and url.endswith(".ttf") for url in guard.fetched)
