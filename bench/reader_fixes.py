"""What the fixes for issue 16 cost (PDFs that every reader draws right): time and size. Never a test.

usage: .venv/bin/python bench/reader_fixes.py [--before REV] [--lang zh-Hans,hi,vi,ar,en] [--rounds 3]

Each source tree is measured in a process of its own, with a build cache of its own: this checkout
as it is, and with `--before REV` that revision too (exported with `git archive`, e.g. 228eea4, the
revision the issue was filed at), the two in turns for `--rounds` rounds; medians are shown.
Per language, standard print, every handout of the collection (the booklet left out):

  fonts    seconds of the first handout from an empty cache, less the warm median: preparing the
           fonts (for Chinese, cutting the 16 MB font down to the characters in use)
  engine   median seconds per handout PDF in a warm process (translate, HTML, WeasyPrint, tagging)
  med KB   median handout PDF; max KB the largest
  check    median milliseconds per PDF of the PDF/UA-1 validator (`page-validation`), when installed

The targets of the issue: Chinese handouts as fast and as small as before (median 21 KB, largest
65 KB at 228eea4).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = "zh-Hans,hi,vi,ar,en"


def measure(tree: Path, codes: list[str]) -> dict[str, dict[str, float]]:
    """The measuring process: this tree's code, a cache of its own (inside the tree), each language's
    handouts drawn from a cold cache once and then warm."""
    sys.path.insert(0, str(tree))
    from handoutpress.build import Project, plan_languages
    from handoutpress.clinic import Clinic
    from handoutpress.content import load_collection
    from handoutpress.documents import HandoutBuilder
    from handoutpress.styles import StyleOptions

    assert Path(sys.modules["handoutpress"].__file__).is_relative_to(tree), "measured the wrong code"
    try:
        import page
    except ImportError:
        page = None
    project = Project(tree)
    collection = load_collection(project.handouts_dir, tree)
    builder = HandoutBuilder(project, collection, Clinic())
    style = StyleOptions()
    rows = {}
    for code in codes:
        plan = plan_languages(project, [code], allow_incomplete=False)[0][0]
        start = time.perf_counter()
        builder.render(collection.handouts[0], plan, style)
        cold = time.perf_counter() - start
        seconds, sizes, checks = [], [], []
        for handout in collection.handouts:
            builder.render(handout, plan, style)  # its fonts prepared, as in a build's later PDFs
            start = time.perf_counter()
            rendered = builder.render(handout, plan, style)
            seconds.append(time.perf_counter() - start)
            sizes.append(len(rendered.data) / 1024)
            if page is not None:
                start = time.perf_counter()
                page.validate_pdf_bytes(rendered.data, profile="ua1")
                checks.append((time.perf_counter() - start) * 1000)
        engine = statistics.median(seconds)
        rows[code] = {
            "fonts": cold - engine,
            "engine": engine,
            "median_kb": statistics.median(sizes),
            "max_kb": max(sizes),
            "check_ms": statistics.median(checks) if checks else float("nan"),
        }
    return rows


def export(rev: str, target: Path) -> Path:
    """Revision `rev` of this repository as plain files under `target`."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def copy_checkout(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", "dist", ".git", ".cache", "preview", "__pycache__")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def run(tree: Path, codes: list[str]) -> dict[str, dict[str, float]]:
    """One measurement of `tree` in a fresh process with an empty cache."""
    shutil.rmtree(tree / ".cache", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(tree), "--lang", ",".join(codes)],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", metavar="REV", help="also measure this revision, in turns")
    parser.add_argument("--lang", default=LANGUAGES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the measuring process
    args = parser.parse_args()
    codes = args.lang.split(",")
    if args.measure:
        print(json.dumps(measure(args.measure, codes)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"now": copy_checkout(Path(tmp) / "now")}
        if args.before:
            trees = {args.before: export(args.before, Path(tmp) / "before"), **trees}
        runs: dict[str, list[dict[str, dict[str, float]]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                runs[name].append(run(tree, codes))
    print(f"Handout PDFs, standard print (medians of {args.rounds} rounds, each from an empty cache)")
    head = f"  {'tree':<10}{'lang':<9}{'fonts s':>8}{'engine s':>10}"
    print(head + f"{'med KB':>8}{'max KB':>8}{'check ms':>10}")
    for code in codes:
        for name, results in runs.items():
            cell = {k: statistics.median(r[code][k] for r in results) for k in results[0][code]}
            print(
                f"  {name:<10}{code:<9}{cell['fonts']:>8.2f}{cell['engine']:>10.3f}"
                f"{cell['median_kb']:>8.1f}{cell['max_kb']:>8.1f}{cell['check_ms']:>10.1f}"
            )


if __name__ == "__main__":
    main()
