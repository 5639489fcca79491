"""`serve`: the live preview. A real server process on a free port of 127.0.0.1, real saves of
catalogs and handouts, pages read over HTTP and in Debian's chromium.

Every wait is for an event (a line the server prints, a reload signal, a page that changes), with
a generous limit against a hang; nothing asserts how long anything took (speed: bench/serve_speed.py).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape as unescape_html
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml as yaml_module
from babel.messages.pofile import read_po, write_po
from playwright.sync_api import expect

from handoutpress.build import Project
from handoutpress.cli import main

from .conftest import MINI_SPANISH, REPO, add_language

PO = "locales/es/LC_MESSAGES/handouts.po"
#: A guard against a hang, never a measure of speed.
PATIENCE = 120


@dataclass
class Served:
    """A `serve` process, its URL and every line it printed so far."""

    process: subprocess.Popen
    port: int
    lines: list[str] = field(default_factory=list)
    printed: threading.Condition = field(default_factory=threading.Condition)
    reader: threading.Thread | None = None

    def stop(self) -> str:
        """Ctrl-C, as a terminal sends it (to the process group); what it printed on stderr."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        if self.reader is not None:
            self.reader.join(timeout=PATIENCE)
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def wait_for_line(self, start: str, after: int = 0) -> int:
        """Wait until the server prints a line starting with `start` (after line `after`)."""
        with self.printed:
            found = self.printed.wait_for(
                lambda: any(line.startswith(start) for line in self.lines[after:]), PATIENCE
            )
        assert found, f"serve never printed {start!r}; it printed {self.lines}"
        return len(self.lines)

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def get_bytes(self, path: str) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 200, path
        return response.read()

    def until(self, page: str, condition: Callable[[str], bool], change: Callable[[], None]) -> str:
        """Make the `change` (a save), then follow the page's reload signals until the page, fetched
        again after each, meets `condition`; the page then. An editor's save can reach the watcher
        in two parts (the file emptied, then written), so the first signal may be for the first."""
        with self.signals(page) as signals:
            next(signals)  # the page as it is now
            change()
            while True:
                token = next(signals)
                status, body = self.get(page)
                assert status == 200
                if condition(body):
                    assert token_of(body) == token  # the page the signal announced
                    return body

    @contextmanager
    def signals(self, page: str) -> Iterator[Iterator[str]]:
        """The page's reload signals (server-sent events), as the page's script receives them."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=PATIENCE)
        connection.request("GET", f"/_live/events?page={page}")
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"

        def events() -> Iterator[str]:
            while line := response.readline():
                if line.startswith(b"data: "):
                    yield line[6:].strip().decode()

        try:
            yield events()
        finally:
            connection.close()


@contextmanager
def served(project: Project, *args: str) -> Iterator[Served]:
    """`python build_pdfs.py serve --port 0 ...` on the project, until the block ends (Ctrl-C)."""
    command = [sys.executable, str(REPO / "build_pdfs.py"), "--root", str(project.root), "serve",
               "--port", "0", "--out", str(project.root / "preview/live"), *args]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C goes to the process group, as in a terminal. When the tests run in the background
        # (`make test &`) the server starts with SIGINT ignored, and must stop on it all the same.
        start_new_session=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r" at http://127\.0\.0\.1:(\d+)/ ", first)
    if match is None:
        process.kill()
        pytest.fail(f"serve did not start: {first!r} {process.communicate()}")
    server = Served(process, int(match[1]), [first.rstrip("\n")])

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with server.printed:
                server.lines.append(line.rstrip("\n"))
                server.printed.notify_all()

    server.reader = threading.Thread(target=read, daemon=True)
    server.reader.start()
    try:
        yield server
    finally:
        server.stop()


def set_strings(po: Path, strings: dict[str, str | None], fuzzy: frozenset[str] = frozenset()) -> None:
    """Give entries of a catalog new translations ("" or None: untranslated); `fuzzy` ones get the
    fuzzy flag, as `update` leaves a changed entry."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for msgid, string in strings.items():
        message = catalog[msgid]
        message.string = string or ""
        if msgid in fuzzy:
            message.flags.add("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog, width=76)


@pytest.fixture
def unfinished(mini_es: Project) -> Project:
    """The mini project in Spanish with one entry untranslated and one fuzzy (a guess left by
    `update` after the English changed)."""
    set_strings(
        mini_es.root / PO,
        {"First item": None, "Second item": "Segundo punto (antiguo)"},
        fuzzy=frozenset({"Second item"}),
    )
    return mini_es


def edit(path: Path, old: str, new: str) -> None:
    """What a translator does in a text editor: change some words and save."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def token_of(page: str) -> str:
    match = re.search(r'data-token="([0-9a-f]+)"', page)
    assert match, "a served page has its reload script"
    return match[1]


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return " ".join(text.split())


def test_a_saved_catalog_string_reaches_the_open_page_after_its_reload_signal(mini_es) -> None:
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        status, page = server.get("/es/sample.html")
        assert status == 200
        assert "Primera parte" in page and "Parte número uno" not in page
        with server.signals("/es/sample.html") as signals:
            assert next(signals) == token_of(page)  # the page is up to date: no reload yet

        def save() -> None:
            edit(mini_es.root / PO, 'msgstr "Primera parte"', 'msgstr "Parte número uno"')

        page = server.until("/es/sample.html", lambda page: "Parte número uno" in page, save)
        assert "Primera parte" not in page
        with server.signals("/es/sample.pages.html") as signals:
            while "Parte número uno" not in pdf_text(server.get_bytes("/es/sample.pdf")):
                next(signals)  # the PDF is drawn after the web page


def test_the_page_in_a_browser_reloads_itself_with_the_new_words(mini_es, browser) -> None:
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.port}/es/sample.html")
            assert page.locator("h2").first.inner_text() == "Primera parte"
            pictures = context.new_page()
            pictures.goto(f"http://127.0.0.1:{server.port}/es/sample.pages.html")
            before = pictures.locator("img").first.get_attribute("src")
            edit(mini_es.root / PO, 'msgstr "Primera parte"', 'msgstr "Parte número uno"')
            # Playwright's own waiting (its scripts run under the page's Content-Security-Policy,
            # which allows no eval, and must not be bypassed: the page's script runs under it too)
            heading = page.locator("h2").first
            expect(heading).to_have_text("Parte número uno", timeout=PATIENCE * 1000)
            image = pictures.locator("img").first
            expect(image).not_to_have_attribute("src", before, timeout=PATIENCE * 1000)
            pictures.wait_for_load_state("load")  # the reloaded page's pictures are in
            assert image.evaluate("img => img.complete && img.naturalWidth > 500")  # a page drawn
        finally:
            context.close()


class Marks(HTMLParser):
    """The elements of a page that carry a mark, with their attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str]] = []
        self._open: list[dict[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.scripts += tag == "script"
        if tag == "span":
            self._open.append({**attributes, "text": ""})

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            element = self._open.pop()
            if "data-mark" in element:
                self.found.append(element)


def marks(page: str) -> list[dict[str, str]]:
    parser = Marks()
    parser.feed(page)
    return parser.found


def test_untranslated_and_fuzzy_strings_are_marked_with_the_english_shown(unfinished, browser) -> None:
    with (unfinished.root / PO).open("rb") as fh:
        catalog = read_po(fh)
    guess = catalog["Second item"].string  # the oracle: the catalog itself
    assert catalog["Second item"].fuzzy and not catalog["First item"].string
    with served(unfinished, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        status, page = server.get("/es/sample.html")
        assert status == 200
        # A paragraph's last two words are joined by a no-break space (templating.tie_last_words).
        found = [(" ".join(m["text"].split()), m["lang"], m["data-mark"]) for m in marks(page)]
        assert found == [
            ("First item", "en", "not yet translated"),
            ("Second item", "en", "fuzzy"),
        ]
        assert marks(page)[1]["data-guess"] == guess
        assert "Primera parte" in page  # translated strings are not marked

        tab = browser.new_page()
        try:
            tab.goto(f"http://127.0.0.1:{server.port}/es/sample.html")
            look = tab.evaluate(
                """() => [...document.querySelectorAll('[data-mark]')].map(e => ({
                    before: getComputedStyle(e, '::before').content,
                    after: getComputedStyle(e, '::after').content,
                    outline: getComputedStyle(e).outlineStyle,
                }))"""
            )
            text = tab.evaluate("document.body.innerText")
        finally:
            tab.context.close()
        assert "not yet translated" in look[0]["before"] and look[0]["outline"] == "dotted"
        assert "fuzzy" in look[1]["before"] and look[1]["outline"] == "dotted"
        assert guess in look[1]["after"]  # the guess is seen beside the English ...
        assert guess not in text  # ... and is never text of the page, as a translation would be

        status, index = server.get("/")
        assert "1 not yet translated, 1 fuzzy" in index

        printed = pdf_text(server.get_bytes("/es/sample.pdf"))
        assert "[not yet translated] First item" in printed
        assert "[fuzzy] Second item" in printed
        assert guess not in printed  # the PDF prints the English, as a build does
        assert "Primera parte" in printed


def test_a_normal_build_has_no_mark_no_guess_and_no_script(unfinished) -> None:
    with (unfinished.root / PO).open("rb") as fh:
        guess = read_po(fh)["Second item"].string
    out = unfinished.root / "dist"
    args = ["--root", str(unfinished.root), "build", "--lang", "es", "--out", str(out)]
    assert main([*args, "--allow-incomplete", "--jobs", "1"]) == 0
    printed = pdf_text((out / "es/sample.pdf").read_bytes())
    assert "First item" in printed and "Second item" in printed  # in English, as promised
    for word in ("not yet translated", "fuzzy", guess):
        assert word not in printed
    page = (out / "es/sample.html").read_text()
    assert 'lang="en">First\u00a0item<' in page  # the English, tagged as English, unmarked
    assert marks(page) == []
    for word in ("not yet translated", "fuzzy", guess, "hp-mark", "data-mark", "/_live/"):
        assert word not in page
    for html in (out / "es/sample.html", out / "index.html"):
        parser = Marks()
        parser.feed(html.read_text())
        assert parser.scripts == 0, html


def test_a_broken_catalog_or_handout_is_shown_in_the_page_over_the_last_good_one(mini_es) -> None:
    po = mini_es.root / PO
    yaml = mini_es.handouts_dir / "sample.yaml"
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        good = server.get("/es/sample.html")[1]
        page = server.until(
            "/es/sample.html",
            lambda page: "catalog syntax error" in page,
            lambda: edit(po, 'msgstr "Primera parte"', 'msgstr "Primera parte'),  # a lost quote
        )
        line = po.read_text().splitlines().index('msgstr "Primera parte') + 1
        assert f"{PO}:{line}: catalog syntax error" in page
        assert page.count("Primera parte") == good.count("Primera parte")  # the last good page
        assert f"{PO}:{line}: catalog syntax error" in server.get("/")[1]
        assert any(f"{PO}:{line}: catalog syntax error" in x for x in server.lines)

        def swap() -> None:  # the catalog fixed, a handout broken
            edit(po, 'msgstr "Primera parte', 'msgstr "Primera parte"')
            edit(yaml, "title: Sample handout", "title: [Sample handout")

        page = server.until("/es/sample.html", lambda page: "sample.yaml:" in page, swap)
        assert "catalog syntax error" not in page
        assert "Primera parte" in page
        try:
            yaml_module.safe_load(yaml.read_text())
        except yaml_module.MarkedYAMLError as exc:  # where PyYAML itself says the mistake is
            assert exc.problem_mark is not None
            assert f"handouts/sample.yaml:{exc.problem_mark.line + 1}: YAML syntax error" in page

        page = server.until(
            "/es/sample.html",
            lambda page: 'role="alert"' not in page,
            lambda: edit(yaml, "title: [Sample handout", "title: Sample handout"),
        )
        assert "sample.yaml" not in page and "Primera parte" in page
        assert server.process.poll() is None  # it kept serving all along


def test_what_check_calls_an_error_is_shown_in_the_page_every_line_as_check_prints_it(
    mini_es, capsys
) -> None:
    """One set of catalog rules: a lost `**` and a lost placeholder, which `check`, `preview` and
    the build refuse, are shown over the last good page, both, each at its msgstr line."""
    from handoutpress.cli import main

    po = mini_es.root / PO
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")

        def slips() -> None:
            edit(po, 'msgstr "**Palabra en negrita** en', 'msgstr "**Palabra en negrita en')
            edit(po, 'msgstr "Página {page} de {pages}"', 'msgstr "Página {page}"')

        page = server.until("/es/sample.html", lambda page: "unbalanced" in page, slips)
        capsys.readouterr()
        assert main(["--root", str(mini_es.root), "check"]) == 1
        errors = capsys.readouterr().err.splitlines()
        assert len(errors) == 2
        shown = unescape_html(page)
        for line in errors:
            assert line in shown, line


def test_only_files_of_the_preview_folder_are_served(mini_es) -> None:
    secret = "a file outside the preview folder"
    (mini_es.root / "secret.html").write_text(secret)
    (mini_es.root / "preview/secret.html").parent.mkdir(parents=True, exist_ok=True)
    (mini_es.root / "preview/secret.html").write_text(secret)
    live = mini_es.root / "preview/live"
    live.mkdir(parents=True, exist_ok=True)
    (live / "link.html").symlink_to(mini_es.root / "secret.html")
    (live / ".hidden.html").write_text(secret)
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        assert server.get("/es/sample.pdf")[0] == 200
        for path in (
            "/../secret.html",
            "/../../secret.html",
            "/%2e%2e/secret.html",
            "/%2E%2E/%2e%2e/secret.html",
            "/es/..%2f..%2fsecret.html",
            "/es/%2e%2e/%2e%2e/secret.html",
            "/es/sample.html/../../secret.html",
            "/..%5c..%5csecret.html",
            "/link.html",
            "/.hidden.html",
            "//secret.html",
            f"/{mini_es.root}/secret.html",
            f"/{mini_es.root / 'pyproject.toml'}",
            "/es/sample.html%00.png",
            "http://127.0.0.1/../secret.html",
        ):
            status, body = server.get(path)
            assert status in (400, 404), path
            assert secret not in body, path
            assert "[tool.babel]" not in body, path
        # a page of another site that reaches this port (DNS rebinding) names its own host
        assert server.get("/es/sample.html", host="attacker.example:80")[0] == 400


def listening(port: int) -> list[str]:
    """The local addresses of the sockets listening on `port`, as the kernel lists them."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_it_listens_on_127_0_0_1_only_and_ctrl_c_stops_it_cleanly(mini_es) -> None:
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        assert listening(server.port) == ["0100007F"]  # 127.0.0.1, in the kernel's byte order
        with server.signals("/es/sample.html") as signals:  # an open page does not hold it up
            next(signals)
            err = server.stop()
    assert server.process.returncode == 0
    assert err == ""  # no traceback, no complaint
    assert server.lines[-1].startswith("stopped; the preview's files stay in ")
    assert listening(server.port) == []
    with socket.socket() as again:  # free at once for the next server (which reuses addresses,
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as every server does: the
        again.bind(("127.0.0.1", server.port))  # closed page's connection waits out TIME_WAIT)
        again.listen()


def test_what_a_save_cannot_fix_stops_it_at_once_with_one_line(mini_es, capsys) -> None:
    root = ["--root", str(mini_es.root), "serve", "--out", str(mini_es.root / "preview/live")]
    assert main([*root, "--lang", "de"]) == 1
    assert capsys.readouterr().err == (
        "error: no catalog for 'de' in locales/: run `.venv/bin/python build_pdfs.py init de` first\n"
    )
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main([*root, "--lang", "es", "--port", str(port)]) == 1
    assert capsys.readouterr().err == (
        f"error: port {port} is already in use: stop the program that uses it or pass another "
        f"--port, such as {port + 1}\n"
    )


def test_a_save_redraws_only_the_handouts_it_changed(mini) -> None:
    text = (mini.handouts_dir / "sample.yaml").read_text()
    (mini.handouts_dir / "other.yaml").write_text(text.replace("Sample handout", "Other handout"))
    add_language(mini, "es", {**MINI_SPANISH, "Other handout": "Otro folleto"})
    folder = mini.root / "preview/live/es"

    def files() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in folder.iterdir()}  # a new file at every write

    with served(mini, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        server.wait_for_line("drew    es/other.pdf")
        before = files()
        seen = len(server.lines)
        edit(mini.root / PO, 'msgstr "Otro folleto"', 'msgstr "Otra hoja"')
        server.wait_for_line("drew    es/other.pdf", after=seen)
        after = files()
        assert after["sample.html"] == before["sample.html"]
        assert after["sample.pdf"] == before["sample.pdf"]
        assert after["other.html"] != before["other.html"]
        assert after["other.pdf"] != before["other.pdf"]
        assert not any("es/sample" in line for line in server.lines[seen:])


def test_a_saved_template_or_clinic_profile_is_shown_too(mini_es) -> None:
    template = mini_es.templates_dir / "page.html.j2"
    with served(mini_es, "--lang", "es") as server:
        server.wait_for_line("drew    es/sample.pdf")
        page = server.until(
            "/es/sample.html",
            lambda page: "Made for the test" in page,
            lambda: edit(template, "<main>", "<main><p>Made for the test</p>"),
        )
        assert "Primera parte" in page
        # no clinic.yaml when it started: a clinic that creates one sees its phone number
        page = server.until(
            "/es/sample.html",
            lambda page: "555-0199" in page,
            lambda: (mini_es.root / "clinic.yaml").write_text("name: Test Clinic\nphone: 555-0199\n"),
        )
        assert "Test Clinic" in page
        with server.signals("/es/sample.pages.html") as signals:
            while "555-0199" not in pdf_text(server.get_bytes("/es/sample.pdf")):
                next(signals)
