"""The index page and the web pages, in a real browser: Debian's chromium driven by Playwright.

The browser is never downloaded (`playwright install` is not used): `make test` installs Debian's
chromium when run as root. Without it these tests fail and say so; they never skip in silence.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from handoutpress.cli import main

from .accessibility import TAGS, axe_rules, axe_version, axe_violations
from .conftest import MINI_ARABIC, MINI_SPANISH, add_language, make_mini


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The mini project in English, Spanish and Arabic, with two handouts, built like `make pdfs`."""
    project = make_mini(tmp_path_factory.mktemp("site") / "mini")
    text = (project.root / "handouts/sample.yaml").read_text()
    (project.root / "handouts/other.yaml").write_text(text.replace("Sample handout", "Other handout"))
    add_language(project, "es", {**MINI_SPANISH, "Other handout": "Otro folleto"})
    add_language(project, "ar", {**MINI_ARABIC, "Other handout": "نشرة أخرى"})
    out = project.root / "dist"
    args = ["--root", str(project.root), "build", "--out", str(out), "--jobs", "1", "--bilingual"]
    assert main([*args, "--size", "standard", "--size", "extra-large"]) == 0
    return out


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    yield context.new_page()
    context.close()


def test_index_has_landmarks_one_h1_and_no_skipped_heading(site, page) -> None:
    page.goto((site / "index.html").as_uri())
    for role in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "hs => hs.map(h => +h.tagName[1])")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in pairwise(levels))
    assert page.title() == "Patient handouts"


def test_every_language_speaks_its_own_language_on_the_index(site, page) -> None:
    page.goto((site / "index.html").as_uri())
    names = page.locator("nav a").all_inner_texts()
    assert names == ["English", "العربية", "Español"]  # each language in its own words
    sections = page.locator("main section.language")
    assert sections.count() == 3
    for i in range(sections.count()):
        section = sections.nth(i)
        lang = section.get_attribute("lang")
        direction = "rtl" if lang == "ar" else "ltr"
        assert section.get_attribute("dir") == direction
        titles = section.locator("h2, h3, h4")
        assert titles.count() >= 3
        for j in range(titles.count()):  # every title says its language (and direction)
            assert titles.nth(j).get_attribute("lang") == lang
            assert titles.nth(j).get_attribute("dir") == direction
    spanish = page.locator("#lang-es")
    words = " ".join(spanish.inner_text().split())
    assert "Folleto de muestra" in words and "Otro folleto" in words
    assert "Escrita el 25 de noviembre de 2026" in words  # the date as a Spanish reader writes it
    assert "todavía no la ha revisado" in words  # the review status, in Spanish
    assert "Todas las hojas informativas en un folleto" in words
    assert re.search(r"Páginas: 1\. Tamaño: \d+ kB\.", words)
    alts = [spanish.locator("img").nth(i).get_attribute("alt") for i in range(2)]
    assert alts == ["Primera página de Otro folleto", "Primera página de Folleto de muestra"]
    arabic = " ".join(page.locator("#lang-ar").inner_text().split())
    assert "نشرة تجريبية" in arabic and "كيلوبايت" in arabic
    english = page.locator("#lang-en")
    assert english.locator("a", has_text="With the English text").count() == 0  # not for English


def _targets(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href], img[src], link[href]",
        "els => els.map(e => e.getAttribute(e.tagName === 'IMG' ? 'src' : 'href'))",
    )


def test_every_link_resolves_from_a_folder_and_from_a_web_server(site, page) -> None:
    page.goto((site / "index.html").as_uri())
    targets = _targets(page)
    assert len(targets) > 40
    files = set()
    for target in targets:
        parts = urlsplit(target)
        assert not parts.scheme and not parts.netloc and not target.startswith("/"), target
        if not parts.path:  # a link within the page
            assert page.locator(f"#{parts.fragment}").count() == 1, target
            continue
        assert (site / unquote(parts.path)).is_file(), target
        files.add(parts.path)
    kinds = {Path(unquote(f)).name.split(".", 1)[1] for f in files}
    assert {"pdf", "extra-large.pdf", "bilingual.pdf", "bilingual.extra-large.pdf"} <= kinds
    assert {"html", "png", "css"} <= kinds
    assert "ar/booklet.pdf" in files and "es/booklet.extra-large.pdf" in files
    # Every picture and the stylesheet loaded; every font of the stylesheet is there too.
    sizes = page.eval_on_selector_all(
        "img", "is => is.map(i => i.complete && [i.naturalWidth, i.naturalHeight])"
    )
    assert set(map(tuple, sizes)) == {(340, 440)}  # the first page of a Letter PDF at 40 dpi
    for url in re.findall(r'url\("([^"]+)"\)', (site / "site.css").read_text()):
        assert (site / unquote(url)).is_file(), url
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            page.goto(base + "index.html")
            for path in sorted(files):
                response = page.request.get(base + path)
                assert response.status == 200, path
            # From a web page back to its language on the index, and in the page's language.
            page.goto(base + "ar/sample.html")
            assert page.locator("html").get_attribute("dir") == "rtl"
            page.get_by_role("link", name="كل النشرات").click()
            assert page.url == base + "index.html#lang-ar"
        finally:
            server.shutdown()


def test_keyboard_focus_is_visible(site, page) -> None:
    page.goto((site / "index.html").as_uri())
    for expected in ("Skip to the handouts", "English"):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                       return [e.textContent.trim(), s.outlineStyle, parseFloat(s.outlineWidth),
                               e.getBoundingClientRect().width]; }"""
        )
        assert focused[0] == expected
        assert focused[1] != "none" and focused[2] >= 3  # a ring of at least 3 px
        assert focused[3] > 0  # the skip link shows itself when it has the focus


@pytest.mark.parametrize("path", ["index.html", "en/sample.html", "es/other.html", "ar/sample.html"])
def test_pages_reflow_at_200_percent_zoom(site, browser, path) -> None:
    """640 CSS pixels wide is a 1280-pixel window at 200% zoom: nothing may scroll sideways."""
    context = browser.new_context(viewport={"width": 640, "height": 800})
    page = context.new_page()
    page.goto((site / path).as_uri())
    width, inner, font = page.evaluate(
        """() => [document.documentElement.scrollWidth, window.innerWidth,
                  parseFloat(getComputedStyle(document.querySelector('main p, main li')).fontSize)]"""
    )
    context.close()
    assert width <= inner
    assert font >= 24  # 18 pt: large print on screens too


def test_web_page_is_the_handout_in_its_language(site, page) -> None:
    page.goto((site / "es/sample.html").as_uri())
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.title() == "Folleto de muestra"
    assert page.locator("h1").inner_text() == "Folleto de muestra"
    assert page.locator("main h2").all_inner_texts() == ["Primera parte", "Parte compartida"]
    for role in ("banner", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    english = page.locator("footer [lang=en]").all_inner_texts()
    assert "Sample handout" in english  # the English original's title, tagged as English
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.strip('"').startswith("hp-atkinson-hyperlegible")  # the prepared font, ../fonts/
    # The font files themselves loaded (`document.fonts.check` is true even with no @font-face).
    loaded = page.evaluate(
        """async () => { await document.fonts.ready;
                         return [...document.fonts].filter(f => f.status === "loaded")
                                                   .map(f => f.family.replace(/"/g, "")); }"""
    )
    assert "hp-atkinson-hyperlegible" in loaded


def _rendered(browser, scheme: str = "light"):
    return browser.new_context(viewport={"width": 1024, "height": 800}, color_scheme=scheme)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_index_and_every_web_page_pass_axe_core(site, browser, scheme) -> None:
    """WCAG 2.0, 2.1 and 2.2 at A and AA, and axe's best practices, in the light and dark themes
    (the screen stylesheet follows the reader's setting): not one violation."""
    context = _rendered(browser, scheme)
    try:
        page = context.new_page()
        found = {}
        for path in sorted(site.rglob("*.html")):
            page.goto(path.as_uri())
            if violations := axe_violations(page):
                found[path.relative_to(site).as_posix()] = violations
    finally:
        context.close()
    assert found == {}


def test_the_shipped_index_and_a_web_page_in_each_language_pass_axe_core(make_pdfs, browser) -> None:
    """The same over what `make pdfs` builds from the real content: its index (every handout in
    every language) and the first web page of each language."""
    context = _rendered(browser)
    try:
        page = context.new_page()
        pages = [
            make_pdfs / "index.html",
            *(
                sorted(d.glob("*.html"))[0]
                for d in sorted(make_pdfs.iterdir())
                if d.is_dir() and any(d.glob("*.html"))
            ),
        ]
        assert len(pages) > 8
        found = {}
        for path in pages:
            page.goto(path.as_uri())
            if violations := axe_violations(page):
                found[path.relative_to(make_pdfs).as_posix()] = violations
    finally:
        context.close()
    assert found == {}


def test_the_axe_core_in_use_knows_every_tag_asked_for_and_finds_violations(page) -> None:
    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><h1>x</h1></main></html>')
    assert all(axe_rules(page, tag) for tag in TAGS), axe_version(page)
    assert "target-size" in axe_rules(page, "wcag22aa")  # a WCAG 2.2 rule (2.5.8)
    assert axe_violations(page) == []
    page.set_content('<!DOCTYPE html><html><title>t</title><main><img src="x.png"></main></html>')
    found = {line.split(" ")[0] for line in axe_violations(page)}
    assert {"html-has-lang", "image-alt"} <= found


def link_names(page) -> list[tuple[str, str]]:
    """(accessible name, absolute URL) of every link on the page, as Chrome's accessibility tree
    gives them to a screen reader (its list of links reads these names)."""
    cdp = page.context.new_cdp_session(page)
    found = []
    for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
        if node.get("ignored") or node.get("role", {}).get("value") != "link":
            continue
        target = cdp.send("DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]})
        call = {
            "objectId": target["object"]["objectId"],
            "functionDeclaration": "function () { return this.href; }",
            "returnByValue": True,
        }
        href = cdp.send("Runtime.callFunctionOn", call)["result"]["value"]
        found.append((node["name"]["value"], href))
    return found


def test_every_link_of_the_index_says_which_file_it_opens(make_pdfs, site, page) -> None:
    """WCAG 2.4.9 (link purpose from the link alone): no two links share a name and open different
    files, on the index of the real content; and a link's name says handout, language and format."""
    for index in (make_pdfs / "index.html", site / "index.html"):
        page.goto(index.as_uri())
        links = link_names(page)
        assert len(links) > 20
        targets: dict[str, set[str]] = {}
        for name, href in links:
            targets.setdefault(" ".join(name.split()), set()).add(href)
        assert {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1} == {}
    # Chrome puts a space between the visible words and the hidden ones (a box of their own).
    names = {
        href.rsplit("/dist/", 1)[-1]: " ".join(name.split()).replace(" :", ":")
        for name, href in link_names(page)
    }
    assert names["es/sample.pdf"] == "Letra grande: Folleto de muestra, Español, PDF"
    assert names["es/sample.html"].endswith(": Folleto de muestra, Español")
    assert names["ar/booklet.pdf"].endswith(", العربية, PDF")
    assert "Folleto de muestra" in names["es/sample.bilingual.pdf"]
