"""Build PDFs: plan the jobs (handout x language x variant), run them, write every file atomically.

A job makes one PDF: a single handout, a bilingual handout (`--bilingual`) or a language's booklet.
The standard print of a single handout also gives the handout's web page and the thumbnail of its
first page, which come from the same inputs. Every file is written to a temporary file beside its
target and renamed into place, so a failed or interrupted build never leaves a half-written file and
never removes a good one. A failing job is reported with its handout and language; the others still run.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.pofile import read_po

from handoutpress import __version__
from handoutpress.booklet import BOOKLET, booklet_handouts, check_names
from handoutpress.catalogs import (
    catalog_language,
    catalog_languages,
    catalog_path,
    compile_catalog,
    load_translations,
    read_catalog,
    read_template,
)
from handoutpress.clinic import FIELDS, Clinic
from handoutpress.commands import command
from handoutpress.completeness import (
    Completeness,
    DocumentStrings,
    completeness,
    template_files,
    template_strings,
)
from handoutpress.content import Collection, Handout, display_path, load_collection
from handoutpress.files import os_error_line, write_atomic
from handoutpress.fonts import FontError, choose_font, font_fingerprint
from handoutpress.lint import CatalogRefused, LintProblem, printable_catalog
from handoutpress.locales import SOURCE_LANGUAGE, Language, language
from handoutpress.manifest import Manifest
from handoutpress.preview import thumbnail
from handoutpress.reviews import Review, load_review
from handoutpress.styles import StyleOptions
from handoutpress.templating import STYLESHEET_TEMPLATE, TEMPLATE_CHARACTERS, HandoutPart
from handoutpress.translate import Translator, translate

if TYPE_CHECKING:  # rendering (and WeasyPrint) is imported by the workers that draw
    from handoutpress.render import RenderedPdf, Renderer


#: The environment variable that moves every project's build cache elsewhere (Project.cache_dir).
CACHE_VARIABLE = "HANDOUTS_CACHE"


@dataclass(frozen=True)
class Project:
    """Where a collection's content, catalogs, templates, cache and outputs live."""

    root: Path

    @property
    def handouts_dir(self) -> Path:
        return self.root / "handouts"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def cache_dir(self) -> Path:
        """`.cache` in the project; with HANDOUTS_CACHE set, a folder of this project's own in that
        one instead, so that a read-only checkout (a packaged copy, a CI mirror) still builds."""
        shared = os.environ.get(CACHE_VARIABLE)
        if not shared:
            return self.root / ".cache"
        where = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:16]
        return Path(shared) / f"{self.root.resolve().name}-{where}"

    @property
    def pot(self) -> Path:
        return self.locales_dir / "handouts.pot"


NO_CLINIC = Clinic()
NOT_REVIEWED = Review()
SOURCE_REVIEW = Review(status="source")


#: What a job makes: one handout, one handout with its English beside it, or a language's booklet.
JOB_KINDS = ("handout", "bilingual", "booklet")


@dataclass(frozen=True)
class Job:
    handout: str  # a handout id; BOOKLET for a booklet
    lang: str
    style: StyleOptions
    kind: str = "handout"

    def output(self, out_dir: Path) -> Path:
        """`dist/<tag>/<id>.pdf`; other sizes and themes get a suffix (`<id>.extra-large.pdf`),
        bilingual handouts `.bilingual` before it, booklets are `booklet.pdf`.
        Paper is left out of the name: a clinic prints on one paper size."""
        middle = ".bilingual" if self.kind == "bilingual" else ""
        name = f"{self.handout}{middle}{self.style.file_suffix}.pdf"
        return out_dir / language(self.lang).tag / name

    def outputs(self, out_dir: Path) -> dict[str, Path]:
        """Every file the job writes, by kind: its PDF, and for the standard print of a single
        handout also the web page (`<id>.html`) and the thumbnail of the first page (`<id>.png`)."""
        pdf = self.output(out_dir)
        files = {self.kind: pdf}
        if self.kind == "handout" and not self.style.file_suffix:
            files["html"] = pdf.with_suffix(".html")
            files["thumbnail"] = pdf.with_suffix(".png")
        return files

    def __str__(self) -> str:
        kind = " bilingual" if self.kind == "bilingual" else ""
        return f"{self.lang}/{self.handout}{kind} ({self.style.name})"


@dataclass(frozen=True)
class Written:
    """One file a job wrote (or found unchanged)."""

    kind: str
    path: Path
    size: int
    sha256: str
    pages: int | None = None


@dataclass
class Outcome:
    job: Job
    path: Path
    ok: bool
    pages: int = 0
    size: int = 0
    error: str = ""
    key: str = ""
    sha256: str = ""
    skipped: bool = False
    #: Every file of the job, the PDF first (see Job.outputs).
    files: tuple[Written, ...] = ()


@dataclass
class LanguagePlan:
    code: str
    translations: dict[str, str]
    review: Review = NOT_REVIEWED
    allow_incomplete: bool = False
    #: Which handouts (and the booklet) are complete in this language: only those are built,
    #: unless the build allows incomplete ones.
    completeness: Completeness = field(default_factory=lambda: Completeness({}))

    def builds(self, name: str) -> bool:
        """Whether the handout `name` (or the booklet) of this language is built."""
        return self.allow_incomplete or self.completeness.complete(name)

    @property
    def characters(self) -> str:
        """Every character the catalog can print, so a subset font is cut once per language."""
        return "".join(sorted(set("".join(self.translations.values()))))


#: English, the source: its text is the msgids themselves.
SOURCE_PLAN = LanguagePlan(SOURCE_LANGUAGE, {}, review=SOURCE_REVIEW)


@dataclass(frozen=True)
class Waiting:
    """A handout (or a booklet) of one language not built: its strings are not all translated."""

    lang: str
    handout: str
    missing: int


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    seconds: float = 0.0
    #: The languages built, with their translations: the index page reuses them.
    plans: list[LanguagePlan] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def built(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]

    @property
    def unchanged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]


#: Part of every build key: a WeasyPrint upgrade changes the PDFs.
WEASYPRINT_VERSION = version("weasyprint")


#: The templates of the documents a builder makes, in templates/.
HANDOUT_TEMPLATE = "handout.html.j2"
BOOKLET_TEMPLATE = "booklet.html.j2"
BILINGUAL_TEMPLATE = "bilingual.html.j2"
PAGE_TEMPLATE = "page.html.j2"


def remove_partial_files(out_dir: Path) -> None:
    """Delete temporary files a killed build left behind (never a finished file)."""
    if out_dir.is_dir():
        for part in out_dir.rglob(".*.part"):
            part.unlink(missing_ok=True)


def ensure_writable(out_dir: Path) -> None:
    """Fail once, before any work, when the output folder cannot take a file (read-only, no
    permission), instead of once for every PDF; raises the OSError naming the folder."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".part", dir=out_dir)
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(out_dir)) from exc
    os.close(fd)
    os.unlink(probe)


def catalog_errors(project: Project, code: str) -> list[LintProblem]:
    """What stops a language's catalog being printed: every error `check` would report for it
    (the catalog rules of handoutpress.lint), each with its line."""
    po = catalog_path(project.locales_dir, code)
    try:
        printable_catalog(po, project.cache_dir, display_path(po, project.root))
    except CatalogRefused as refused:
        return refused.problems
    return []


def document_strings(project: Project) -> DocumentStrings:
    """The template strings a handout's files can print, and those of a booklet (completeness)."""
    template = read_template(project.pot) if project.pot.exists() else []
    handout = [HANDOUT_TEMPLATE, BILINGUAL_TEMPLATE, PAGE_TEMPLATE, STYLESHEET_TEMPLATE]
    booklet = [BOOKLET_TEMPLATE, STYLESHEET_TEMPLATE]
    folder = display_path(project.templates_dir, project.root)
    return DocumentStrings(
        *(template_strings(template, folder, template_files(project.templates_dir, names))
          for names in (handout, booklet))
    )  # fmt: skip


def plan_languages(
    project: Project,
    requested: Sequence[str] | None,
    allow_incomplete: bool,
    collection: Collection | None = None,
) -> list[LanguagePlan]:
    """The languages to build, with their translations and which of their handouts are complete."""
    available = [SOURCE_LANGUAGE, *catalog_languages(project.locales_dir)]
    codes = available
    if requested:
        codes = []
        for code in requested:
            lang = language(code)
            if lang.code not in available:
                raise ValueError(
                    f"no catalog for {code!r} in {display_path(project.locales_dir, project.root)}/: "
                    f"run {command('init', lang.code)} first"
                )
            codes.append(lang.code)
    collection = collection or load_collection(project.handouts_dir, project.root)
    strings = document_strings(project)
    plans = []
    for code in codes:
        if code == SOURCE_LANGUAGE:
            plans.append(SOURCE_PLAN)
            continue
        po = catalog_path(project.locales_dir, code)
        display = display_path(po, project.root)
        catalog_language(po, display)  # a folder named like no language is refused here
        read_catalog(po, display)  # every broken line named before anything is compiled
        translations = load_translations(compile_catalog(po, project.cache_dir))
        review = load_review(project.locales_dir, code)
        complete = completeness(collection, strings, translations)
        plans.append(LanguagePlan(code, translations, review, allow_incomplete, complete))
    return plans


class HandoutBuilder:
    """Renders jobs in this process; owns one Renderer (fonts and templates are loaded once).

    Every document (single handout, booklet, bilingual handout, web page) is made the same way: the
    handouts are translated, each becomes a HandoutPart, a template puts the parts together, and
    `_typeset` proves the fonts against every string printed and lays the PDF out.

    A long-lived caller (the live preview) passes the `renderer` of its previous builder, so fonts,
    templates and WeasyPrint stay warm when the collection or the clinic changes."""

    def __init__(
        self,
        project: Project,
        collection: Collection,
        clinic: Clinic,
        allow_incomplete: bool = False,
        renderer: Renderer | None = None,
    ):
        self.project = project
        self.collection = collection
        self.clinic = clinic
        self.allow_incomplete = allow_incomplete
        if renderer is None:
            from handoutpress.render import Renderer  # WeasyPrint loads only where PDFs are drawn

            renderer = Renderer(project.templates_dir, project.cache_dir)
        self.renderer = renderer

    def render_job(self, job: Job, plan: LanguagePlan) -> RenderedPdf:
        if job.kind == "booklet":
            return self.render_booklet(plan, job.style)
        handout = self.collection.handout(job.handout)
        if job.kind == "bilingual":
            return self.render_bilingual(handout, plan, job.style)
        return self.render(handout, plan, job.style)

    def render(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """One handout in one language."""
        translator, html = self._single(handout, plan)
        identifier = f"{handout.id}/{plan.code}/{style.name}"
        return self._typeset(html, translator, plan, [handout], style, identifier)

    def printed(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> list[str]:
        """Every translated string the handout's PDF prints (content, templates, page footer): what
        a reader must be able to copy back out of it."""
        translator, _html = self._single(handout, plan)
        self.renderer.stylesheet(translator.lang, translator, None, style)
        return translator.printed

    def _single(self, handout: Handout, plan: LanguagePlan) -> tuple[Translator, str]:
        translator = self.translator(plan)
        html = self._document(HANDOUT_TEMPLATE, translator, doc=self._part(handout, translator, plan))
        return translator, html

    def render_booklet(self, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """Every handout of the collection in one language, with a cover and a table of contents."""
        translator = self.translator(plan)
        handouts = booklet_handouts(self.collection)
        docs = [self._part(h, translator, plan, prefix=f"{h.id}-") for h in handouts]
        written = max(h.written for h in handouts)
        html = self._document(BOOKLET_TEMPLATE, translator, docs=docs, written=written)
        identifier = f"{BOOKLET}/{plan.code}/{style.name}"
        return self._typeset(html, translator, plan, handouts, style, identifier)

    def render_bilingual(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """One handout in one language with its English original, section by section."""
        translator = self.translator(plan)
        english = self.translator(SOURCE_PLAN)
        doc = self._part(handout, translator, plan)
        original = self._part(handout, english, SOURCE_PLAN, prefix="en-")
        pairs = list(zip(doc.handout.sections, original.handout.sections, strict=True))
        html = self._document(BILINGUAL_TEMPLATE, translator, doc=doc, english=original, pairs=pairs)
        identifier = f"{handout.id}/{plan.code}/{style.name}/bilingual"
        return self._typeset(html, translator, plan, [handout], style, identifier, english)

    def render_page(self, handout: Handout, plan: LanguagePlan) -> str:
        """One handout in one language as a web page, for screens and screen readers."""
        translator = self.translator(plan)
        return self._document(PAGE_TEMPLATE, translator, doc=self._part(handout, translator, plan))

    def translator(self, plan: LanguagePlan) -> Translator:
        """The Translator every document of `plan`'s language is made with (the live preview's
        builder returns one that marks what is not yet translated)."""
        lang = language(plan.code)
        return Translator(lang, plan.translations, allow_incomplete=self.allow_incomplete)

    def _part(
        self, handout: Handout, translator: Translator, plan: LanguagePlan, prefix: str = ""
    ) -> HandoutPart:
        values = self.renderer.clinic_values(self.clinic, translator.lang)
        translated = translate(handout, translator, values=values)
        review = None if translator.is_source else plan.review
        return self.renderer.part(translated, translator, review, prefix)

    def _document(self, template: str, translator: Translator, **context: object) -> str:
        producer = self.collection.library.producer
        return self.renderer.document(template, translator, producer, self.clinic, **context)

    def _typeset(
        self,
        html: str,
        translator: Translator,
        plan: LanguagePlan,
        handouts: Sequence[Handout],
        style: StyleOptions,
        identifier: str,
        english: Translator | None = None,
    ) -> RenderedPdf:
        """Choose the font that prints every string of the document, and the font of each other
        language it holds text in (see `_foreign_texts`), then lay the PDF out."""
        lang = translator.lang
        self.renderer.stylesheet(lang, translator, None, style)  # records the footer's words
        texts = [*translator.printed, *self._untranslated_texts(handouts, lang)]
        font = choose_font(lang.script, texts, self.project.cache_dir, plan.characters)
        foreign = {
            tag: choose_font(language(tag).script, other, self.project.cache_dir)
            for tag, other in self._foreign_texts(handouts, lang, english).items()
        }
        css = self.renderer.stylesheet(lang, translator, font, style, foreign)
        return self.renderer.pdf(html, css, [font, *foreign.values()], identifier)

    def _foreign_texts(
        self, handouts: Sequence[Handout], lang: Language, english: Translator | None
    ) -> dict[str, list[str]]:
        """What a document in `lang` prints in other languages, by language tag: the English of
        citations, the producer and the English titles (and of the English parts of a bilingual
        handout), and the clinic's details in the clinic's language."""
        source = language(SOURCE_LANGUAGE)
        found: dict[str, list[str]] = {}
        if lang.tag != source.tag:
            found[source.tag] = [
                *(s.citation for h in handouts for s in h.sources),
                self.collection.library.producer,
                *(f"{h.review.reviewer} {h.review.credentials}" for h in handouts),
                *(h.title.msgid for h in handouts),
                *(english.printed if english is not None else ()),
            ]
        clinic_lang = language(self.clinic.language)
        if not self.clinic.is_empty and clinic_lang.tag != lang.tag:
            details = [getattr(self.clinic, name) for name in FIELDS]
            found.setdefault(clinic_lang.tag, []).extend(details)
        return found

    def _untranslated_texts(self, handouts: Sequence[Handout], lang: Language) -> list[str]:
        """Text printed as it is: citations, the producer, the reviewers, the dates, the page
        digits, and the safety box's marker."""
        digits = "".join(str(n) for n in range(10))
        return [
            *(s.citation for h in handouts for s in h.sources),
            self.collection.library.producer,
            *(f"{h.review.reviewer} {h.review.credentials}" for h in handouts),
            lang.native_name,
            *(lang.format_date(d) for h in handouts for d in (h.written, h.review.date) if d),
            *self.clinic.values().values(),
            digits if lang.numbering_system == "latn" else "",
            TEMPLATE_CHARACTERS,
        ]


def job_handouts(collection: Collection, job: Job) -> list[Handout]:
    """The handouts a job prints."""
    if job.kind == "booklet":
        return booklet_handouts(collection)
    return [collection.handout(job.handout)]


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


class JobKeys:
    """Build keys: a hash of everything that shapes one job's files; an unchanged key means
    unchanged files.

    A key covers the handouts and their sections (their text), the catalog entries they print (their
    own strings and the templates'), the translation's review record, the templates and styles, the
    font files for the script (and for English and the clinic's language), the clinic profile, the
    kind of job, the print variant, the engine's source and WeasyPrint's version. The parts that
    many jobs share are hashed once per build, so deciding that nothing needs drawing stays quick."""

    def __init__(
        self, project: Project, collection: Collection, clinic: Clinic, template_msgids: frozenset[str]
    ):
        self.collection = collection
        self.cache_dir = project.cache_dir
        self.template_msgids = sorted(template_msgids)
        templates = [
            (p.name, file_digest(p)) for p in sorted(project.templates_dir.rglob("*")) if p.is_file()
        ]
        producer = collection.library.producer
        # Every document may print English (citations, titles) and the clinic's language in their
        # own fonts (HandoutBuilder._foreign_texts).
        foreign = {language(SOURCE_LANGUAGE).script, language(clinic.language).script}
        fonts = [font_fingerprint(script, self.cache_dir) for script in sorted(foreign)]
        self.common = _digest(engine_digest(), WEASYPRINT_VERSION, clinic, producer, templates, fonts)
        self._languages: dict[str, str] = {}
        self._handouts: dict[tuple[str, str], str] = {}

    def key(self, job: Job, plan: LanguagePlan) -> str:
        return _digest(self.common, self._language(plan), self._printed(job, plan), job.kind, job.style)

    def _language(self, plan: LanguagePlan) -> str:
        if plan.code not in self._languages:
            templates = [(m, plan.translations.get(m)) for m in self.template_msgids]
            script = font_fingerprint(language(plan.code).script, self.cache_dir)
            self._languages[plan.code] = _digest(
                plan.code, plan.allow_incomplete, plan.review, script, templates
            )
        return self._languages[plan.code]

    def _printed(self, job: Job, plan: LanguagePlan) -> str:
        """The handouts a job prints, and their strings in the plan's language."""
        name = BOOKLET if job.kind == "booklet" else job.handout
        if (name, plan.code) not in self._handouts:
            handouts = job_handouts(self.collection, job)
            msgids = sorted({t.msgid for h in handouts for t in h.texts()})
            strings = [(m, plan.translations.get(m)) for m in msgids]
            self._handouts[name, plan.code] = _digest(handouts, strings)
        return self._handouts[name, plan.code]


@functools.cache
def engine_digest() -> str:
    """A hash of the engine's own source: a change to how PDFs are made rebuilds them all.

    A version number is only bumped at release; a developer or a clinic running from a checkout
    changes the code in between, and a stale PDF made by older code must not count as up to date."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def template_messages(project: Project) -> frozenset[str]:
    """The msgids the templates print (from the committed template catalog)."""
    if not project.pot.exists():
        return frozenset()
    with project.pot.open("rb") as fh:
        catalog = read_po(fh)
    return frozenset(
        m.id for m in catalog if m.id and any(loc.startswith("templates/") for loc, _ in m.locations)
    )


# One builder per worker process: fonts, templates and catalogs are loaded once, not per PDF.
_worker: HandoutBuilder | None = None
_plans: dict[str, LanguagePlan] = {}

#: Objects allocated between two runs of the young-generation cycle collector. WeasyPrint makes
#: hundreds of thousands of short-lived objects per PDF; at Python's default (700) the collector ran
#: 2,300 times in a build and took 1.5 s of 18 s of drawing, at 10,000 it runs about 120 times for
#: 0.4 s (the bench's 112 PDFs drawn by one worker); 50,000 was slower again (each run scans more).
YOUNG_COLLECTION_THRESHOLD = 10_000


def settle_heap() -> Callable[[], None]:
    """Keep the cycle collector off what a worker loads once and keeps (WeasyPrint's modules,
    fonts, templates, catalogs) and make it run less often while PDFs are drawn.

    Everything alive when drawing starts is frozen (`gc.freeze`): the collector no longer walks it
    again and again; each PDF's own garbage is still collected. Returns the function that undoes
    it, so a build run inside another program (the test suite) leaves its collector as it was."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *thresholds[1:])

    def restore() -> None:
        gc.set_threshold(*thresholds)
        gc.unfreeze()

    return restore


def _init_worker(
    project: Project, clinic: Clinic, plans: dict[str, LanguagePlan], allow_incomplete: bool
) -> None:
    global _worker, _plans
    collection = load_collection(project.handouts_dir, project.root)
    _worker = HandoutBuilder(project, collection, clinic, allow_incomplete)
    _plans = plans


def _init_pool_worker(*args: object) -> None:
    """A worker of the process pool: Ctrl-C is for the main process, which stops handing out jobs;
    the worker finishes the PDF it is writing instead of dying with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(*args)  # type: ignore[arg-type]
    settle_heap()  # for the worker's whole life: it ends with the build


def _started() -> None:
    """Nothing: handing it to the pool starts the workers."""


def _run_job(job: Job, paths: dict[str, Path], key: str) -> Outcome:
    """Render and write one job's files; any failure is returned, never raised, so the others finish.

    Everything is rendered before the first file is written: a job that fails leaves the files of
    the last good build as they were."""
    assert _worker is not None
    pdf = paths[job.kind]
    try:
        plan = _plans[job.lang]
        rendered = _worker.render_job(job, plan)
        data = {job.kind: rendered.data}
        if "html" in paths:
            handout = _worker.collection.handout(job.handout)
            data["html"] = _worker.render_page(handout, plan).encode()
            data["thumbnail"] = thumbnail(rendered.data)
        files = []
        for kind, content in data.items():
            write_atomic(paths[kind], content)
            pages = rendered.pages if kind == job.kind else None
            digest = hashlib.sha256(content).hexdigest()
            files.append(Written(kind, paths[kind], len(content), digest, pages))
        first = files[0]
        return Outcome(job, pdf, True, rendered.pages, first.size, key=key, sha256=first.sha256,
                       files=tuple(files))  # fmt: skip
    except OSError as exc:  # a full disk, a folder without permission: say what to do
        return Outcome(job, pdf, False, error=os_error_line(exc, pdf), key=key)
    except FontError as exc:  # the message names the font, the string and what to do
        return Outcome(job, pdf, False, error=str(exc), key=key)
    except Exception as exc:  # reported with the job's handout and language
        return Outcome(job, pdf, False, error=f"{type(exc).__name__}: {exc}", key=key)


def in_shard(job: Job, shard: tuple[int, int] | None) -> bool:
    """Whether `job` belongs to shard K of N: a stable hash, the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    name = f"{job.handout}/{job.lang}/{job.style.name}"
    if job.kind != "handout":
        name += f"/{job.kind}"
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8]) % n == k - 1


def plan_jobs(
    plans: Sequence[LanguagePlan],
    selected: Sequence[Handout],
    styles: Sequence[StyleOptions],
    bilingual: bool,
    booklets: bool,
) -> list[Job]:
    """Every job of a build in a stable order: per language, each handout in each style (and its
    bilingual twin), then the language's booklets; a handout that is not complete in a language
    (and so its booklet) has none, unless the plan allows incomplete ones."""
    jobs = []
    for plan in plans:
        for handout in selected:
            if not plan.builds(handout.id):
                continue
            for style in styles:
                jobs.append(Job(handout.id, plan.code, style))
                if bilingual and plan.code != SOURCE_LANGUAGE:
                    jobs.append(Job(handout.id, plan.code, style, "bilingual"))
        if booklets and plan.builds(BOOKLET):
            jobs += [Job(BOOKLET, plan.code, style, "booklet") for style in styles]
    return jobs


def waiting(plans: Sequence[LanguagePlan], selected: Sequence[Handout], booklets: bool) -> list[Waiting]:
    """The handouts (and booklets) of the build that wait for their translation."""
    names = [*(h.id for h in selected), *([BOOKLET] if booklets else [])]
    return [
        Waiting(plan.code, name, plan.completeness.missing[name])
        for plan in plans
        for name in names
        if not plan.builds(name)
    ]


def build(
    project: Project,
    out_dir: Path,
    langs: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    styles: Sequence[StyleOptions] = (StyleOptions(),),
    clinic: Clinic = NO_CLINIC,
    allow_incomplete: bool = False,
    force: bool = False,
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
    bilingual: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the requested PDFs, skipping those whose key and files are unchanged.

    Booklets hold the whole collection, so they are built when no `handouts` are picked out.
    Every job is attempted; failures are in the report. Every finished job goes into the manifest's
    journal, so a build killed at any moment loses no finished work and the next run does only what
    is left.
    """
    started = time.perf_counter()
    collection = load_collection(project.handouts_dir, project.root)
    check_names(collection)
    selected = [collection.handout(h) for h in handouts] if handouts else list(collection.handouts)
    plans = plan_languages(project, langs, allow_incomplete, collection)
    template_msgids = template_messages(project)
    manifest = Manifest.load(out_dir)
    ensure_writable(out_dir)
    remove_partial_files(out_dir)
    report = BuildReport(waiting=waiting(plans, selected, booklets=not handouts), plans=plans)
    by_code = {p.code: p for p in plans}
    keys = JobKeys(project, collection, clinic, template_msgids)
    todo: list[tuple[Job, dict[str, Path], str]] = []
    for job in plan_jobs(plans, selected, styles, bilingual, booklets=not handouts):
        if not in_shard(job, shard):
            continue
        paths = job.outputs(out_dir)
        key = keys.key(job, by_code[job.lang])
        if not force and (outcome := _unchanged(manifest, job, paths, key)):
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
            continue
        todo.append((job, paths, key))
    reviews = {p.code: p.review.status for p in plans}

    def prove() -> None:
        """Refuse, before anything is drawn, every catalog of the build with an error, naming each
        problem: also one whose PDFs are unchanged (a header, say, is in no build key)."""
        codes = [plan.code for plan in plans if plan.code != SOURCE_LANGUAGE]
        if errors := [problem for code in codes for problem in catalog_errors(project, code)]:
            raise CatalogRefused(errors)
        if on_plan:
            on_plan(len(todo))

    def finish(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if outcome.ok:
            manifest.journal(outcome, reviews[outcome.job.lang])
        if on_outcome:
            on_outcome(outcome)

    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(
            max_workers=jobs,
            initializer=_init_pool_worker,
            initargs=(project, clinic, by_code, allow_incomplete),
        ) as pool:
            # Start the workers now: they load WeasyPrint (0.3 s each) while this process
            # proves the catalogs. No job is handed out before every catalog is proved.
            pool.submit(_started)
            prove()
            # Booklets start first: each takes as long as a language's handouts together, and one
            # started last keeps a worker busy while the others wait with nothing left to do.
            start_order = sorted(todo, key=lambda item: item[0].kind != "booklet")
            started_jobs = {id(item): pool.submit(_run_job, *item) for item in start_order}
            futures = [started_jobs[id(item)] for item in todo]
            try:
                for future in futures:  # in job order: results come back in a stable order
                    finish(future.result())
            except KeyboardInterrupt:  # keep what is finished, start nothing new
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        prove()
        if todo:  # with nothing to draw, WeasyPrint is never imported
            _init_worker(project, clinic, by_code, allow_incomplete)
            restore = settle_heap()
            try:
                for job, paths, key in todo:
                    finish(_run_job(job, paths, key))
            finally:
                restore()
    for outcome in report.outcomes:
        if outcome.skipped:
            manifest.record(outcome, reviews[outcome.job.lang])
    manifest.save()
    report.seconds = time.perf_counter() - started
    return report


def _unchanged(manifest: Manifest, job: Job, paths: dict[str, Path], key: str) -> Outcome | None:
    """The outcome of a job whose files are all there, intact and made from the same key."""
    files = []
    for kind, path in paths.items():
        entry = manifest.entry(path)
        if not entry or entry.get("key") != key or not manifest.intact(path):
            return None
        files.append(Written(kind, path, entry["bytes"], entry["sha256"], entry.get("pages")))
    pdf = files[0]
    return Outcome(job, pdf.path, True, pdf.pages or 0, pdf.size, key=key, sha256=pdf.sha256,
                   skipped=True, files=tuple(files))  # fmt: skip
