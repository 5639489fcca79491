"""`python build_pdfs.py serve`: a translator's live preview in the browser, on 127.0.0.1 only.

Besides the web server's threads, two watch the sources with watchfiles (inotify): one `locales/`,
`handouts/` and `templates/`, one the clinic profile. They ask the LivePreview (handoutpress.live)
to refresh, and its own thread draws. The server (the standard library's ThreadingHTTPServer)
shows a small index of the language's handouts, each handout's web page, its PDF and pictures of
the PDF's pages. It serves files of the preview's own folder only, and a few pages it makes itself.

Every page it serves gets a tiny script that listens for its reload signal: server-sent events
from `/_live/events`, one message with the page's token (a hash of what the page shows) whenever that
changes. The page then reloads itself. The files on disk, and everything a build ships, carry no
script. Broken inputs are shown at the top of every page, one line each, over the last good output.
"""

from __future__ import annotations

import hashlib
import http.server
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from watchfiles import DefaultFilter, watch

from handoutpress.build import Project
from handoutpress.live import LivePreview
from handoutpress.livepages import (
    LIVE_CSS,
    LIVE_JS,
    PAGE,
    PAGES,
    PICTURE,
    index_page,
    page_token,
    pictures_page,
    served_page,
    waiting_page,
)

HOST = "127.0.0.1"

#: Content types of the files the preview writes; no other file is served.
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff2": "font/woff2",
}

#: Every served page may use only this server's own scripts, styles, pictures and fonts.
POLICY = "default-src 'self'; object-src 'self'; frame-ancestors 'self'"


class PreviewServer(http.server.ThreadingHTTPServer):
    """The web server of one LivePreview; its request threads never keep the process alive."""

    daemon_threads = True

    def __init__(self, live: LivePreview, port: int):
        self.live = live
        self.root = live.out_dir.resolve()
        self.stopping = threading.Event()
        super().__init__((HOST, port), PreviewHandler)
        self.hosts = {f"{HOST}:{self.server_port}", f"localhost:{self.server_port}"}

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}/"

    def handle_error(self, request: object, client_address: object) -> None:
        """A page closed while it was being sent is no error; anything else is a bug: traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "handouts-serve"

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows what was drawn and what is broken, not every request."""

    def _respond(self, body: bool) -> None:
        # A page another web site opens on this machine (DNS rebinding) names its own host: refuse.
        if self.headers.get("Host") not in self.server.hosts:
            return self._send(400, b"unknown host\n", "text/plain; charset=utf-8", body)
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        live = self.server.live
        snapshot = live.snapshot()
        tag = live.lang.tag
        if path == "/_live/events":
            return self._events(parse_qs(parts.query).get("page", ["/"])[0])
        if path == "/_live/live.js":
            return self._send(200, LIVE_JS, "text/javascript; charset=utf-8", body)
        if path == "/_live/live.css":
            return self._send(200, LIVE_CSS, TYPES[".css"], body)
        if path in ("/", "/index.html"):
            return self._html(index_page(snapshot), body)
        if path in (f"/{tag}", f"/{tag}/", f"/{tag}/index.html"):
            return self._redirect("/")
        if (match := PAGES.fullmatch(path)) and match["tag"] == tag:
            if (view := snapshot.view(match["id"])) is None:
                return self._not_found(body)
            if not view.pdf_sha:
                return self._html(waiting_page(path, snapshot, view.id), body)
            return self._html(pictures_page(path, snapshot, view), body)
        picture = PICTURE.fullmatch(path)
        if picture and picture["tag"] == tag and snapshot.view(picture["id"]):
            try:
                live.pictures(picture["id"])  # made from the PDF on disk when first asked for
            except OSError:  # the PDF was removed by hand: there is no picture to show
                return self._not_found(body)
        page = PAGE.fullmatch(path)
        handout = page["id"] if page and page["tag"] == tag and snapshot.view(page["id"]) else None
        file = self._file(path)
        if file is None:
            if handout:  # not drawn yet
                return self._html(waiting_page(path, snapshot, handout), body)
            return self._not_found(body)
        data = file.read_bytes()
        if handout:
            return self._html(served_page(data.decode("utf-8"), path, snapshot, handout), body)
        return self._send(200, data, TYPES[file.suffix], body, cache=True)

    def _file(self, path: str) -> Path | None:
        """The file of the preview's folder that `path` names, or None: no `..`, no hidden file,
        no link that leads out of the folder."""
        segments = path.split("/")[1:]
        if not segments or any(s in ("", ".", "..") or s.startswith(".") for s in segments):
            return None
        if any(c in path for c in "\\\0"):
            return None
        root = self.server.root
        try:
            target = root.joinpath(*segments).resolve()
        except (OSError, ValueError):
            return None
        if target == root or not target.is_relative_to(root) or not target.is_file():
            return None
        if target.suffix not in TYPES:
            return None
        return target

    def _events(self, page: str) -> None:
        """Server-sent events: the page's token now, then each time it changes, until the server
        stops or the page goes away."""
        live = self.server.live
        match = PAGE.fullmatch(page) or PAGES.fullmatch(page)
        watched = match["id"] if match else None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        with live.showing(watched):
            token = None
            try:
                while not self.server.stopping.is_set():
                    snapshot = live.snapshot()
                    if (new := page_token(page, snapshot)) != token:
                        token = new
                        self.wfile.write(f"retry: 500\ndata: {token}\n\n".encode())
                    else:
                        self.wfile.write(b": still here\n\n")  # finds out when the page is gone
                    self.wfile.flush()
                    live.wait(snapshot.version, timeout=15)
            except ConnectionError:  # the page was closed or reloaded
                pass

    def _html(self, page: str, body: bool) -> None:
        self._send(200, page.encode(), TYPES[".html"], body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _not_found(self, body: bool) -> None:
        self._send(404, b"not found\n", "text/plain; charset=utf-8", body)

    def _send(
        self, status: int, data: bytes, content_type: str, body: bool, cache: bool = False
    ) -> None:
        """Send a response. Pages are never kept by the browser (each shows the state of the
        moment); with `cache`, a file is kept and asked for again at each reload, and is sent
        again only when it changed: the fonts of a page are not fetched at every reload."""
        tag = f'"{hashlib.sha256(data).hexdigest()[:32]}"' if cache else None
        if tag and self.headers.get("If-None-Match") == tag:
            status, data = 304, b""
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache" if tag else "no-store")
        if tag:
            self.send_header("ETag", tag)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", POLICY)
        self.end_headers()
        if body:
            self.wfile.write(data)


#: Saves that are no change of a source: editors' backups and swap files, and half-written files.
SOURCE_FILTER = DefaultFilter(
    ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns, r"\.part$", r"\.mo$")
)


def watch_sources(
    project: Project, clinic_file: Path, on_change: Callable[[], None], stop: threading.Event
) -> list[threading.Thread]:
    """Start the threads that watch the sources, each calling `on_change` after a save.

    The clinic profile is watched through its folder (not recursively): an editor that saves by
    renaming a new file into place replaces the file a watch on it would have followed."""
    sources = (project.locales_dir, project.handouts_dir, project.templates_dir)
    folders = [p for p in sources if p.is_dir()]
    clinic = clinic_file.resolve()

    def is_clinic(change: object, path: str) -> bool:
        return Path(path).resolve() == clinic

    watchers = [(folders, True, SOURCE_FILTER)]
    if clinic.parent.is_dir():
        watchers.append(([clinic.parent], False, is_clinic))
    threads = []
    for paths, recursive, accept in watchers:

        def run(paths=paths, recursive=recursive, accept=accept) -> None:
            for _changes in watch(
                *paths, watch_filter=accept, recursive=recursive, stop_event=stop, step=30,
                rust_timeout=500, raise_interrupt=False,
            ):  # fmt: skip
                on_change()

        thread = threading.Thread(target=run, name="watch", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def serve(
    project: Project,
    live: LivePreview,
    clinic_file: Path,
    port: int,
    on_ready: Callable[[str], None] = print,
) -> None:
    """Serve the preview until Ctrl-C (or SIGTERM), then stop every thread and free the port.

    Returns normally on Ctrl-C: stopping is how a session ends, not a failure."""
    try:
        server = PreviewServer(live, port)
    except OSError as exc:
        if exc.errno == 98:  # EADDRINUSE
            raise OSError(
                exc.errno, f"port {port} is already in use: stop the program that uses it or "
                f"pass another --port, such as {port + 1}"
            ) from None  # fmt: skip
        raise
    stop = threading.Event()
    watchers: list[threading.Thread] = []
    # Ctrl-C and SIGTERM stop it, also when a shell script started it in the background with
    # SIGINT ignored (as non-interactive shells start `&` commands): a server must stop when asked.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    drawer = threading.Thread(target=live.run, name="draw", daemon=True)
    try:
        drawer.start()
        watchers = watch_sources(project, clinic_file, live.request, stop)
        on_ready(server.url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stopping.set()
        live.stop()
        server.server_close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for thread in [*watchers, drawer]:
        thread.join(timeout=10)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C, or SIGTERM (a process manager, an editor's task runner), stops the server."""
    raise KeyboardInterrupt
