"""How long `check`, the build and `preview` take to refuse an overlong translation. Never a test.

usage: .venv/bin/python bench/check_speed.py [--rounds 5]

It copies the project to a temporary folder, makes the Spanish translation of the first handout's
title 20 KB, 80 KB, 160 KB and then 2 MB long (a stranger's pull request: words, then at 2 MB also
text with no space, `<a` repeated, `**` repeated and `{` repeated, the inputs that were slowest),
and prints for each:
  check     wall and CPU seconds of `build_pdfs.py check --lang es` (process start and imports
            included), the median of the rounds after a first warm-up run
  in-proc   seconds of the catalog rules alone, in this process (what grows with the string)
  build     wall seconds of `build_pdfs.py --lang es --handout <it>` refusing it
  preview   wall seconds of `build_pdfs.py preview <it> --lang es` refusing it
and whether each one refused it naming the catalog's line.

Before the rules were one linear pass (issue 17), `check` took 4 s at 20 KB, 59 s at 80 KB and
236 s at 160 KB (Babel's line wrapping, and a markup pattern, were quadratic); the build of the
2 MB catalog took 11 s and 550 MB. Target: a 2 MB translation refused by `check` in under a second.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = Path("locales/es/LC_MESSAGES/handouts.po")
WORDS = "Traducción demasiado larga "
CASES = {
    "20 KB": (WORDS, 20_000),
    "80 KB": (WORDS, 80_000),
    "160 KB": (WORDS, 160_000),
    "2 MB": (WORDS, 2_000_000),
    "2 MB a": ("a", 2_000_000),
    "2 MB <a": ("<a", 2_000_000),
    "2 MB **": ("**", 2_000_000),
    "2 MB {": ("{", 2_000_000),
}


def run(work: Path, *args: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user and system) and stderr of one command in `work`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "build_pdfs.py", *args], cwd=work, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    sys.path.insert(0, str(ROOT))
    from handoutpress.content import load_collection
    from handoutpress.lint import catalog_problems

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        for name in ("handouts", "templates", "locales"):
            shutil.copytree(ROOT / name, work / name)
        for name in ("pyproject.toml", "build_pdfs.py"):
            shutil.copy(ROOT / name, work / name)
        handout = load_collection(work / "handouts", work).handouts[0]
        title = handout.title.msgid
        original = (work / PO).read_text(encoding="utf-8")
        entry = f'msgid "{title}"\nmsgstr "'
        assert entry in original, f"no one-line entry for {title!r}"
        print(f"{'text':>9} {'check':>7} {'cpu':>6} {'in-proc':>8} {'build':>7} {'preview':>8}  refused")
        for label, (piece, size) in CASES.items():
            text = (piece * (size // len(piece) + 1))[:size]
            catalog = original.replace(entry, f"{entry}{text} ", 1)
            (work / PO).write_text(catalog, encoding="utf-8")
            line = catalog.splitlines().index(f'msgid "{title}"') + 2  # its msgstr
            run(work, "check", "--lang", "es")  # warm-up: caches of fonts and of the template
            checks = [run(work, "check", "--lang", "es") for _ in range(rounds)]
            started = time.perf_counter()
            catalog_problems(work / PO, work / ".cache", str(PO))
            in_process = time.perf_counter() - started
            build = run(work, "--lang", "es", "--handout", handout.id, "--jobs", "1")
            preview = run(work, "preview", handout.id, "--lang", "es")
            where = f"{PO}:{line}: "
            refused = all(where in out for *_, out in [*checks, build, preview])
            print(
                f"{label:>9} {statistics.median(c[0] for c in checks):>7.2f} "
                f"{statistics.median(c[1] for c in checks):>6.2f} {in_process:>8.3f} "
                f"{build[0]:>7.2f} {preview[0]:>8.2f}  {'yes, at ' + where if refused else 'NO'}"
            )


if __name__ == "__main__":
    main()
