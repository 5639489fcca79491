"""Command line: `.venv/bin/python build_pdfs.py [build|extract|init|update|status|check|...] ...`.

Every failure a person can cause (bad content, a bad catalog, an unknown language) ends in one clear
line per problem naming file and line, and a non-zero exit code; never a traceback. A command that a
message names is written as it can be typed in the project folder (handoutpress.commands).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import multiprocessing
import os
import sys
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from handoutpress import __version__
from handoutpress.booklet import BOOKLET
from handoutpress.build import (
    BuildReport,
    Outcome,
    Project,
    Waiting,
    build,
    catalog_errors,
    document_strings,
    plan_languages,
    registered,
)
from handoutpress.builders.handout import HANDOUT
from handoutpress.catalogs import (
    CatalogError,
    MissingTool,
    catalog_language,
    catalog_languages,
    catalog_path,
    catalog_status,
    compile_catalog,
    init_catalog,
    is_translated,
    outdated_line,
    read_catalog,
    read_template,
    rewrap_line,
    update_catalogs,
)
from handoutpress.clinic import CLINIC_FILE, Clinic, load_clinic
from handoutpress.commands import command
from handoutpress.completeness import completeness
from handoutpress.content import (
    ClinicalReview,
    ContentError,
    Problem,
    display_path,
    load_collection,
    review_age_problems,
)
from handoutpress.documents import HandoutBuilder
from handoutpress.extract import extract_catalog, template_in_step
from handoutpress.files import os_error_line, write_atomic
from handoutpress.fonts import SCRIPT_FONTS, FontError
from handoutpress.lint import NOTE, WARNING, CatalogRefused, LintProblem, lint_catalog
from handoutpress.locales import SOURCE_LANGUAGE, UnknownLanguage, language
from handoutpress.manifest import MANIFEST, Manifest, merge
from handoutpress.preview import PREVIEW_DPI, write_preview
from handoutpress.reviews import REVIEW_FILE, load_review, review_record_template
from handoutpress.scores import load_scores, score_path
from handoutpress.site import INDEX, write_site
from handoutpress.styles import PAPER_SIZES, SIZES, THEMES, StyleOptions

#: Errors a user can cause and fix; anything else is a bug and keeps its traceback.
USER_ERRORS = (
    ContentError,
    CatalogError,
    CatalogRefused,
    MissingTool,
    UnknownLanguage,
    FontError,
    ValueError,
    OSError,
    KeyError,
)


class Failed(Exception):
    """Stop with the given exit code after the message has been printed."""

    def __init__(self, code: int = 1):
        self.code = code


def plural(count: int, word: str) -> str:
    """`1 catalog`, `2 catalogs`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _split(values: Sequence[str] | None) -> list[str] | None:
    """`--lang es,fr --lang vi` -> ['es', 'fr', 'vi']."""
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v]


def _clinic(project: Project, option: str | None) -> Clinic:
    """`--clinic FILE`, else `clinic.yaml` in the project when there is one, else no clinic block."""
    if option:
        return load_clinic(Path(option))
    default = project.root / CLINIC_FILE
    return load_clinic(default, CLINIC_FILE) if default.exists() else Clinic()


def _shard(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise ValueError(f"--shard {value!r}: use K/N with 1 <= K <= N, for example 2/4")
    return int(k), int(n)


def cmd_build(project: Project, args: argparse.Namespace) -> None:
    clinic = _clinic(project, args.clinic)
    paper = args.paper or clinic.paper or "letter"
    styles = [StyleOptions(size, theme, paper) for size in args.size for theme in args.theme]
    progress = Progress(sys.stdout.isatty())
    report = build(
        project,
        Path(args.out),
        langs=_split(args.lang),
        handouts=_split(args.handout),
        styles=list(dict.fromkeys(styles)),
        clinic=clinic,
        allow_incomplete=args.allow_incomplete,
        force=args.force,
        jobs=args.jobs,
        shard=_shard(args.shard),
        optional=[b.kind for b in registered().all if b.option and getattr(args, b.kind)],
        on_outcome=progress.outcome,
        on_plan=progress.start,
    )
    progress.stop()
    # A shard sees part of the outputs (`index` runs after the merge); a failed build keeps the
    # index of the last good one, and the failures are what the reader must see. A build that drew
    # nothing changed nothing the index shows: every input of the index is in the PDFs' keys.
    out = Path(args.out)
    drawn = report.built or not (out / INDEX).is_file()
    if args.shard is None and not report.failed and drawn:
        for path in write_site(project, out, clinic, report.plans):
            print(f"wrote   {path}")
    _summary(project, report, out)
    if report.failed:
        raise Failed(1)


def cmd_index(project: Project, args: argparse.Namespace) -> None:
    """The index page from the manifest, e.g. after `manifest merge` of a sharded build."""
    out = Path(args.out)
    if not Manifest.load(out).entries:
        raise ValueError(f"no manifest in {out}: build first")
    for path in write_site(project, out, _clinic(project, args.clinic)):
        print(f"wrote {path}")
    print(f"index: {out / INDEX}")


class Progress:
    """A progress bar on a terminal; one plain line per PDF otherwise (CI logs, pipes)."""

    def __init__(self, terminal: bool):
        self.bar = None
        self.task = None
        self.terminal = terminal

    def start(self, total: int) -> None:
        if self.terminal and total:
            from rich.progress import Progress as Bar

            self.bar = Bar(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("building PDFs", total=total)

    def outcome(self, outcome: Outcome) -> None:
        if not outcome.ok:
            line = f"FAILED  {outcome.job}: {outcome.error}"
        elif outcome.skipped:
            line = ""
        else:
            line = f"built   {outcome.path}  ({outcome.pages} pages, {outcome.size // 1024} KB)"
        if self.bar is not None and not outcome.skipped:
            self.bar.advance(self.task)
            if line:
                self.bar.console.print(line, highlight=False, markup=False)
        elif line:
            print(line, file=sys.stderr if not outcome.ok else sys.stdout)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(project: Project, report: BuildReport, out_dir: Path) -> None:
    _waiting(project, report.waiting, report.outcomes)
    _not_made(report.not_made)
    languages = sorted({o.job.lang for o in report.outcomes if o.ok})
    for code in languages:
        if code != SOURCE_LANGUAGE:
            review = load_review(project.locales_dir, code)
            if not review.reviewed:
                print(f"note    {code}: draft translation, not yet reviewed by a medical translator")
    print(
        f"{len(report.built)} built, {len(report.unchanged)} unchanged, {len(report.failed)} failed, "
        f"{len(report.waiting)} waiting for translation, in {report.seconds:.1f} s "
        f"-> {out_dir}/ (manifest: {out_dir / MANIFEST})"
    )


def _not_made(outcomes: Sequence[Outcome]) -> None:
    """Per language and format: why it has no file (no braille table for its script), once, with
    the handouts it lacks."""
    grouped: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        grouped.setdefault((outcome.job.lang, outcome.job.label or outcome.job.kind), []).append(outcome)
    for (_code, what), mine in grouped.items():
        handouts = ", ".join(o.job.handout for o in mine)
        print(f"note    {mine[0].note}: no {what} file for {handouts}")


def _waiting(project: Project, waiting: Sequence[Waiting], outcomes: Sequence[Outcome]) -> None:
    """Per language: each handout (and booklet) that waits for its translation and why, then which
    handouts of the language were built (the policy: a handout is built once it is complete)."""
    for code in dict.fromkeys(w.lang for w in waiting):
        mine = [w for w in waiting if w.lang == code]
        for w in mine:
            why = " (a booklet waits for every handout)" if w.handout == BOOKLET else ""
            print(
                f"waiting {code}/{w.handout}: {plural(w.missing, 'string')} untranslated or fuzzy{why}"
            )
        built = sorted({o.job.handout for o in outcomes if o.ok and o.job.lang == code} - {BOOKLET})
        handouts = [w for w in mine if w.handout != BOOKLET]
        po = display_path(catalog_path(project.locales_dir, code), project.root)
        done = f": {', '.join(built)}" if built else ""
        print(
            f"note    {code}: {len(built)} of {plural(len(built) + len(handouts), 'handout')} complete "
            f"and built{done}; finish {po} for the rest (or pass --allow-incomplete)"
        )


def cmd_preview(project: Project, args: argparse.Namespace) -> None:
    """PNG pictures of one handout's pages in one language, for translators and reviewers.

    Unfinished catalogs are previewed too (missing strings in English): that is when a translator
    most needs to see the page."""
    clinic = _clinic(project, args.clinic)
    style = StyleOptions(args.size, args.theme, args.paper or clinic.paper or "letter")
    collection = load_collection(project.handouts_dir, project.root)
    handout = collection.handout(args.handout)
    plans = plan_languages(project, [args.lang], allow_incomplete=True, collection=collection)
    if plans[0].code != SOURCE_LANGUAGE and (errors := catalog_errors(project, plans[0].code)):
        raise CatalogRefused(errors)  # the build's own rules: what check calls an error
    builder = HandoutBuilder(project, collection, clinic, allow_incomplete=True)
    rendered = builder.render(handout, plans[0], style)
    target = HANDOUT.path(HANDOUT.job(handout.id, plans[0].code, style), Path(args.out)).with_suffix("")
    for path in write_preview(rendered.data, target, args.dpi):
        print(f"wrote {path}")


def cmd_serve(project: Project, args: argparse.Namespace) -> None:
    """A live preview of one language in the browser, redrawn at each save (handoutpress.serve).

    A broken catalog or handout is shown in the pages, not stopping the server: the translator fixes
    it and saves again. What cannot be fixed that way (an unknown language, a language without
    a catalog, a busy port) stops it at once with one line."""
    from handoutpress.live import LivePreview
    from handoutpress.serve import serve

    code = language(args.lang).code
    if code != SOURCE_LANGUAGE and not catalog_path(project.locales_dir, code).is_file():
        folder = display_path(project.locales_dir, project.root)
        raise ValueError(f"no catalog for {args.lang!r} in {folder}/: run {command('init', code)} first")
    clinic_file = Path(args.clinic) if args.clinic else project.root / CLINIC_FILE
    say = functools.partial(print, flush=True)  # a pipe (an editor's task runner) sees each line now
    live = LivePreview(
        project,
        code,
        Path(args.out),
        clinic=lambda: _clinic(project, args.clinic),
        style=StyleOptions(args.size, args.theme),
        paper=args.paper,
        handouts=_split(args.handout) or (),
        log=say,
    )

    def ready(url: str) -> None:
        name = language(code).native_name
        say(f"serving {name} ({code}) at {url}  (pages reload when you save; Ctrl-C stops)")

    serve(project, live, clinic_file, args.port, on_ready=ready)
    say(f"stopped; the preview's files stay in {args.out}/")


def cmd_report(project: Project, args: argparse.Namespace) -> None:
    """Each English handout's plain-language measures, its pages when it has been built, how much
    of a type handout is its own, and its scores (handouts/scores/<id>.yaml) when it has been scored."""
    from handoutpress.readability import measure, own_text_share  # textstat: only for this report

    collection = load_collection(project.handouts_dir, project.root)
    entries = Manifest.load(Path(args.out)).entries
    types = [h for h in collection.handouts if h.kind == "type"]
    rows = [["handout", "words", "sentences", "avg", "longest", "grade", "pages", "own", "CDC",
             "PEMAT-U", "PEMAT-A"]]  # fmt: skip
    problems: list[Problem] = []
    for handout in collection.handouts:
        r = measure(handout)
        pages = entries.get(f"en/{handout.id}.pdf", {}).get("pages", "-")
        own = f"{own_text_share(handout, types):.0%}" if handout.kind == "type" else "-"
        scores = ["-", "-", "-"]
        path = score_path(project.handouts_dir, handout.id)
        if path.exists():
            try:
                sheet = load_scores(path, project.root)
            except ContentError as exc:
                problems += exc.problems
            else:
                scores = [f"{sheet.cdc_score:.0f}", f"{sheet.understandability:.0f}%",
                          f"{sheet.actionability:.0f}%"]  # fmt: skip
        rows.append([r.handout, str(r.words), str(r.sentences), f"{r.average:.1f}", str(r.longest),
                     f"{r.grade:.1f}", str(pages), own, *scores])  # fmt: skip
    print_table(rows)
    if problems:
        raise ContentError(problems)


def cmd_manifest(project: Project, args: argparse.Namespace) -> None:
    target = merge(Path(args.out), [Path(p) for p in args.parts])
    print(f"merged {len(args.parts)} manifests into {target}")


def cmd_extract(project: Project, args: argparse.Namespace) -> None:
    load_collection(project.handouts_dir, project.root)  # every content problem at once, first
    pot = extract_catalog(project.root, project.locales_dir, "handouts", __version__)
    print(f"wrote {display_path(pot, project.root)}")


def cmd_init(project: Project, args: argparse.Namespace) -> None:
    po = init_catalog(project.root, project.locales_dir, project.pot, args.language)
    print(f"created {display_path(po, project.root)}")
    lang = catalog_language(po)
    record = po.parent.parent / REVIEW_FILE
    if not record.exists():
        write_atomic(record, review_record_template(lang.english_name).encode())
        print(f"created {display_path(record, project.root)}")
    if lang.tag != lang.code:
        print(
            f"note    the catalog's folder is {lang.code} (gettext's name); PDFs and previews go to "
            f"dist/{lang.tag}/ and preview/{lang.tag}/ (the web's name); --lang takes either"
        )
    script = lang.script
    if script not in SCRIPT_FONTS:  # say it now, not after the translation is done
        print(
            f"note    no font is configured for the {script} script yet: the maintainers must add "
            "one before this language can be built (check names it too)"
        )


def cmd_update(project: Project, args: argparse.Namespace) -> None:
    """Merge the template into every catalog; with --check, only say whether that is needed."""
    if args.check:
        _update_check(project)
        return
    done = update_catalogs(project.root, project.locales_dir, project.pot)
    for path in done.changed:
        print(f"updated {display_path(path, project.root)}")
    if not done.changed and not done.refused:
        print("catalogs are up to date")
    for refused in done.refused:  # left as it was: a merge would have had to guess
        print(refused, file=sys.stderr)
    if done.refused:
        raise Failed(1)


def _update_check(project: Project) -> None:
    """CI's question: are the template and every catalog in step with the content? Lines wrapped
    by another editor are not a reason to fail (a note says `update` would rewrap them)."""
    stale = 0
    pot = display_path(project.pot, project.root)
    load_collection(project.handouts_dir, project.root)  # broken content: every problem, first
    if _pot_outdated(project):
        print(f"{pot}:1: {TEMPLATE_STALE}", file=sys.stderr)
        raise Failed(1)
    template = read_template(project.pot, pot)
    for code in catalog_languages(project.locales_dir):
        po = catalog_path(project.locales_dir, code)
        display = display_path(po, project.root)
        if (line := outdated_line(read_catalog(po, display), template)) is not None:
            message = f"behind the template (the English changed here): run {command('update')}"
            print(f"{display}:{line}: {message}", file=sys.stderr)
            stale += 1
        elif (line := rewrap_line(po, project.pot)) is not None:
            print(
                f"{display}:{line}: note: lines wrapped otherwise than `update` writes them; "
                f"{command('update')} rewraps them without changing a word"
            )
    if stale:
        raise Failed(1)
    print("the template and the catalogs are up to date")


#: What `check` and `update --check` say when the English changed and `extract` was not run.
TEMPLATE_STALE = (
    f"out of date with handouts/ and templates/: run {command('extract')}, then {command('update')}"
)


def cmd_compile(project: Project, args: argparse.Namespace) -> None:
    for code in catalog_languages(project.locales_dir):
        mo = compile_catalog(catalog_path(project.locales_dir, code), project.cache_dir)
        print(f"compiled {code} -> {mo}")


def cmd_status(project: Project, args: argparse.Namespace) -> None:
    """How complete each language is, overall and handout by handout, and its review status."""
    codes = catalog_languages(project.locales_dir)
    if args.lang:
        codes = _wanted(project, codes, _split(args.lang) or [])
    collection = load_collection(project.handouts_dir, project.root)
    strings = document_strings(project)
    rows, broken = [], []
    for code in codes:
        po = catalog_path(project.locales_dir, code)
        display = display_path(po, project.root)
        try:
            lang = catalog_language(po, display)
            catalog = read_catalog(po, display)
        except CatalogError as exc:  # the other languages are still shown
            broken.append(exc)
            continue
        status = catalog_status(code, catalog)
        translated = {m.id for m in catalog if m.id and is_translated(m)}
        done = completeness(collection, strings, translated)
        review = load_review(project.locales_dir, code)
        handouts = [h.id for h in collection.handouts]
        rows.append(
            {
                "language": code,
                "name": lang.native_name,
                "translated": status.translated,
                "fuzzy": status.fuzzy,
                "untranslated": status.untranslated,
                "obsolete": status.obsolete,
                "percent": round(status.percent, 1),
                "handouts": f"{sum(map(done.complete, handouts))}/{len(handouts)}",
                "review": review.status,
                "reviewer": review.reviewer,
                "complete": [h for h in handouts if done.complete(h)],
                "missing": {h: done.missing[h] for h in [*handouts, BOOKLET]},
                "strings": {h: done.needed[h] for h in [*handouts, BOOKLET]},
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        header = ["language", "name", "translated", "fuzzy", "untranslated", "obsolete", "percent",
                  "handouts", "review"]  # fmt: skip
        print_table([header, *([str(row[h]) for h in header] for row in rows)])
        for row in rows:
            if not args.lang and row["missing"][BOOKLET]:
                complete = ", ".join(row["complete"]) or "none yet"
                print(
                    f"{row['language']}: complete: {complete}; the others wait "
                    f"({command('status', '--lang', row['language'])} shows each)"
                )
        print()
        if args.lang:  # each handout of the language: the strings it can print, how many it lacks
            for row in rows:
                print_table(
                    [
                        ["handout", "strings", "missing", "complete"],
                        *([name, str(row["strings"][name]), str(missing), "no" if missing else "yes"]
                          for name, missing in row["missing"].items()),
                    ]
                )  # fmt: skip
        else:  # what each English handout says about its clinical review (REVIEWING.md)
            print_table(
                [
                    ["handout", "written", "clinical review"],
                    *(
                        [h.id, h.written.isoformat(), clinical_review(h.review)]
                        for h in collection.handouts
                    ),
                ]
            )
    for exc in broken:
        print(exc, file=sys.stderr)
    if broken:
        raise Failed(1)


def clinical_review(review: ClinicalReview) -> str:
    """A handout's review record in one line, as `status` shows it."""
    if not review.reviewed:
        return "draft: not yet checked by a clinician"
    return f"checked on {review.date} by {review.reviewer}, {review.credentials}"


def print_table(table: list[list[str]]) -> None:
    """Rows in columns that line up in a terminal, whatever script the cells are written in."""
    widths = [max(columns(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        cells = [cell + " " * (w - columns(cell)) for cell, w in zip(line, widths, strict=True)]
        print("  ".join(cells).rstrip())


def columns(text: str) -> int:
    """How many terminal columns `text` takes: 中文 takes four, a Devanagari virama none, so the
    status table stays aligned whatever the language names are written in."""
    return sum(
        0
        if unicodedata.category(c) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(c) in ("W", "F")
        else 1
        for c in text
    )


def cmd_check(project: Project, args: argparse.Namespace) -> None:
    """Lint content and catalogs, or (with --pdfs) audit built PDFs; non-zero exit on any error."""
    errors = 0
    if args.pdfs:
        pdfs = sorted(Path(args.pdfs).rglob("*.pdf"))
        if not pdfs:
            print(f"error: no PDFs under {args.pdfs}: build them first", file=sys.stderr)
            raise Failed(1)
        from handoutpress.checks import (  # pdfplumber, pikepdf, pdfium, page-validation
            VALIDATOR,
            audit_pdf,
            expectations_for,
        )

        expectations = [expectations_for(pdf, args.paper) for pdf in pdfs]
        # Workers from a fresh process, not forked from this one: the validator runs threads of its
        # own, and a process forked after it has validated a file waits forever on their locks.
        workers = args.jobs or os.cpu_count() or 1
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            audits = list(pool.map(audit_pdf, pdfs, expectations))
        for audit in audits:
            for problem in audit.problems:
                print(problem, file=sys.stderr)
                errors += 1
        print(f"checked {plural(len(pdfs), 'PDF')}: {plural(errors, 'problem')}")
        failing = sum(1 for audit in audits if audit.validator_failures)
        print(f"PDF/UA-1 as {VALIDATOR} judges it: {failing} of {len(pdfs)} PDFs fail")
        smallest = [(a.smallest.size, a) for a in audits if a.smallest]
        faintest = [(a.faintest.contrast, a) for a in audits if a.faintest]
        if smallest and faintest:
            size, small = min(smallest, key=lambda item: item[0])
            ratio, faint = min(faintest, key=lambda item: item[0])
            print(f"smallest text: {size:.1f} pt ({small.path} page {small.smallest.page})")
            print(f"lowest contrast: {ratio:.2f}:1 ({faint.path} page {faint.faintest.page})")
    else:
        problems, catalogs = lint_project(project, args.strict, _split(args.lang))
        shown = _grouped(problems)
        for problem in shown:
            print(problem, file=sys.stderr)
        errors = sum(not isinstance(p, LintProblem) or p.error for p in shown)
        warnings = sum(isinstance(p, LintProblem) and p.severity == WARNING for p in shown)
        notes = sum(isinstance(p, LintProblem) and p.severity == NOTE for p in shown)
        unfinished = [p for p in problems if isinstance(p, LintProblem) and p.rule in UNFINISHED]
        summary = (
            f"checked content and {plural(catalogs, 'catalog')}: {plural(errors, 'error')}, "
            f"{plural(warnings, 'warning')}"
        )
        if notes:
            summary += f", {plural(notes, 'note')}"
        if unfinished:
            counts = {rule: sum(p.rule == rule for p in unfinished) for rule in UNFINISHED}
            summary += f" ({counts['untranslated']} untranslated, {counts['fuzzy']} fuzzy)"
        print(summary)
    if errors:
        raise Failed(1)


#: The rules of unfinished entries (handoutpress.lint.unfinished), counted in check's summary.
UNFINISHED = ("untranslated", "fuzzy")


def _grouped(problems: Sequence[Problem | LintProblem]) -> list[Problem | LintProblem]:
    """The problems as `check` prints them: a catalog's untranslated entries, when they are only
    warnings, as one line at the first of them (a new catalog would otherwise print 160 lines
    that bury its real errors); `check --strict` lists each."""
    out: list[Problem | LintProblem] = []
    untranslated: dict[str, list[LintProblem]] = {}
    for problem in problems:
        if isinstance(problem, LintProblem) and problem.rule == "untranslated" and not problem.error:
            untranslated.setdefault(problem.path, []).append(problem)
        else:
            out.append(problem)
    for path, found in untranslated.items():
        first = found[0]
        if len(found) > 1:
            code = Path(path).parent.parent.name
            status = command("status", "--lang", code)
            message = (
                f"{len(found)} strings untranslated, the first here ({status} shows which "
                "handouts are complete; check --strict lists each)"
            )
            first = LintProblem(path, first.line, message, WARNING, "untranslated")
        out.append(first)
    return sorted(out, key=lambda p: (p.path, p.line) if isinstance(p, LintProblem) else ("", 0))


def _wanted(project: Project, codes: Sequence[str], langs: Sequence[str]) -> list[str]:
    """The catalogs `--lang` names (either spelling: pt_BR or pt-BR), each of which must exist."""
    wanted = [language(code).code for code in langs]
    if missing := [code for code in wanted if code not in codes]:
        folder = display_path(project.locales_dir, project.root)
        raise ValueError(
            f"no catalog for {missing[0]!r} in {folder}/: run {command('init', missing[0])} first"
        )
    return list(dict.fromkeys(wanted))


def lint_project(
    project: Project, strict: bool, langs: Sequence[str] | None = None
) -> tuple[list[Problem | LintProblem], int]:
    """Every problem of the content, the template, each catalog (or those of `langs`) and each
    review record, at once, and the number of catalogs: a translator fixes them all in one pass."""
    problems: list[Problem | LintProblem] = []
    template = None
    try:
        collection = load_collection(project.handouts_dir, project.root)
    except ContentError as exc:
        problems += exc.problems  # the template cannot be extracted from broken content
    else:
        for old in review_age_problems(collection, dt.date.today()):
            problems.append(LintProblem(old.path, old.line, f"{old.where}: {old.message}", WARNING))
        if _pot_outdated(project):
            severity = "error" if strict else WARNING
            problems.append(
                LintProblem(display_path(project.pot, project.root), 1, TEMPLATE_STALE, severity)
            )
        else:
            template = read_template(project.pot)
    codes = catalog_languages(project.locales_dir)
    if langs:
        codes = _wanted(project, codes, langs)
    for code in codes:
        po = catalog_path(project.locales_dir, code)
        display = display_path(po, project.root)
        problems += lint_catalog(po, project.cache_dir, strict, display, template, project.pot)
        record = po.parent.parent / REVIEW_FILE
        if not record.exists() and _known(code):  # an unknown folder name is the problem to fix
            message = (
                "missing: the language's review record (status, reviewer, glossary); copy one from "
                "another language, or see TRANSLATING.md step 1"
            )
            severity = "error" if strict else WARNING
            problems.append(LintProblem(display_path(record, project.root), 1, message, severity))
        try:
            load_review(project.locales_dir, code)
        except ContentError as exc:
            problems += exc.problems
    return problems, len(codes)


def _known(code: str) -> bool:
    try:
        language(code)
    except UnknownLanguage:
        return False
    return True


def _pot_outdated(project: Project) -> bool:
    locales, cache = project.locales_dir, project.cache_dir
    return not template_in_step(project.root, locales, cache, "handouts", __version__)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="build_pdfs.py",
        description="Build accessible large-print PDF handouts from handouts/ and locales/.\n"
        "With no command it builds; the build's options follow the commands.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument("--root", default=".", help="project folder (default: current folder)")
    main.add_argument("--version", action="version", version=f"handoutpress {__version__}")
    sub = main.add_subparsers(dest="command", title="commands")

    b = sub.add_parser("build", help="build PDFs (the default command)")
    b.add_argument("--lang", action="append", help="language codes, e.g. es or es,fr (default: all)")
    b.add_argument("--handout", action="append", help="handout ids (default: all)")
    b.add_argument("--out", default="dist", help="output folder (default: dist)")
    b.add_argument("--size", action="append", choices=list(SIZES), help="print size")
    b.add_argument("--theme", action="append", choices=list(THEMES), help="colour theme")
    b.add_argument(
        "--paper", choices=PAPER_SIZES, help="paper size (default: from clinic.yaml, else letter)"
    )
    b.add_argument("--clinic", metavar="FILE", help="clinic profile (default: clinic.yaml if present)")
    b.add_argument("--force", action="store_true", help="rebuild even what is unchanged")
    b.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)"
    )
    b.add_argument("--shard", metavar="K/N", help="build only the K-th of N stable parts of the jobs")
    b.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="also build handouts whose translation is not complete (to look at a draft); "
        "missing strings print in English, tagged as English",
    )
    for builder in registered().all:  # --bilingual, --braille: the formats made when asked for
        if builder.option:
            b.add_argument(f"--{builder.kind}", action="store_true", help=builder.option)
    b.set_defaults(func=cmd_build)
    # `--help` shows the default command's options too: the usage line and its -h left out.
    options = b.format_help().split("\n\n", 1)[1].splitlines()
    main.epilog = "build " + "\n".join(o for o in options if not o.lstrip().startswith("-h, --help"))

    sub.add_parser("extract", help="write locales/handouts.pot").set_defaults(func=cmd_extract)
    i = sub.add_parser("init", help="start a catalog for a new language")
    i.add_argument("language", help="language code, e.g. es, vi, zh_Hans")
    i.set_defaults(func=cmd_init)
    u = sub.add_parser("update", help="merge handouts.pot into every catalog")
    u.add_argument("--check", action="store_true", help="fail if a catalog is out of date")
    u.set_defaults(func=cmd_update)
    sub.add_parser("compile", help="compile catalogs into the build cache").set_defaults(
        func=cmd_compile
    )
    c = sub.add_parser("check", help="lint content and catalogs, or audit PDFs with --pdfs")
    c.add_argument("--pdfs", metavar="DIR", help="audit every PDF under DIR instead")
    c.add_argument("--paper", choices=PAPER_SIZES, help="with --pdfs: the paper every PDF must be")
    c.add_argument("--strict", action="store_true", help="fuzzy and untranslated entries are errors")
    c.add_argument("--jobs", type=int, help="with --pdfs: parallel workers (default: one per core)")
    c.add_argument("--lang", action="append", help="only these catalogs, e.g. de (default: all)")
    c.set_defaults(func=cmd_check)
    p = sub.add_parser("preview", help="PNG pictures of a handout's pages, to look at before printing")
    p.add_argument("handout", help="handout id, e.g. overview")
    p.add_argument("--lang", default=SOURCE_LANGUAGE, help="language code (default: en)")
    p.add_argument("--size", choices=list(SIZES), default="standard", help="print size")
    p.add_argument("--theme", choices=list(THEMES), default="default", help="colour theme")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: as for build)")
    p.add_argument("--clinic", metavar="FILE", help="clinic profile (default: clinic.yaml if present)")
    p.add_argument("--out", default="preview", help="output folder (default: preview)")
    p.add_argument("--dpi", type=int, default=PREVIEW_DPI, help=f"resolution (default: {PREVIEW_DPI})")
    p.set_defaults(func=cmd_preview)
    v = sub.add_parser(
        "serve", help="live preview in the browser: pages redrawn and reloaded at each save"
    )
    v.add_argument("--lang", default=SOURCE_LANGUAGE, help="language code (default: en)")
    v.add_argument("--handout", action="append", help="only these handout ids (default: all)")
    v.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free one)"
    )
    v.add_argument("--size", choices=list(SIZES), default="standard", help="print size of the PDFs")
    v.add_argument("--theme", choices=list(THEMES), default="default", help="colour theme of the PDFs")
    v.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: as for build)")
    v.add_argument("--clinic", metavar="FILE", help="clinic profile (default: clinic.yaml if present)")
    v.add_argument("--out", default="preview/live", help="its files (default: preview/live)")
    v.set_defaults(func=cmd_serve)
    r = sub.add_parser(
        "report", help="reading level, pages, own-text share and scores of each English handout"
    )
    r.add_argument("--out", default="dist", help="where the PDFs were built (for page counts)")
    r.set_defaults(func=cmd_report)
    m = sub.add_parser("manifest", help="join the manifests of sharded builds")
    m.add_argument("action", choices=["merge"])
    m.add_argument("parts", nargs="+", help="manifest.json files of the shards")
    m.add_argument("--out", default="dist", help="folder of the joined manifest (default: dist)")
    m.set_defaults(func=cmd_manifest)
    x = sub.add_parser("index", help="write index.html from the manifest (after manifest merge)")
    x.add_argument("--out", default="dist", help="output folder (default: dist)")
    x.add_argument("--clinic", metavar="FILE", help="clinic profile (default: clinic.yaml if present)")
    x.set_defaults(func=cmd_index)
    s = sub.add_parser("status", help="how complete each catalog and each handout is")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s.add_argument(
        "--lang", action="append", help="only these languages, with a line per handout (e.g. pt_BR)"
    )
    s.set_defaults(func=cmd_status)
    return main


COMMANDS = frozenset(
    {
        "build",
        "extract",
        "init",
        "update",
        "compile",
        "status",
        "check",
        "manifest",
        "report",
        "preview",
        "serve",
        "index",
    }
)


def _with_default_command(argv: list[str]) -> list[str]:
    """`build_pdfs.py` and `build_pdfs.py --lang es` mean `build`."""
    i = 0
    while i < len(argv) and argv[i].startswith("--root"):
        i += 1 if "=" in argv[i] else 2
    rest = argv[i:]
    if rest and (rest[0] in COMMANDS or rest[0] in {"-h", "--help", "--version"}):
        return argv
    return [*argv[:i], "build", *rest]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(_with_default_command(list(sys.argv[1:] if argv is None else argv)))
    if args.command == "build":
        args.size = args.size or ["standard"]
        args.theme = args.theme or ["default"]
    project = Project(Path(args.root).resolve())
    try:
        args.func(project, args)
        sys.stdout.flush()  # here, not at exit: a reader that left early is handled below
    except Failed as failed:
        return failed.code
    except KeyboardInterrupt:
        print(
            "interrupted: finished PDFs are kept; run the same command again to do the rest",
            file=sys.stderr,
        )
        return 130
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except (CatalogError, CatalogRefused) as exc:  # already "file:line: what to do", a line each
        print(exc, file=sys.stderr)
        return 1
    except BrokenPipeError:  # `status | head`: the reader took what it wanted and left
        # Whatever is still buffered (all of it, when Python's output is buffered) goes nowhere,
        # so Python's own flush at exit finds nothing to complain about.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell tool stopped by SIGPIPE
    except OSError as exc:
        print(f"error: {os_error_line(exc)}", file=sys.stderr)
        return 1
    except USER_ERRORS as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc  # no repr quotes
        print(f"error: {message}", file=sys.stderr)
        return 1
    return 0
