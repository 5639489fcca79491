"""What a braille file costs beside a PDF, per handout and language. Never a test.

usage: .venv/bin/python bench/braille_speed.py [--lang en,zh_Hans] [--rounds 3]

For every shipped language (or those asked for) and every handout, in one warm process:
  brf      median seconds to make a handout's BRF from its HTML (liblouis translation, layout,
           braille ASCII): what a braille job adds to the work a handout's PDF job already does
  html     median seconds to translate the handout and render its HTML (shared with the PDF job)
  pdf      median seconds for the handout's standard PDF (translate, HTML, WeasyPrint, tagging)
  ratio    brf / pdf
  first    seconds for the language's first BRF in the process: liblouis compiling its table (the
           Chinese table has 31,000 lines), paid once per worker and language
  job-brf  seconds per handout of the language's braille jobs through the build engine (one
           worker, a fresh output folder: keys, HTML, braille, atomic write, manifest)
  job-pdf  the same for the standard PDF jobs (with their web pages and thumbnails)
Rounds are taken in turns (BRF, then PDF, for each handout); medians of the rounds are shown.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoutpress import braille  # noqa: E402
from handoutpress.build import SOURCE_PLAN, Builders, Project, build, plan_languages  # noqa: E402
from handoutpress.builders import BUILDERS  # noqa: E402
from handoutpress.catalogs import catalog_languages  # noqa: E402
from handoutpress.clinic import Clinic, load_clinic  # noqa: E402
from handoutpress.content import load_collection  # noqa: E402
from handoutpress.documents import HandoutBuilder  # noqa: E402
from handoutpress.locales import SOURCE_LANGUAGE, language  # noqa: E402
from handoutpress.styles import StyleOptions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", help="languages, comma-separated (default: every shipped one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    project = Project(ROOT)
    collection = load_collection(project.handouts_dir, project.root)
    clinic = load_clinic(ROOT / "clinic.example.yaml")
    codes = (
        args.lang.split(",") if args.lang else [SOURCE_LANGUAGE, *catalog_languages(project.locales_dir)]
    )
    builder = HandoutBuilder(project, collection, clinic)
    style = StyleOptions()
    print(
        f"{'lang':8} {'brf':>8} {'html':>8} {'pdf':>8} {'ratio':>7} {'first':>7} {'job-brf':>8} "
        f"{'job-pdf':>8}  (seconds per handout)"
    )
    for code in codes:
        plan = SOURCE_PLAN if code == SOURCE_LANGUAGE else plan_languages(project, [code], False)[0]
        lang = language(plan.code)

        started = time.perf_counter()
        braille.handout_brf(builder, collection.handouts[0], plan)
        first = time.perf_counter() - started
        brf, html, pdf = [], [], []
        for _ in range(args.rounds):
            for handout in collection.handouts:
                t0 = time.perf_counter()
                page = builder.print_html(handout, plan)
                t1 = time.perf_counter()
                braille.brf(page, lang, clinic.braille)
                t2 = time.perf_counter()
                builder.render(handout, plan, style)
                t3 = time.perf_counter()
                html.append(t1 - t0)
                brf.append(t2 - t1)
                pdf.append(t3 - t2)
        b, h, p = (statistics.median(x) for x in (brf, html, pdf))
        ids = [h.id for h in collection.handouts]
        jobs = [engine_seconds(project, code, clinic, kinds, ids) for kinds in KINDS]
        print(
            f"{code:8} {b:8.4f} {h:8.4f} {p:8.4f} {b / p:7.1%} {first:7.3f} "
            f"{jobs[0]:8.4f} {jobs[1]:8.4f}"
        )


#: The builders timed through the engine, each set alone: braille, and the standard print (its PDF
#: with the web page and thumbnail its job makes).
KINDS = ({"braille"}, {"handout", "html", "thumbnail"})


def engine_seconds(
    project: Project, code: str, clinic: Clinic, kinds: set[str], handouts: list[str]
) -> float:
    """Seconds per handout of some builders' jobs of a language through `build` (one worker)."""
    only = Builders(tuple(b for b in BUILDERS if b.kind in kinds))
    optional = [b.kind for b in only.all if b.option]
    with tempfile.TemporaryDirectory() as out:
        report = build(
            project, Path(out), [code], handouts, clinic=clinic, optional=optional, builders=only
        )
    assert len(report.built) == len(handouts), report.failed or report.not_made
    return report.seconds / len(handouts)


if __name__ == "__main__":
    main()
