"""The build engine: plan the jobs (language x handout x builder), key them, run them, record them.

It knows no output format. Each format is a builder (handoutpress.builders, one module each, one line
in its registry) with the same small interface, `Builder`: the jobs it makes for a language and a
handout, which files of a job are its own, what shapes them (its key parts) and their bytes. The
engine asks every registered builder, hashes each job's inputs into a key and skips a job whose key
and files are unchanged (the manifest), splits the jobs into stable shards, runs the others in a
process pool, and writes every file to a temporary file beside its target and renames it into
place, so a failed or interrupted build never leaves a half-written file and never removes a good
one. A failing job is reported with its handout and language; the others still run. A builder that
cannot make a file for a language (no braille table for its script) says why (`NotMade`): no file,
a line in the summary, and the build does not fail.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from babel.messages.pofile import read_po

from handoutpress import __version__
from handoutpress.catalogs import (
    catalog_language,
    catalog_languages,
    catalog_path,
    compile_catalog,
    load_translations,
    read_catalog,
    read_template,
)
from handoutpress.clinic import Clinic
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
from handoutpress.fonts import FontError
from handoutpress.lint import CatalogRefused, LintProblem, printable_catalog
from handoutpress.locales import SOURCE_LANGUAGE, language
from handoutpress.manifest import Manifest
from handoutpress.reviews import Review, load_review
from handoutpress.styles import StyleOptions

T = TypeVar("T")


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


class NotMade(Exception):
    """A builder cannot make this file in this language (no braille table writes its script): no
    file is written, the build goes on and does not fail, and the summary gives this reason."""


@dataclass(frozen=True)
class Job:
    """One unit of work: the files one builder plans for a handout (or the whole collection) in a
    language and a print variant, with the files other builders add to it (see Builder.makes)."""

    handout: str  # a handout id, or the name of a file that holds the whole collection
    lang: str
    style: StyleOptions
    kind: str  # the builder that planned it: the kind of the job's first file
    label: str = ""  # what a message calls it beside its handout ("bilingual"), if anything
    whole: bool = False  # it holds the whole collection (a booklet), not one handout

    def __str__(self) -> str:
        label = f" {self.label}" if self.label else ""
        return f"{self.lang}/{self.handout}{label} ({self.style.name})"


@dataclass(frozen=True)
class Made:
    """One file's bytes as its builder made them, before anything is written."""

    data: bytes
    pages: int | None = None


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
    #: Every file of the job, the planning builder's first (see Builder.makes).
    files: tuple[Written, ...] = ()
    #: Why the job made no file although nothing failed (NotMade).
    note: str = ""


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
        return [o for o in self.outcomes if o.ok and not o.skipped and not o.note]

    @property
    def not_made(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.note]

    @property
    def unchanged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]


class Builder:
    """One output format, as the engine sees it. A builder is one module of handoutpress.builders and
    one line of its registry; the engine calls nothing else of it and names no format.

    A builder plans jobs of its own (`jobs`), or adds a file to another builder's jobs (`makes`: the
    web page and the thumbnail of a handout's standard print come from the same inputs, and the
    thumbnail from the PDF itself). The defaults below fit a builder that plans nothing."""

    #: The kind of its files in the manifest, and of the jobs it plans.
    kind = ""
    #: What a message calls its jobs beside their handout ("bilingual"); "" for nothing.
    label = ""
    #: The help of its `--<kind>` option when it is made only when asked for; "" for always.
    option = ""
    #: For a file per language that holds the whole collection (a booklet), the file's name: no
    #: handout may take it, completeness counts it apart, and its jobs are planned only when a
    #: build covers the whole collection, and start first (each takes as long as many handouts).
    collection: str | None = None
    #: The templates whose strings its files print (what must be translated for them to be built).
    templates: tuple[str, ...] = ()

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        """The jobs it makes for one handout in one language; `handout` None: for the language as a
        whole (a booklet). The languages and handouts asked about are those that are built."""
        return []

    def job(self, handout: str, lang: str, style: StyleOptions) -> Job:
        """One job of this builder's (for `jobs`, and for a caller that wants its file's path)."""
        return Job(handout, lang, style, self.kind, self.label, self.collection is not None)

    def makes(self, job: Job) -> bool:
        """Whether `job` has a file of this builder's: its own jobs, or another's it adds one to."""
        return job.kind == self.kind

    def path(self, job: Job, out_dir: Path) -> Path:
        """Where this builder's file of `job` goes, `dist/<tag>/<name>`."""
        raise NotImplementedError

    def handouts(self, job: Job, collection: Collection) -> list[Handout]:
        """The handouts a job it plans prints: their text and strings are in the job's key."""
        return [collection.handout(job.handout)]

    def key_parts(self, job: Job, plan: LanguagePlan, keys: JobKeys) -> tuple[object, ...]:
        """What shapes its file besides what every key holds (see JobKeys): the tools that make it
        (WeasyPrint and the fonts, liblouis and the table), the options only it reads."""
        return ()

    def check(self, collection: Collection) -> None:
        """Refuse a collection it cannot build (a handout named like the booklet), before any work."""

    def prepare(self, workshop: Workshop) -> None:
        """Load what it makes files with, in a worker about to get its jobs (WeasyPrint loads while
        the main process proves the catalogs)."""

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        """Its file of `job`; `made` holds the files of the job's earlier builders (in registry
        order), which a file made from another (a thumbnail from its PDF) reads. Raises NotMade
        when it cannot make this file in this language."""
        raise NotImplementedError


@dataclass(frozen=True)
class Builders:
    """The builders of a build, in registry order."""

    all: tuple[Builder, ...]

    def planning(self, job: Job) -> Builder:
        return next(b for b in self.all if b.kind == job.kind)

    def of(self, job: Job) -> list[Builder]:
        """The builders with a file in `job`, the planning one first."""
        return [self.planning(job), *(b for b in self.all if b.kind != job.kind and b.makes(job))]

    def outputs(self, job: Job, out_dir: Path) -> dict[str, Path]:
        """Every file `job` writes, by kind, the planning builder's first."""
        return {b.kind: b.path(job, out_dir) for b in self.of(job)}

    @property
    def templates(self) -> tuple[list[str], list[str]]:
        """The templates of a handout's files, and those of the whole-collection files."""
        handout = [t for b in self.all if b.collection is None for t in b.templates]
        whole = [t for b in self.all if b.collection is not None for t in b.templates]
        return list(dict.fromkeys(handout)), list(dict.fromkeys(whole))


def registered() -> Builders:
    """The builders of handoutpress.builders' registry (imported when asked for: they import this
    engine for its interface)."""
    from handoutpress.builders import BUILDERS

    return Builders(BUILDERS)


@dataclass
class Workshop:
    """What a process makes files with: the build's inputs, loaded once, and the tools of each
    format (fonts, templates, WeasyPrint), made by the builder that needs them, once, on first use."""

    project: Project
    collection: Collection
    clinic: Clinic
    allow_incomplete: bool
    plans: dict[str, LanguagePlan]
    tools: dict[str, object] = field(default_factory=dict)

    def tool(self, name: str, make: Callable[[], T]) -> T:
        if name not in self.tools:
            self.tools[name] = make()
        return self.tools[name]  # type: ignore[return-value]


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


def document_strings(project: Project, builders: Builders | None = None) -> DocumentStrings:
    """The template strings a handout's files can print, and those of a booklet (completeness):
    those of every builder's templates, made or not in this build."""
    template = read_template(project.pot) if project.pot.exists() else []
    handout, booklet = (builders or registered()).templates
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
    builders: Builders | None = None,
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
    strings = document_strings(project, builders)
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


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


class JobKeys:
    """Build keys: a hash of everything that shapes one job's files; an unchanged key means
    unchanged files.

    Every key covers the handouts the job prints and their sections (their text), the catalog
    entries they print (their own strings and the templates'), the translation's review record, the
    templates, the clinic profile, the producer, the job's kind and print variant and the engine's
    source (with its builders'); then each builder of the job adds its own parts (WeasyPrint and the
    fonts for a PDF, liblouis and the table for braille). The parts that many jobs share are hashed
    once per build (`once`), so deciding that nothing needs drawing stays quick."""

    def __init__(
        self,
        project: Project,
        collection: Collection,
        clinic: Clinic,
        template_msgids: frozenset[str],
        builders: Builders | None = None,
    ):
        self.collection = collection
        self.clinic = clinic
        self.cache_dir = project.cache_dir
        self.builders = builders or registered()
        self.template_msgids = sorted(template_msgids)
        templates = [
            (p.name, file_digest(p)) for p in sorted(project.templates_dir.rglob("*")) if p.is_file()
        ]
        producer = collection.library.producer
        self.common = _digest(engine_digest(), clinic, producer, templates)
        self._languages: dict[str, str] = {}
        self._handouts: dict[tuple[tuple[str, ...], str], str] = {}
        self._once: dict[object, object] = {}

    def key(self, job: Job, plan: LanguagePlan) -> str:
        parts = [b.key_parts(job, plan, self) for b in self.builders.of(job)]
        return _digest(
            self.common, self._language(plan), self._printed(job, plan), job.kind, job.style, parts
        )

    def once(self, name: object, compute: Callable[[], T]) -> T:
        """A key part many jobs share (a font's fingerprint), computed once per build."""
        if name not in self._once:
            self._once[name] = compute()
        return self._once[name]  # type: ignore[return-value]

    def _language(self, plan: LanguagePlan) -> str:
        if plan.code not in self._languages:
            templates = [(m, plan.translations.get(m)) for m in self.template_msgids]
            self._languages[plan.code] = _digest(
                plan.code, plan.allow_incomplete, plan.review, templates
            )
        return self._languages[plan.code]

    def _printed(self, job: Job, plan: LanguagePlan) -> str:
        """The handouts a job prints, and their strings in the plan's language."""
        handouts = self.builders.planning(job).handouts(job, self.collection)
        name = tuple(h.id for h in handouts)
        if (name, plan.code) not in self._handouts:
            msgids = sorted({t.msgid for h in handouts for t in h.texts()})
            strings = [(m, plan.translations.get(m)) for m in msgids]
            self._handouts[name, plan.code] = _digest(handouts, strings)
        return self._handouts[name, plan.code]


@functools.cache
def engine_digest() -> str:
    """A hash of the engine's own source and its builders': a change to how files are made
    rebuilds them all.

    A version number is only bumped at release; a developer or a clinic running from a checkout
    changes the code in between, and a stale file made by older code must not count as up to date."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
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


# One workshop per worker process: fonts, templates and catalogs are loaded once, not per file.
_workshop: Workshop | None = None
_builders = Builders(())

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
    project: Project,
    clinic: Clinic,
    plans: dict[str, LanguagePlan],
    allow_incomplete: bool,
    builders: Builders,
) -> None:
    global _workshop, _builders
    collection = load_collection(project.handouts_dir, project.root)
    _workshop = Workshop(project, collection, clinic, allow_incomplete, plans)
    _builders = builders
    for builder in builders.all:
        builder.prepare(_workshop)


def _init_pool_worker(*args: object) -> None:
    """A worker of the process pool: Ctrl-C is for the main process, which stops handing out jobs;
    the worker finishes the file it is writing instead of dying with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(*args)  # type: ignore[arg-type]
    settle_heap()  # for the worker's whole life: it ends with the build


def _started() -> None:
    """Nothing: handing it to the pool starts the workers."""


def _run_job(job: Job, paths: dict[str, Path], key: str) -> Outcome:
    """Make and write one job's files; any failure is returned, never raised, so the others finish.

    Everything is made before the first file is written: a job that fails leaves the files of
    the last good build as they were."""
    assert _workshop is not None
    first = paths[job.kind]
    try:
        made: dict[str, Made] = {}
        for builder in _builders.of(job):
            made[builder.kind] = builder.make(job, _workshop, made)
        files = []
        for kind, file in made.items():
            write_atomic(paths[kind], file.data)
            digest = hashlib.sha256(file.data).hexdigest()
            files.append(Written(kind, paths[kind], len(file.data), digest, file.pages))
        head = files[0]
        return Outcome(job, first, True, head.pages or 0, head.size, key=key, sha256=head.sha256,
                       files=tuple(files))  # fmt: skip
    except NotMade as exc:  # a reason, not a failure: the summary says it
        return Outcome(job, first, True, key=key, note=str(exc))
    except OSError as exc:  # a full disk, a folder without permission: say what to do
        return Outcome(job, first, False, error=os_error_line(exc, first), key=key)
    except FontError as exc:  # the message names the font, the string and what to do
        return Outcome(job, first, False, error=str(exc), key=key)
    except Exception as exc:  # reported with the job's handout and language
        return Outcome(job, first, False, error=f"{type(exc).__name__}: {exc}", key=key)


def in_shard(job: Job, shard: tuple[int, int] | None) -> bool:
    """Whether `job` belongs to shard K of N: a stable hash, the same on every machine."""
    if shard is None:
        return True
    k, n = shard
    name = f"{job.handout}/{job.lang}/{job.style.name}/{job.kind}"
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8]) % n == k - 1


def chosen(builders: Builders, optional: Iterable[str]) -> Builders:
    """The builders a build makes files with: every one that is always made, and those asked for
    by kind (`optional`, from their `--<kind>` options)."""
    asked = set(optional)
    if unknown := asked - {b.kind for b in builders.all if b.option}:
        raise ValueError(f"no optional output named {', '.join(sorted(unknown))}")
    return Builders(tuple(b for b in builders.all if not b.option or b.kind in asked))


def plan_jobs(
    plans: Sequence[LanguagePlan],
    selected: Sequence[Handout],
    styles: Sequence[StyleOptions],
    builders: Builders,
    whole: bool,
) -> list[Job]:
    """Every job of a build in a stable order: per language, each handout's jobs of each builder,
    then the language's whole-collection files (when `whole`); a handout that is not complete in
    a language (and so its booklet) has none, unless the plan allows incomplete ones."""
    jobs = []
    for plan in plans:
        for handout in selected:
            if plan.builds(handout.id):
                jobs += [job for b in builders.all for job in b.jobs(plan, handout, styles)]
        for b in builders.all:
            if whole and b.collection is not None and plan.builds(b.collection):
                jobs += b.jobs(plan, None, styles)
    return jobs


def waiting(
    plans: Sequence[LanguagePlan], selected: Sequence[Handout], builders: Builders, whole: bool
) -> list[Waiting]:
    """The handouts (and booklets) of the build that wait for their translation."""
    collections = [b.collection for b in builders.all if b.collection is not None]
    names = [*(h.id for h in selected), *(collections if whole else [])]
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
    optional: Iterable[str] = (),
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    builders: Builders | None = None,
) -> BuildReport:
    """Build the requested files, skipping those whose key and files are unchanged.

    `builders` are the registry's unless given; `optional` names the optional ones to make (by
    kind: `bilingual`, `braille`). Whole-collection files (booklets) are built when no `handouts`
    are picked out. Every job is attempted; failures are in the report. Every finished job goes into
    the manifest's journal, so a build killed at any moment loses no finished work and the next run
    does only what is left.
    """
    started = time.perf_counter()
    registry = builders or registered()
    making = chosen(registry, optional)
    collection = load_collection(project.handouts_dir, project.root)
    for builder in registry.all:
        builder.check(collection)
    selected = [collection.handout(h) for h in handouts] if handouts else list(collection.handouts)
    plans = plan_languages(project, langs, allow_incomplete, collection, registry)
    template_msgids = template_messages(project)
    manifest = Manifest.load(out_dir)
    ensure_writable(out_dir)
    remove_partial_files(out_dir)
    whole = not handouts
    report = BuildReport(waiting=waiting(plans, selected, registry, whole), plans=plans)
    by_code = {p.code: p for p in plans}
    keys = JobKeys(project, collection, clinic, template_msgids, making)
    todo: list[tuple[Job, dict[str, Path], str]] = []
    for job in plan_jobs(plans, selected, styles, making, whole):
        if not in_shard(job, shard):
            continue
        paths = making.outputs(job, out_dir)
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
        problem: also one whose files are unchanged (a header, say, is in no build key)."""
        codes = [plan.code for plan in plans if plan.code != SOURCE_LANGUAGE]
        if errors := [problem for code in codes for problem in catalog_errors(project, code)]:
            raise CatalogRefused(errors)
        if on_plan:
            on_plan(len(todo))

    def finish(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        if outcome.ok and outcome.files:
            manifest.journal(outcome, reviews[outcome.job.lang])
        if on_outcome:
            on_outcome(outcome)

    worker = (project, clinic, by_code, allow_incomplete, making)
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_pool_worker, initargs=worker
        ) as pool:
            # Start the workers now: they load WeasyPrint (0.3 s each) while this process
            # proves the catalogs. No job is handed out before every catalog is proved.
            pool.submit(_started)
            prove()
            # Whole-collection files start first: each takes as long as a language's handouts
            # together, and one started last keeps a worker busy while the others wait idle.
            start_order = sorted(todo, key=lambda item: not item[0].whole)
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
        if todo:  # with nothing to make, WeasyPrint is never imported
            _init_worker(*worker)
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
    head = files[0]
    return Outcome(job, head.path, True, head.pages or 0, head.size, key=key, sha256=head.sha256,
                   skipped=True, files=tuple(files))  # fmt: skip
