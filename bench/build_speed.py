"""Benchmark the build engine against WeasyPrint's own floor. Prints a table; never run as a test.

usage: .venv/bin/python bench/build_speed.py [--lang en]
Rows: full build, no-op rebuild, rebuild after one catalog string changes, and bare WeasyPrint
rendering of the same HTML in one warm process (the floor the engine adds to).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "build_pdfs.py", *args], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def floor(root: Path, lang: str) -> float:
    """Render the same handouts' HTML with WeasyPrint alone, in this (warm) process."""
    sys.path.insert(0, str(root))
    from handoutpress.build import HandoutBuilder, LanguagePlan, Project
    from handoutpress.clinic import Clinic
    from handoutpress.content import load_collection
    from handoutpress.render import StyleOptions

    project = Project(root)
    collection = load_collection(project.handouts_dir, root)
    builder = HandoutBuilder(project, collection, Clinic())
    plan = LanguagePlan(lang, {})
    builder.render(collection.handouts[0], plan, StyleOptions())  # warm up fonts and imports
    start = time.perf_counter()
    for handout in collection.handouts:
        builder.render(handout, plan, StyleOptions())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", "dist", ".git", ".cache"))
        build = ["--lang", args.lang, "--out", "dist"]
        rows = [
            ("full build (cold cache)", timed([*build], work)),
            ("no-op rebuild", timed([*build], work)),
            ("forced rebuild, 1 job", timed([*build, "--force", "--jobs", "1"], work)),
            ("forced rebuild, all cores", timed([*build, "--force"], work)),
            ("WeasyPrint alone, warm process", floor(work, args.lang)),
        ]
    print(f"{'what':<34} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
