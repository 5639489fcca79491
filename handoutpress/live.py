"""The live preview's engine: one language's handouts, kept drawn while their sources change.

`serve` (handoutpress.serve) asks for a refresh whenever a watched file is saved. A refresh first reads
every input again: the content, the clinic profile, the language's catalog with its fuzzy guesses.
They are small, and reading them all takes tens of milliseconds. It also refuses what the build
refuses (`plan_languages`, and the catalog rules through `catalog_errors`). The build engine's job
keys (`JobKeys`), plus the fuzzy guesses that a build leaves out, then say which handouts changed,
and only those are drawn again.
A handout open in a browser comes first (its web page in milliseconds, then its PDF), then the
others' web pages, then their PDFs. One MarkingRenderer lives for the whole session, so fonts,
templates and WeasyPrint stay warm.

When an input is broken (a catalog syntax error, bad YAML, a character no font has), nothing is
drawn. The files of the last good refresh stay, and the error lines are kept for the pages to show.
Files are written atomically into the preview's own folder, never into `dist/`.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from handoutpress.booklet import check_names
from handoutpress.build import (
    JobKeys,
    LanguagePlan,
    Project,
    catalog_errors,
    plan_languages,
    remove_partial_files,
    template_messages,
)
from handoutpress.builders.handout import HANDOUT
from handoutpress.catalogs import CatalogError, catalog_path, read_catalog
from handoutpress.clinic import Clinic
from handoutpress.content import Collection, ContentError, Handout, display_path, load_collection
from handoutpress.documents import HandoutBuilder
from handoutpress.files import os_error_line, write_atomic, write_if_changed
from handoutpress.fonts import FontError
from handoutpress.lint import CatalogRefused
from handoutpress.locales import SOURCE_LANGUAGE, UnknownLanguage, language
from handoutpress.marking import MarkingRenderer, MarkingTranslator, fuzzy_guesses
from handoutpress.preview import PREVIEW_DPI, page_images
from handoutpress.site import STYLESHEET, english_font, language_font, screen_stylesheet
from handoutpress.styles import StyleOptions
from handoutpress.translate import Translator

#: The print a preview draws unless asked for another.
STANDARD = StyleOptions()


@dataclass(frozen=True)
class View:
    """What the preview shows of one handout: its title and what is left to translate in it, and
    the files last drawn for it (an empty hash: not drawn yet)."""

    id: str
    title: str
    #: The title as HTML, marked where it is not translated yet.
    heading: Markup
    untranslated: int = 0
    fuzzy: int = 0
    page_key: str = ""
    page_sha: str = ""
    pdf_key: str = ""
    pdf_sha: str = ""
    pages: int = 0
    #: Why this handout could not be drawn (the other handouts still were).
    error: str = ""


@dataclass(frozen=True)
class Snapshot:
    """The preview's state at one moment, for a page and its reload signal."""

    version: int
    lang_code: str
    views: tuple[View, ...]
    #: Broken inputs: one line each (file:line: what to do); nothing is drawn until they are fixed.
    errors: tuple[str, ...]
    stylesheet_sha: str

    def view(self, handout: str) -> View | None:
        return next((v for v in self.views if v.id == handout), None)


@dataclass
class Inputs:
    """Everything a refresh draws from, read afresh."""

    collection: Collection
    clinic: Clinic
    plan: LanguagePlan
    guesses: dict[str, str]
    handouts: list[Handout]
    template_msgids: frozenset[str]
    style: StyleOptions


class MarkingBuilder(HandoutBuilder):
    """The build's HandoutBuilder, with strings not yet translated marked (handoutpress.marking)."""

    def __init__(self, project: Project, inputs: Inputs, renderer: MarkingRenderer):
        super().__init__(project, inputs.collection, inputs.clinic, True, renderer)
        self.guesses = inputs.guesses

    def translator(self, plan: LanguagePlan) -> Translator:
        if plan.code == SOURCE_LANGUAGE:
            return super().translator(plan)
        return MarkingTranslator(language(plan.code), plan.translations, self.guesses)


#: Errors of the inputs that a person fixes in a file; anything else is a bug in the program.
INPUT_ERRORS = (
    ContentError,
    CatalogError,
    UnknownLanguage,
    FontError,
    jinja2.TemplateError,
    ValueError,
    KeyError,
    OSError,
)


def error_lines(exc: BaseException, root: Path) -> list[str]:
    """One line per problem, `file:line: what to do` wherever the error knows its place."""
    if isinstance(exc, ContentError | CatalogRefused):
        return [str(problem) for problem in exc.problems]
    if isinstance(exc, CatalogError):  # every broken line of the catalog
        return str(exc).splitlines()
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = display_path(Path(exc.filename), root) if exc.filename else exc.name or "template"
        return [f"{where}:{exc.lineno}: template syntax error: {exc.message}"]
    if isinstance(exc, OSError):
        return [os_error_line(exc)]
    if isinstance(exc, KeyError) and exc.args:
        return [str(exc.args[0])]
    return [str(exc)]


class LivePreview:
    """One language's handouts drawn into `out_dir`, with marks, refreshed on request.

    `refresh` runs in one thread (the renderer is not shared); `snapshot`, `wait` and
    `pictures` may be called from any thread (the web server's)."""

    def __init__(
        self,
        project: Project,
        code: str,
        out_dir: Path,
        clinic: Callable[[], Clinic],
        style: StyleOptions = STANDARD,
        paper: str | None = None,
        handouts: Sequence[str] = (),
        log: Callable[[str], None] = print,
    ):
        self.project = project
        self.lang = language(code)
        self.out_dir = out_dir
        self.folder = out_dir / self.lang.tag
        self.load_clinic = clinic
        self.style = style
        #: The paper asked for on the command line; else the clinic profile's (which may change).
        self.paper = paper
        self.handout_ids = list(handouts)
        self.log = log
        #: Handouts whose pages are open in a browser (see `showing`): drawn first.
        self._shown: Counter[str] = Counter()
        self._state = threading.Condition()
        self._views: dict[str, View] = {}
        self._errors: tuple[str, ...] = ()
        self._stylesheet_sha = ""
        self._version = 0
        self._requested = threading.Event()
        self._requested.set()  # the first refresh draws everything
        self._stopping = threading.Event()
        self._pictures_lock = threading.Lock()
        self._pictures: dict[str, str] = {}  # handout -> the PDF hash its pictures were made from
        self._renderer: MarkingRenderer | None = None
        self._last_lines: tuple[str, ...] = ()

    # -- read by the server ---------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        with self._state:
            return Snapshot(
                self._version,
                self.lang.code,
                tuple(self._views.values()),
                self._errors,
                self._stylesheet_sha,
            )

    def wait(self, version: int, timeout: float) -> int:
        """Block until the state is newer than `version`, the preview stops, or `timeout` seconds
        pass; the version then."""
        with self._state:
            self._state.wait_for(lambda: self._version != version or self._stopping.is_set(), timeout)
            return self._version

    def pictures(self, handout: str) -> list[Path]:
        """The pictures of the handout's PDF pages (`<id>-page-N.png`), made from the PDF now on
        disk the first time they are asked for after it was drawn."""
        view = self.snapshot().view(handout)
        if view is None or not view.pdf_sha:
            return []
        paths = [self.folder / f"{handout}-page-{n}.png" for n in range(1, view.pages + 1)]
        with self._pictures_lock:  # PDFium is not drawn from two threads at once
            if self._pictures.get(handout) != view.pdf_sha or not all(p.is_file() for p in paths):
                pdf = (self.folder / f"{handout}.pdf").read_bytes()
                for path, png in zip(paths, page_images(pdf, PREVIEW_DPI), strict=False):
                    write_atomic(path, png)
                self._pictures[handout] = hashlib.sha256(pdf).hexdigest()
        return paths

    @contextmanager
    def showing(self, handout: str | None) -> Iterator[None]:
        """While a handout's page is open in a browser, its files are drawn before the others'."""
        with self._state:
            self._shown[handout or ""] += 1
        try:
            yield
        finally:
            with self._state:
                self._shown[handout or ""] -= 1

    # -- driven by the watcher ------------------------------------------------------------------

    def request(self) -> None:
        """A watched file changed: refresh as soon as the current drawing allows."""
        self._requested.set()

    def stop(self) -> None:
        self._stopping.set()
        self._requested.set()
        with self._state:
            self._state.notify_all()

    def run(self) -> None:
        """Refresh whenever asked, until `stop`; the one thread that draws."""
        remove_partial_files(self.out_dir)
        while not self._stopping.is_set():
            if self._requested.wait(timeout=1.0) and not self._stopping.is_set():
                self.refresh()

    # -- the work -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the inputs, then draw what changed. What is open in a browser comes first: its web
        page, the stylesheet, its PDF; then the other web pages, then the other PDFs. Stops
        between two drawings when another save comes in: the next refresh starts from it."""
        self._requested.clear()  # what is saved from now on asks for the next refresh
        try:
            inputs = self._read_inputs()
        except INPUT_ERRORS as exc:
            self._fail(error_lines(exc, self.project.root))
            return
        if self._renderer is None:
            self._renderer = MarkingRenderer(self.project.templates_dir, self.project.cache_dir)
        builder = MarkingBuilder(self.project, inputs, self._renderer)
        keys = JobKeys(self.project, inputs.collection, inputs.clinic, inputs.template_msgids)
        wanted = {h.id: self._key(keys, inputs, h) for h in inputs.handouts}
        self._set(errors=(), views=self._views_for(builder, inputs))
        self._report_errors(())
        with self._state:
            on_screen = {name for name, count in self._shown.items() if count > 0}
        shown = [h for h in inputs.handouts if h.id in on_screen]
        others = [h for h in inputs.handouts if h.id not in on_screen]
        steps: list[Callable[[], None]] = [
            *(functools.partial(self._draw_page, builder, inputs, h, wanted[h.id]) for h in shown),
            functools.partial(self._draw_stylesheet, inputs),
            *(functools.partial(self._draw_pdf, builder, inputs, h, wanted[h.id]) for h in shown),
            *(functools.partial(self._draw_page, builder, inputs, h, wanted[h.id]) for h in others),
            *(functools.partial(self._draw_pdf, builder, inputs, h, wanted[h.id]) for h in others),
        ]
        for step in steps:
            if self._requested.is_set():
                return  # a newer save: the next refresh draws from it
            step()

    def _read_inputs(self) -> Inputs:
        project = self.project
        collection = load_collection(project.handouts_dir, project.root)
        check_names(collection)
        ids = self.handout_ids or [h.id for h in collection.handouts]
        handouts = [collection.handout(h) for h in ids]
        clinic = self.load_clinic()
        (plan,) = plan_languages(project, [self.lang.code], allow_incomplete=True, collection=collection)
        guesses: dict[str, str] = {}
        if plan.code != SOURCE_LANGUAGE:
            if errors := catalog_errors(project, plan.code):
                raise CatalogRefused(errors)  # what the build refuses to draw, every line of it
            po = catalog_path(project.locales_dir, plan.code)
            guesses = fuzzy_guesses(read_catalog(po, display_path(po, project.root)))
        paper = self.paper or clinic.paper or self.style.paper
        style = replace(self.style, paper=paper)
        return Inputs(collection, clinic, plan, guesses, handouts, template_messages(project), style)

    def _key(self, keys: JobKeys, inputs: Inputs, handout: Handout) -> str:
        """The build's key of the handout's job, and the fuzzy guesses it shows (a build prints
        none, so its key leaves them out)."""
        key = keys.key(HANDOUT.job(handout.id, self.lang.code, inputs.style), inputs.plan)
        msgids = sorted({t.msgid for t in handout.texts()} | inputs.template_msgids)
        guesses = [(m, inputs.guesses[m]) for m in msgids if m in inputs.guesses]
        return hashlib.sha256(repr((key, guesses)).encode()).hexdigest()

    def _views_for(self, builder: HandoutBuilder, inputs: Inputs) -> dict[str, View]:
        """The handouts to show, in order, with their titles and counts; their files as drawn."""
        translator = builder.translator(inputs.plan)
        views = {}
        for handout in inputs.handouts:
            old = self._views.get(handout.id, View(handout.id, "", Markup()))
            msgids = {t.msgid for t in handout.texts()}
            left = [m for m in msgids if m not in inputs.plan.translations]
            fuzzy = sum(m in inputs.guesses for m in left)
            heading = translator.text(handout.title.msgid)
            views[handout.id] = replace(
                old,
                title=heading.striptags(),
                heading=heading,
                untranslated=0 if self.lang.code == SOURCE_LANGUAGE else len(left) - fuzzy,
                fuzzy=fuzzy,
            )
        return views

    def _draw_page(self, builder: HandoutBuilder, inputs: Inputs, handout: Handout, key: str) -> None:
        if self._views[handout.id].page_key == key:
            return
        started = time.perf_counter()
        try:
            html = builder.render_page(handout, inputs.plan).encode()
            write_atomic(self.folder / f"{handout.id}.html", html)
        except INPUT_ERRORS as exc:
            self._fail_one(handout.id, exc)
            return
        sha = hashlib.sha256(html).hexdigest()
        self._update(handout.id, page_key=key, page_sha=sha, error="")
        self.log(f"drew    {self.lang.tag}/{handout.id}.html in {time.perf_counter() - started:.2f} s")

    def _draw_pdf(self, builder: HandoutBuilder, inputs: Inputs, handout: Handout, key: str) -> None:
        if self._views[handout.id].pdf_key == key:
            return
        started = time.perf_counter()
        try:
            rendered = builder.render(handout, inputs.plan, inputs.style)
            write_atomic(self.folder / f"{handout.id}.pdf", rendered.data)
        except INPUT_ERRORS as exc:
            self._fail_one(handout.id, exc)
            return
        sha = hashlib.sha256(rendered.data).hexdigest()
        self._update(handout.id, pdf_key=key, pdf_sha=sha, pages=rendered.pages, error="")
        seconds = time.perf_counter() - started
        self.log(f"drew    {self.lang.tag}/{handout.id}.pdf ({rendered.pages} pages) in {seconds:.2f} s")

    def _draw_stylesheet(self, inputs: Inputs) -> None:
        """`site.css` and its fonts, as the build writes them for this language."""
        try:
            english = english_font(self.project, inputs.collection, inputs.clinic)
            fonts = [(english, language(SOURCE_LANGUAGE))]
            if self.lang.code != SOURCE_LANGUAGE:
                font = language_font(self.project, inputs.collection, inputs.plan, inputs.clinic)
                fonts.append((font, self.lang))
            assert self._renderer is not None
            files = screen_stylesheet(self._renderer, fonts, self.out_dir)
            for path, data in files.items():
                write_if_changed(path, data)
        except INPUT_ERRORS as exc:
            self._fail(error_lines(exc, self.project.root))
            return
        sha = hashlib.sha256(files[self.out_dir / STYLESHEET]).hexdigest()
        self._set(stylesheet_sha=sha)

    # -- state changes: each one wakes every page waiting for its reload signal ------------------

    def _set(
        self,
        views: dict[str, View] | None = None,
        errors: tuple[str, ...] | None = None,
        stylesheet_sha: str | None = None,
    ) -> None:
        with self._state:
            if views is not None:
                self._views = views
            if errors is not None:
                self._errors = errors
            if stylesheet_sha is not None:
                self._stylesheet_sha = stylesheet_sha
            self._version += 1
            self._state.notify_all()

    def _update(self, handout: str, **changes: object) -> None:
        with self._state:
            self._views[handout] = replace(self._views[handout], **changes)  # type: ignore[arg-type]
            self._version += 1
            self._state.notify_all()

    def _fail(self, lines: Iterable[str]) -> None:
        """Broken inputs: keep the last good files and show the lines."""
        lines = tuple(lines)
        self._set(errors=lines)
        self._report_errors(lines)

    def _fail_one(self, handout: str, exc: BaseException) -> None:
        """One handout cannot be drawn: keep its last good files and show why on its pages."""
        line = "; ".join(error_lines(exc, self.project.root))
        if self._views[handout].error != line:
            self.log(f"error   {self.lang.tag}/{handout}: {line}")
        self._update(handout, error=line)

    def _report_errors(self, lines: tuple[str, ...]) -> None:
        """Print the error lines on the terminal once, when they change."""
        if lines != self._last_lines:
            for line in lines:
                self.log(f"error   {line}")
            if not lines and self._last_lines:
                self.log("fixed   the preview is drawn again")
            self._last_lines = lines
