"""Build PDFs: plan the jobs (handout x language x variant), run them, write every file atomically.

A PDF is written to a temporary file beside its target and renamed into place, so a failed or
interrupted build never leaves a half-written PDF and never removes a good one. A failing job is
reported with its handout and language; the other jobs still run.
"""

from __future__ import annotations

import functools
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

from babel.messages.pofile import read_po

from handoutpress import __version__
from handoutpress.catalogs import (
    CatalogError,
    catalog_language,
    catalog_languages,
    catalog_path,
    catalog_status,
    compile_catalog,
    load_translations,
    read_catalog,
)
from handoutpress.clinic import Clinic
from handoutpress.content import Collection, Handout, display_path, load_collection
from handoutpress.files import os_error_line, write_atomic
from handoutpress.fonts import FontError, choose_font, font_fingerprint
from handoutpress.lint import unprintable
from handoutpress.locales import SOURCE_LANGUAGE, Language, language
from handoutpress.manifest import Manifest
from handoutpress.reviews import Review, load_review
from handoutpress.styles import StyleOptions
from handoutpress.translate import Translator, translate


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
        return self.root / ".cache"

    @property
    def pot(self) -> Path:
        return self.locales_dir / "handouts.pot"


NO_CLINIC = Clinic()
NOT_REVIEWED = Review()
SOURCE_REVIEW = Review(status="source")


@dataclass(frozen=True)
class Job:
    handout: str
    lang: str
    style: StyleOptions

    def output(self, out_dir: Path) -> Path:
        """`dist/<tag>/<id>.pdf`; other sizes and themes get a suffix (`<id>.extra-large.pdf`).
        Paper is left out of the name: a clinic prints on one paper size."""
        suffix = self.style.file_suffix
        return out_dir / language(self.lang).tag / f"{self.handout}{suffix}.pdf"

    def __str__(self) -> str:
        return f"{self.lang}/{self.handout} ({self.style.name})"


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


@dataclass
class LanguagePlan:
    code: str
    translations: dict[str, str]
    percent: float = 100.0
    missing: int = 0
    review: Review = NOT_REVIEWED
    allow_incomplete: bool = False

    @property
    def characters(self) -> str:
        """Every character the catalog can print, so a subset font is cut once per language."""
        return "".join(sorted(set("".join(self.translations.values()))))


@dataclass
class BuildReport:
    outcomes: list[Outcome] = field(default_factory=list)
    skipped_languages: list[str] = field(default_factory=list)
    seconds: float = 0.0

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


def remove_partial_files(out_dir: Path) -> None:
    """Delete temporary files a killed build left behind (never a finished PDF)."""
    if out_dir.is_dir():
        for part in [*out_dir.glob(".*.part"), *out_dir.glob("*/.*.part")]:
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


def plan_languages(
    project: Project, requested: Sequence[str] | None, allow_incomplete: bool
) -> tuple[list[LanguagePlan], list[str]]:
    """The languages to build with their translations, and a note for each language left out."""
    available = [SOURCE_LANGUAGE, *catalog_languages(project.locales_dir)]
    codes = available
    if requested:
        codes = []
        for code in requested:
            lang = language(code)
            if lang.code not in available:
                raise ValueError(
                    f"no catalog for {code!r} in {display_path(project.locales_dir, project.root)}/: "
                    f"run `python build_pdfs.py init {lang.code}` first"
                )
            codes.append(lang.code)
    plans, notes = [], []
    for code in codes:
        if code == SOURCE_LANGUAGE:
            plans.append(LanguagePlan(code, {}, review=SOURCE_REVIEW))
            continue
        po = catalog_path(project.locales_dir, code)
        display = display_path(po, project.root)
        script = catalog_language(po, display).script
        catalog = read_catalog(po, display)
        if broken := unprintable(catalog, display, script, project.cache_dir):
            raise CatalogError(broken[0].path, broken[0].line, broken[0].message)
        status = catalog_status(code, catalog)
        translations = load_translations(compile_catalog(po, project.cache_dir))
        review = load_review(project.locales_dir, code)
        plan = LanguagePlan(code, translations, status.percent, status.missing, review, allow_incomplete)
        if status.missing and not allow_incomplete:
            notes.append(
                f"{code}: not built, {status.missing} of {status.total} strings are untranslated "
                f"or fuzzy ({status.percent:.0f}% done); finish {display} or pass --allow-incomplete"
            )
            continue
        plans.append(plan)
    return plans, notes


@dataclass(frozen=True)
class Composition:
    """One handout laid out as HTML in one language, before fonts and PDF.

    `translator.printed` holds every translated string it prints (content and templates) and
    `verbatim` what it prints as it is (citations, producer, date, digits): the font must cover both,
    and a reader copying from the PDF must get the translated strings back."""

    lang: Language
    translator: Translator
    html: str
    verbatim: list[str]


class HandoutBuilder:
    """Renders jobs in this process; owns one Renderer (fonts and templates are loaded once)."""

    def __init__(
        self,
        project: Project,
        collection: Collection,
        clinic: Clinic,
        allow_incomplete: bool = False,
    ):
        self.project = project
        self.collection = collection
        self.clinic = clinic
        self.allow_incomplete = allow_incomplete
        from handoutpress.render import Renderer  # WeasyPrint loads only where PDFs are drawn

        self.renderer = Renderer(project.templates_dir)

    def compose(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> Composition:
        """The handout's HTML in the plan's language and every string it prints."""
        lang = language(plan.code)
        translator = Translator(lang, plan.translations, allow_incomplete=self.allow_incomplete)
        translated = translate(handout, translator, values=self.clinic.values())
        review = None if lang.code == SOURCE_LANGUAGE else plan.review
        html = self.renderer.html(
            translated, translator, self.collection.library.producer, self.clinic, review
        )
        self.renderer.stylesheet(lang, translator, None, style)  # records the footer's words
        return Composition(lang, translator, html, self._untranslated_texts(handout, lang))

    def render(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> tuple[bytes, int]:
        page = self.compose(handout, plan, style)
        texts = [*page.translator.printed, *page.verbatim]
        font = choose_font(page.lang.script, texts, self.project.cache_dir, plan.characters)
        css = self.renderer.stylesheet(page.lang, page.translator, font, style)
        rendered = self.renderer.pdf(page.html, css, font, f"{handout.id}/{plan.code}/{style.name}")
        return rendered.data, rendered.pages

    def _untranslated_texts(self, handout: Handout, lang: Language) -> list[str]:
        """Text printed as it is: citations, the producer, the date and the page digits."""
        digits = "".join(str(n) for n in range(10))
        return [
            *(s.citation for s in handout.sources),
            self.collection.library.producer,
            lang.format_date(handout.reviewed),
            digits if lang.numbering_system == "latn" else "",
        ]


def job_key(
    project: Project,
    collection: Collection,
    handout: Handout,
    plan: LanguagePlan,
    style: StyleOptions,
    clinic: Clinic,
    template_msgids: frozenset[str],
) -> str:
    """A hash of everything that shapes one PDF; an unchanged key means an unchanged PDF.

    It covers the handout and its sections (their text), the catalog entries it prints (its own
    strings and the templates'), the templates and styles, the font files for its script, the clinic
    profile, the print variant and the engine's source and WeasyPrint's version."""
    h = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            h.update(repr(part).encode())
            h.update(b"\0")

    add(engine_digest(), WEASYPRINT_VERSION, plan.code, style, clinic, plan.allow_incomplete)
    add(handout, collection.library.producer)
    msgids = sorted({t.msgid for t in handout.texts()} | template_msgids)
    add([(m, plan.translations.get(m)) for m in msgids])
    for path in sorted(project.templates_dir.rglob("*")):
        if path.is_file():
            add(path.name, file_digest(path))
    add(font_fingerprint(language(plan.code).script))
    return h.hexdigest()


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


def _run_job(job: Job, path: Path, key: str) -> Outcome:
    """Render and write one PDF; any failure is returned, never raised, so the others finish."""
    assert _worker is not None
    try:
        handout = _worker.collection.handout(job.handout)
        data, pages = _worker.render(handout, _plans[job.lang], job.style)
        write_atomic(path, data)
        digest = hashlib.sha256(data).hexdigest()
        return Outcome(job, path, True, pages, len(data), key=key, sha256=digest)
    except OSError as exc:  # a full disk, a folder without permission: say what to do
        return Outcome(job, path, False, error=os_error_line(exc, path), key=key)
    except FontError as exc:  # the message names the font, the string and what to do
        return Outcome(job, path, False, error=str(exc), key=key)
    except Exception as exc:  # reported with the job's handout and language
        return Outcome(job, path, False, error=f"{type(exc).__name__}: {exc}", key=key)


def in_shard(job: Job, shard: tuple[int, int] | None) -> bool:
    """Whether `job` belongs to shard K of N: a stable hash, the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    digest = hashlib.sha256(f"{job.handout}/{job.lang}/{job.style.name}".encode()).digest()
    return int.from_bytes(digest[:8]) % n == k - 1


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
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the requested PDFs, skipping those whose key and file are unchanged.

    Every job is attempted; failures are in the report. The manifest is rewritten after every job,
    so a build killed at any moment loses no finished work and the next run does only what is left.
    """
    started = time.perf_counter()
    collection = load_collection(project.handouts_dir, project.root)
    selected = [collection.handout(h) for h in handouts] if handouts else list(collection.handouts)
    plans, notes = plan_languages(project, langs, allow_incomplete)
    template_msgids = template_messages(project)
    manifest = Manifest.load(out_dir)
    ensure_writable(out_dir)
    remove_partial_files(out_dir)
    report = BuildReport(skipped_languages=notes)
    todo: list[tuple[Job, Path, str]] = []
    for plan in plans:
        for handout in selected:
            for style in styles:
                job = Job(handout.id, plan.code, style)
                if not in_shard(job, shard):
                    continue
                path = job.output(out_dir)
                key = job_key(project, collection, handout, plan, style, clinic, template_msgids)
                entry = manifest.entry(path)
                if not force and entry and entry.get("key") == key and manifest.intact(path):
                    outcome = Outcome(job, path, True, entry["pages"], entry["bytes"], key=key,
                                      sha256=entry["sha256"], skipped=True)  # fmt: skip
                    report.outcomes.append(outcome)
                    if on_outcome:
                        on_outcome(outcome)
                    continue
                todo.append((job, path, key))
    if on_plan:
        on_plan(len(todo))
    reviews = {p.code: p.review.status for p in plans}

    def finish(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if outcome.ok:
            manifest.record(outcome, reviews[outcome.job.lang])
            manifest.save()
        if on_outcome:
            on_outcome(outcome)

    by_code = {p.code: p for p in plans}
    # With nothing to draw, no worker starts and WeasyPrint is never imported.
    if todo and (jobs <= 1 or len(todo) == 1):
        _init_worker(project, clinic, by_code, allow_incomplete)
        for job, path, key in todo:
            finish(_run_job(job, path, key))
    elif todo:
        with ProcessPoolExecutor(
            max_workers=jobs,
            initializer=_init_pool_worker,
            initargs=(project, clinic, by_code, allow_incomplete),
        ) as pool:
            futures = [pool.submit(_run_job, job, path, key) for job, path, key in todo]
            try:
                for future in futures:  # in job order: results come back in a stable order
                    finish(future.result())
            except KeyboardInterrupt:  # keep what is finished, start nothing new
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    for outcome in report.outcomes:
        if outcome.skipped:
            manifest.record(outcome, reviews[outcome.job.lang])
    manifest.save()
    report.seconds = time.perf_counter() - started
    return report
