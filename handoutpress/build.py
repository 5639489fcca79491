"""Build PDFs: plan the jobs (handout x language x variant), run them, write every file atomically.

A PDF is written to a temporary file beside its target and renamed into place, so a failed or
interrupted build never leaves a half-written PDF and never removes a good one. A failing job is
reported with its handout and language; the other jobs still run.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handoutpress.catalogs import (
    catalog_languages,
    catalog_path,
    catalog_status,
    compile_catalog,
    load_translations,
    read_catalog,
)
from handoutpress.clinic import Clinic
from handoutpress.content import Collection, Handout, load_collection
from handoutpress.fonts import choose_font
from handoutpress.locales import SOURCE_LANGUAGE, Language, language
from handoutpress.render import Renderer, StyleOptions
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


@dataclass
class LanguagePlan:
    code: str
    translations: dict[str, str]
    percent: float = 100.0
    missing: int = 0

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


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
                    f"no catalog for {code!r} in {project.locales_dir}: "
                    f"run `python build_pdfs.py init {lang.code}` first"
                )
            codes.append(lang.code)
    plans, notes = [], []
    for code in codes:
        if code == SOURCE_LANGUAGE:
            plans.append(LanguagePlan(code, {}))
            continue
        po = catalog_path(project.locales_dir, code)
        status = catalog_status(code, read_catalog(po))
        translations = load_translations(compile_catalog(po, project.cache_dir))
        plan = LanguagePlan(code, translations, status.percent, status.missing)
        if status.missing and not allow_incomplete:
            notes.append(
                f"{code}: not built, {status.missing} of {status.total} strings are untranslated "
                f"or fuzzy ({status.percent:.0f}% done); finish {po} or pass --allow-incomplete"
            )
            continue
        plans.append(plan)
    return plans, notes


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
        self.renderer = Renderer(project.templates_dir)

    def render(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> tuple[bytes, int]:
        lang = language(plan.code)
        translator = Translator(lang, plan.translations, allow_incomplete=self.allow_incomplete)
        translated = translate(handout, translator, values=self.clinic.values())
        html = self.renderer.html(translated, translator, self.collection.library.producer, self.clinic)
        self.renderer.stylesheet(lang, translator, None, style)  # records the footer's words
        texts = [*translator.printed, *self._untranslated_texts(handout, lang)]
        font = choose_font(lang.script, texts, self.project.cache_dir, plan.characters)
        css = self.renderer.stylesheet(lang, translator, font, style)
        rendered = self.renderer.pdf(html, css, font, f"{handout.id}/{lang.code}/{style.name}")
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


def build(
    project: Project,
    out_dir: Path,
    langs: Sequence[str] | None = None,
    handouts: Sequence[str] | None = None,
    styles: Sequence[StyleOptions] = (StyleOptions(),),
    clinic: Clinic = NO_CLINIC,
    allow_incomplete: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BuildReport:
    """Build the requested PDFs; every job is attempted, failures are reported in the result."""
    started = time.perf_counter()
    collection = load_collection(project.handouts_dir, project.root)
    selected = [collection.handout(h) for h in handouts] if handouts else list(collection.handouts)
    plans, notes = plan_languages(project, langs, allow_incomplete)
    builder = HandoutBuilder(project, collection, clinic, allow_incomplete)
    report = BuildReport(skipped_languages=notes)
    for plan in plans:
        for handout in selected:
            for style in styles:
                job = Job(handout.id, plan.code, style)
                path = job.output(out_dir)
                try:
                    data, pages = builder.render(handout, plan, style)
                    write_atomic(path, data)
                    outcome = Outcome(job, path, True, pages, len(data))
                except Exception as exc:  # one bad job must not stop the others
                    outcome = Outcome(job, path, False, error=f"{type(exc).__name__}: {exc}")
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
    report.seconds = time.perf_counter() - started
    return report
