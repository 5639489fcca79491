"""Benchmark the build engine against WeasyPrint's own floor and a naive pipeline. Never a test.

usage: .venv/bin/python bench/build_speed.py [--lang en,es] [--naive-limit 13]

It copies the project to a temporary folder and prints two tables.

Whole catalog (every shipped language, standard print, all cores unless said):
  full build from a cold cache, no-op rebuild, rebuild after one Spanish string changes (and how
  many PDFs that rebuilt), forced rebuilds with 1 worker and with all cores (the parallel speedup).

Per language (its 13 handouts and its booklet, standard print):
  engine   median seconds per handout PDF inside a warm worker (translate, HTML, WeasyPrint, tagging)
  floor    median seconds per handout PDF of bare WeasyPrint on the same HTML and prepared fonts, in
           a process of its own that has only WeasyPrint loaded: every PDF the build writes, each
           drawn once, in the build's order, after one warm-up document
  build    wall time of `build_pdfs.py --lang X --force` (process start, imports, pool, the booklet,
           thumbnails and web pages included)
  floor/c  bare WeasyPrint for every PDF of the language (booklet too) divided by the cores: what an
           engine that added nothing would take
  naive    one `weasyprint` command per PDF (fonts as installed), on all cores
  sizes    median and largest handout PDF

The whole-catalog table also times what the build makes that is not a PDF (thumbnails, web pages):
WeasyPrint's floor does not include them, so the build is compared with the floor with and without.
It also shows what a build pays once whatever its size (starting Python, imports, WeasyPrint's import
in the workers, planning, the index page), measured as a one-PDF forced build less that PDF's floor,
and the forced build less that fixed cost against the floor: the ratio a larger catalog tends to.
Forced rebuilds and the floors are timed in turns, three rounds, and medians are shown (for the
floor, each document's median): on a shared machine one run can be 10% off, and a slow minute then
slows the build and its floor alike. The floor is also measured on all cores (one bare process per
core, the documents split by size), which shows how far this machine's cores really scale.

Targets (issue 6): build within 1.15x of floor/cores for the whole catalog; no language's median
per PDF over 3x English's; no-op rebuild under 1 s; speedup of 1.7x or more on 2 cores; median PDF
under 80 KB and none over 200 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORES = os.cpu_count() or 1
WEASYPRINT = Path(sys.executable).with_name("weasyprint")
#: Rounds of forced builds and floors, measured in turns; medians are shown.
ROUNDS = 3


def timed_build(work: Path, *args: str) -> tuple[float, str]:
    """Wall time and summary line of one `build_pdfs.py` run, as a user would start it."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "build_pdfs.py", "--out", "dist", *args],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, done.stdout.strip().splitlines()[-1]


def change_one_string(work: Path) -> str:
    """Edit the first translated Spanish heading; returns the English it translates."""
    po = work / "locales/es/LC_MESSAGES/handouts.po"
    text = po.read_text(encoding="utf-8")
    match = re.search(r'msgid "(What it is)"\nmsgstr "([^"]+)"', text)
    assert match, "bench expects the Spanish heading for 'What it is'"
    po.write_text(text.replace(match.group(0), match.group(0)[:-1] + ' (cambio)"'), encoding="utf-8")
    return match.group(1)


def per_language(work: Path, code: str, naive_limit: int, floor_docs: list[Path]) -> dict[str, float]:
    """Engine per PDF in this warm process, CLI wall time, naive pipeline, sizes.

    The HTML and CSS of every PDF the build writes for the language (its handouts, then its booklet)
    go to `floor_docs` for the floor process; `extras` is what the build makes besides PDFs
    (thumbnails and web pages), timed on their own.
    """
    sys.path.insert(0, str(work))
    from handoutpress.build import Project, plan_languages
    from handoutpress.clinic import Clinic
    from handoutpress.content import load_collection
    from handoutpress.documents import HandoutBuilder
    from handoutpress.locales import language
    from handoutpress.preview import thumbnail
    from handoutpress.styles import StyleOptions

    project = Project(work)
    collection = load_collection(project.handouts_dir, work)
    plan = plan_languages(project, [code], allow_incomplete=False)[0]
    builder = HandoutBuilder(project, collection, Clinic())
    renderer = builder.renderer
    style = StyleOptions()
    builder.render(collection.handouts[0], plan, style)  # warm up: fonts, imports, caches
    inputs: list[tuple[str, str]] = []
    engine_pdf = renderer.pdf

    def recording_pdf(html: str, css: str, *args: object) -> object:
        inputs.append((html, css))
        return engine_pdf(html, css, *args)

    def keep(name: str, html: str, css: str) -> Path:
        """The document for the floor process, and for one naive `weasyprint` command (there with
        the fonts as installed: no prepared @font-face)."""
        base = work / "floor" / f"{len(floor_docs):04d}"
        base.with_suffix(".html").parent.mkdir(parents=True, exist_ok=True)
        base.with_suffix(".html").write_text(html, "utf-8")
        base.with_suffix(".css").write_text(css, "utf-8")
        floor_docs.append(base)
        plain_css = re.sub(r"@font-face\s*\{[^}]*\}", "", css)
        path = work / "naive" / code / f"{name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html.replace("</head>", f"<style>{plain_css}</style></head>", 1), "utf-8")
        return path

    renderer.pdf = recording_pdf  # type: ignore[method-assign]
    engine, naive_inputs, extras = [], [], 0.0
    for handout in collection.handouts:
        start = time.perf_counter()
        rendered = builder.render(handout, plan, style)
        engine.append(time.perf_counter() - start)
        naive_inputs.append(keep(handout.id, *inputs[-1]))
        start = time.perf_counter()
        thumbnail(rendered.data)
        builder.render_page(handout, plan)
        extras += time.perf_counter() - start
    builder.render_booklet(plan, style)
    booklet_naive = keep("booklet", *inputs[-1])
    sys.path.remove(str(work))

    wall, _ = timed_build(work, "--lang", code, "--force")

    def naive_one(source: Path) -> float:
        start = time.perf_counter()
        subprocess.run(
            [str(WEASYPRINT), "--pdf-variant", "pdf/ua-1", str(source), str(source.with_suffix(".pdf"))],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start

    # The booklet is one long document: timed in full; the handouts, `naive_limit` of them, scaled.
    sample = naive_inputs[:naive_limit]
    with ThreadPoolExecutor(CORES) as pool:
        handout_seconds = sum(pool.map(naive_one, sample)) * len(naive_inputs) / len(sample)
    naive = (handout_seconds + naive_one(booklet_naive)) / CORES
    tag = language(code).tag
    sizes = [p.stat().st_size / 1024 for p in (work / "dist" / tag).glob("*.pdf") if p.stem != "booklet"]
    return {
        "pdfs": len(engine) + 1,
        "first": collection.handouts[0].id,  # its floor is the language's first document
        "engine": statistics.median(engine),
        "extras": extras,
        "build": wall,
        "naive": naive,
        "median_kb": statistics.median(sizes),
        "max_kb": max(sizes),
    }


def floor_process(work: Path, docs: list[Path]) -> list[float]:
    """Seconds of bare WeasyPrint for each document, drawn once each in a process of its own."""
    # A listing of its own: floor_on_all_cores runs several floor processes at once.
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=work / "floor", delete=False) as fh:
        json.dump([str(d) for d in docs], fh)
    listing = Path(fh.name)
    done = subprocess.run(
        [sys.executable, __file__, "--floor-of", str(listing), "--base", str(work / "templates")],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def floor_on_all_cores(work: Path, docs: list[Path], seconds: list[float]) -> float:
    """Wall time of bare WeasyPrint on every core: one floor process per core, each given a share of
    the documents of about equal time (longest first, each to the least loaded)."""
    shares: list[list[Path]] = [[] for _ in range(CORES)]
    loads = [0.0] * CORES
    for doc, cost in sorted(zip(docs, seconds, strict=True), key=lambda pair: -pair[1]):
        least = loads.index(min(loads))
        shares[least].append(doc)
        loads[least] += cost
    with ThreadPoolExecutor(CORES) as pool:
        return max(sum(times) for times in pool.map(lambda share: floor_process(work, share), shares))


def draw_bare(listing: Path, base: Path) -> None:
    """The floor process: WeasyPrint and nothing else, fonts from the prepared files the CSS names."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    docs = [Path(d) for d in json.loads(listing.read_text())]
    fonts = FontConfiguration()
    base_url = base.resolve().as_uri() + "/"

    def draw(doc: Path) -> float:
        start = time.perf_counter()
        css = weasyprint.CSS(string=doc.with_suffix(".css").read_text("utf-8"), font_config=fonts)
        html = weasyprint.HTML(string=doc.with_suffix(".html").read_text("utf-8"), base_url=base_url)
        html.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1")
        return time.perf_counter() - start

    draw(docs[0])  # warm-up: WeasyPrint's first document loads what every later one reuses
    print(json.dumps([draw(doc) for doc in docs]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", help="languages for the per-language table (default: all shipped)")
    parser.add_argument(
        "--naive-limit", type=int, default=13, help="naive pipeline: time this many documents and scale"
    )
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)  # the floor process
    parser.add_argument("--base", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_of:
        draw_bare(args.floor_of, args.base)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        ignore = shutil.ignore_patterns(".venv", "dist", ".git", ".cache", "preview", "__pycache__")
        shutil.copytree(ROOT, work, ignore=ignore)
        codes = [
            "en",
            *sorted(p.parent.parent.name for p in (work / "locales").glob("*/LC_MESSAGES/*.po")),
        ]
        if args.lang:
            codes = args.lang.split(",")

        whole = []
        seconds, _ = timed_build(work)
        whole.append(("full build, cold cache", seconds, ""))
        seconds, _ = timed_build(work)
        whole.append(("no-op rebuild", seconds, ""))
        changed = change_one_string(work)
        seconds, line = timed_build(work)
        whole.append((f"one es string changed ({changed!r})", seconds, line.split(",")[0]))

        docs: list[Path] = []
        rows = {code: per_language(work, code, args.naive_limit, docs) for code in codes}

        # The forced builds and the floors are measured in turns, three rounds: a machine that
        # slows down for a minute slows both, and the ratios compare like with like.
        ones, manys, floors, measured, singles = [], [], [], [], []
        first = ["--lang", codes[0], "--handout", str(rows[codes[0]]["first"])]
        for _ in range(ROUNDS):
            singles.append(timed_build(work, "--force", *first)[0])
            ones.append(timed_build(work, "--force", "--jobs", "1")[0])
            manys.append(timed_build(work, "--force", "--jobs", str(CORES))[0])
            floors.append(floor_process(work, docs))
            measured.append(floor_on_all_cores(work, docs, floors[-1]))
        one, many = statistics.median(ones), statistics.median(manys)
        whole.append((f"forced rebuild, 1 worker (median of {ROUNDS})", one, ""))
        spread = f"runs {min(manys):.2f} to {max(manys):.2f}"
        whole.append(
            (
                f"forced rebuild, {CORES} workers (median of {ROUNDS})",
                many,
                f"speedup {one / many:.2f}x, {spread}",
            )
        )
        floors_of_first = [times[0] for times in floors]
        seconds = [statistics.median(per_doc) for per_doc in zip(*floors, strict=True)]
        for r in rows.values():  # each language's documents: its handouts, then its booklet
            mine, seconds = seconds[: int(r["pdfs"])], seconds[int(r["pdfs"]) :]
            r["floor"], r["floor_sum"] = statistics.median(mine[:-1]), sum(mine)
        floor_total = sum(r["floor_sum"] for r in rows.values()) / CORES
        extras_total = sum(r["extras"] for r in rows.values()) / CORES
        whole.append(
            (
                "floor: bare WeasyPrint, every PDF / cores",
                floor_total,
                f"build/floor {many / floor_total:.2f}x",
            )
        )
        on_cores = statistics.median(measured)
        whole.append(
            (f"floor measured on {CORES} cores", on_cores, f"build/that {many / on_cores:.2f}x")
        )
        whole.append(
            ("thumbnails and web pages / cores", extras_total, "not WeasyPrint: not in the floor")
        )
        # What a build pays once, whatever its size: starting Python, imports, WeasyPrint's import
        # in the workers, planning, the index page. A build of one handout, less that handout's
        # floor, is that cost; the rest of the forced build is what grows with the catalog.
        fixed = statistics.median(singles) - statistics.median(floors_of_first)
        note = f"paid once per build; from --force {' '.join(first)}"
        whole.append(("fixed cost: a one-PDF build less its floor", fixed, note))
        growing = many - fixed
        whole.append(
            (
                "forced rebuild less the fixed cost",
                growing,
                f"/floor {growing / floor_total:.2f}x, /floor on cores {growing / on_cores:.2f}x",
            )
        )
        whole.append(
            (
                "floor + thumbnails and web pages",
                floor_total + extras_total,
                f"build/that {many / (floor_total + extras_total):.2f}x",
            )
        )
        manifest = json.loads((work / "dist/manifest.json").read_text())
        pdfs = [e for e in manifest["outputs"] if e["path"].endswith(".pdf")]
        sizes = [e["bytes"] / 1024 for e in pdfs if e.get("kind") == "handout"]
        booklets = [e["bytes"] / 1024 for e in pdfs if e.get("kind") == "booklet"]

    print(f"Whole catalog ({CORES} cores)")
    print(f"  {'what':<44} {'seconds':>8}  note")
    for name, seconds, note in whole:
        print(f"  {name:<44} {seconds:>8.2f}  {note}")
    print(f"  handout PDFs: median {statistics.median(sizes):.0f} KB, largest {max(sizes):.0f} KB")
    print(f"  booklets (13 handouts each): largest {max(booklets):.0f} KB")
    print()
    print("Per language (seconds; engine and floor: medians per handout PDF; PDFs counts the booklet)")
    head = f"  {'lang':<8}{'PDFs':>5}{'engine':>8}{'x en':>6}{'floor':>8}{'build':>8}{'floor/c':>8}"
    print(head + f"{'ratio':>7}{'naive':>8}{'naive/build':>12}{'med KB':>8}{'max KB':>8}")
    english = rows.get("en", next(iter(rows.values())))["engine"]
    for code, r in rows.items():
        floor_c = r["floor_sum"] / CORES
        print(
            f"  {code:<8}{r['pdfs']:>5}{r['engine']:>8.3f}{r['engine'] / english:>6.2f}"
            f"{r['floor']:>8.3f}"
            f"{r['build']:>8.2f}{floor_c:>8.2f}{r['build'] / floor_c:>7.2f}{r['naive']:>8.2f}"
            f"{r['naive'] / r['build']:>12.2f}{r['median_kb']:>8.0f}{r['max_kb']:>8.0f}"
        )


if __name__ == "__main__":
    main()
