"""Deliberate bugs, one at a time, in a copy of the checkout: does the test suite notice them?

Each mutant is a small change a hurried developer could make, and that a user would see (a wrong
size, a guess printed, a file not rebuilt). The script copies the checkout to a temporary folder
once, applies one mutant there, runs the tests that should catch it (`-x`: the first failure is
enough), puts the file back, and goes on. A mutant is *killed* when those tests fail, *survives*
when they pass, and is *stale* when its text is no longer in the source (the code moved on: update
the mutant). The checkout itself is never changed.

    .venv/bin/python tools/mutants.py                 # every mutant, about 15 minutes on 2 cores
    .venv/bin/python tools/mutants.py --only fuzzy-printed --only file-mode
    .venv/bin/python tools/mutants.py --root OTHER    # score another checkout (an older suite)

Test files a checkout does not have are left out of its run (an older suite lacks the newer ones);
a mutant with none left survives.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
#: What a copy leaves out: history, environment, outputs, caches.
IGNORED = (".git", ".venv", "dist", ".cache", "preview", "__pycache__", ".pytest_cache", ".ruff_cache")
TIMEOUT = 900
#: The tests that build the whole real collection in every variant (make_pdfs, about 5 minutes on
#: two cores) are left out of every run: each mutant here shows on the mini projects.
WHOLE_COLLECTION = (
    "not make_pdfs and not shipped and not says_which_file and not printed_word"
    " and not built_and_tagged and not booklet_holds"
)


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  #: the file changed, relative to the checkout
    old: str  #: text found exactly once in it
    new: str  #: what it becomes
    tests: tuple[str, ...]  #: pytest arguments: files or node ids that should catch it
    harm: str  #: what a user would see


PROMISES = "tests/test_promises.py"

MUTANTS = [
    Mutant(
        "extra-large-at-22pt",
        "handoutpress/styles.py",
        '"extra-large": SizePreset(body=24,',
        '"extra-large": SizePreset(body=22,',
        (PROMISES, "tests/test_checks.py", "tests/test_site.py"),
        "--size extra-large prints 22 pt text, not the 24 pt the README promises",
    ),
    Mutant(
        "reverse-grey-page",
        "handoutpress/styles.py",
        'Theme(text="#ffffff", background="#121212")',
        'Theme(text="#ffffff", background="#808080")',
        (PROMISES, "tests/test_preview.py", "tests/test_checks.py"),
        "--theme reverse: white on mid grey, 3.9:1, unreadable for low vision",
    ),
    Mutant(
        "fuzzy-printed",
        "handoutpress/catalogs.py",
        "write_mo(out, read_catalog(po), use_fuzzy=False)",
        "write_mo(out, read_catalog(po), use_fuzzy=True)",
        (PROMISES, "tests/test_hostile.py", "tests/test_completeness.py"),
        "a translator's fuzzy guess is printed with --allow-incomplete",
    ),
    Mutant(
        "status-fuzzy-hidden",
        "handoutpress/catalogs.py",
        "        if message.fuzzy:\n            fuzzy += 1",
        "        if False:\n            fuzzy += 1",
        (PROMISES, "tests/test_completeness.py", "tests/test_translator_workflow.py"),
        "status counts fuzzy entries as untranslated: the translator looks for the wrong work",
    ),
    Mutant(
        "clinic-paper-wins",
        "handoutpress/cli.py",
        'paper = args.paper or clinic.paper or "letter"',
        'paper = clinic.paper or args.paper or "letter"',
        (PROMISES, "tests/test_pdf.py", "tests/test_box_and_tools.py"),
        "--paper is ignored when clinic.yaml names a paper",
    ),
    Mutant(
        "lang-list-first-only",
        "handoutpress/cli.py",
        'return [v for value in values for v in value.split(",") if v]',
        'return [value.split(",")[0] for value in values if value]',
        (PROMISES, "tests/test_engine.py", "tests/test_environment.py"),
        "--lang es,fr builds Spanish only",
    ),
    Mutant(
        "merge-earlier-wins",
        "handoutpress/manifest.py",
        'merged.entries[entry["path"]] = entry',
        'merged.entries.setdefault(entry["path"], entry)',
        (PROMISES, "tests/test_engine.py"),
        "a shard built again is merged under its old entry: the index shows stale pages and sizes",
    ),
    Mutant(
        "files-private",
        "handoutpress/files.py",
        "FILE_MODE = 0o666 & ~_umask()",
        "FILE_MODE = 0o600",
        ("tests/test_engine.py", PROMISES),
        "every output is 0600: a web server cannot serve dist/",
    ),
    Mutant(
        "extra-large-audited-at-18",
        "handoutpress/checks.py",
        'min_size=24.0 if ".extra-large" in path.name else 18.0',
        'min_size=18.0 if ".extra-large" in path.name else 18.0',
        ("tests/test_checks.py", PROMISES),
        "check --pdfs passes an extra-large PDF printed at 18 pt",
    ),
    Mutant(
        "contrast-4.5",
        "handoutpress/checks.py",
        "MIN_CONTRAST = 7.0",
        "MIN_CONTRAST = 4.5",
        ("tests/test_checks.py", PROMISES),
        "check --pdfs passes grey text the guidelines refuse (under 7:1)",
    ),
    Mutant(
        "reviewed-never",
        "handoutpress/reviews.py",
        'return self.status == "reviewed"',
        'return self.status == "draft"',
        (PROMISES, "tests/test_provenance.py", "tests/test_hostile.py"),
        "a reviewed translation prints that no medical translator checked it, and vice versa",
    ),
    Mutant(
        "draft-note-missing",
        "handoutpress/cli.py",
        '            if not review.reviewed:\n                print(f"note    {code}: draft',
        '            if review.reviewed:\n                print(f"note    {code}: draft',
        (PROMISES, "tests/test_completeness.py", "tests/test_engine.py"),
        "the build summary no longer says a translation is a draft",
    ),
    Mutant(
        "status-review-column",
        "handoutpress/cli.py",
        '"review": review.status,',
        '"review": "draft",',
        (PROMISES, "tests/test_completeness.py", "tests/test_translator_workflow.py"),
        "status calls every translation a draft, reviewed ones too",
    ),
    Mutant(
        "review-not-in-key",
        "handoutpress/build.py",
        "plan.code, plan.allow_incomplete, plan.review, script, templates",
        "plan.code, plan.allow_incomplete, script, templates",
        (PROMISES, "tests/test_engine.py"),
        "translation.yaml marked reviewed: the PDFs still say draft until --force",
    ),
    Mutant(
        "font-not-in-key",
        "handoutpress/build.py",
        "plan.code, plan.allow_incomplete, plan.review, script, templates",
        "plan.code, plan.allow_incomplete, plan.review, templates",
        (PROMISES, "tests/test_engine.py"),
        "a new font file is not used until --force",
    ),
    Mutant(
        "clinic-not-in-key",
        "handoutpress/build.py",
        "_digest(engine_digest(), WEASYPRINT_VERSION, clinic, producer, templates, fonts)",
        "_digest(engine_digest(), WEASYPRINT_VERSION, producer, templates, fonts)",
        (PROMISES, "tests/test_engine.py"),
        "a changed clinic.yaml (phone, emergency number) is not printed until --force",
    ),
    Mutant(
        "edited-output-kept",
        "handoutpress/manifest.py",
        'return hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]',
        "return True",
        (PROMISES, "tests/test_engine.py"),
        "a hand-edited or damaged PDF of the same size is never rebuilt",
    ),
    Mutant(
        "preview-always-english",
        "handoutpress/cli.py",
        "plan_languages(project, [args.lang], allow_incomplete=True",
        "plan_languages(project, [SOURCE_LANGUAGE], allow_incomplete=True",
        (PROMISES, "tests/test_preview.py"),
        "preview --lang vi shows the English handout",
    ),
    Mutant(
        "web-font-not-loaded",
        "templates/site.css.j2",
        'src: url("{{ url }}")',
        'src: local("{{ font.family }}")',
        ("tests/test_site.py",),
        "the web pages fall back to a system font: not the large-print font of the PDFs",
    ),
    Mutant(
        "english-not-marked",
        "handoutpress/translate.py",
        "return Markup('<span lang=\"{}\">{}</span>').format(SOURCE_LANGUAGE, english)",
        "return english",
        (PROMISES, "tests/test_documents.py", "tests/test_languages.py"),
        "--allow-incomplete: English sentences read by a Spanish voice",
    ),
    Mutant(
        "shard-all",
        "handoutpress/build.py",
        "return int.from_bytes(digest[:8]) % n == k - 1",
        "return k == 1",
        ("tests/test_engine.py", PROMISES),
        "--shard K/N: shard 1 builds everything, the others nothing (CI no faster)",
    ),
    Mutant(
        "pages-in-manifest",
        "handoutpress/manifest.py",
        '"pages": written.pages,',
        '"pages": 1,',
        (PROMISES, "tests/test_engine.py", "tests/test_site.py"),
        "the index says every handout has 1 page",
    ),
    Mutant(
        "tag-with-underscore",
        "handoutpress/locales.py",
        'return self.code.replace("_", "-")',
        "return self.code",
        (PROMISES, "tests/test_commands_as_typed.py", "tests/test_engine.py"),
        "dist/zh_Hans/ and /Lang zh_Hans: not a BCP 47 tag a screen reader knows",
    ),
    Mutant(
        "clinic-website-dropped",
        "templates/_handout.html.j2",
        "{%- if clinic.website %}",
        "{%- if clinic.website and false %}",
        (PROMISES, "tests/test_box_and_tools.py"),
        "the clinic's website is not printed",
    ),
]


def copy_checkout(root: Path, target: Path) -> None:
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    (target / ".venv").symlink_to((root / ".venv").resolve())


def run(mutant: Mutant, copy: Path) -> tuple[str, float]:
    source = copy / mutant.path
    text = source.read_text(encoding="utf-8")
    if text.count(mutant.old) != 1:
        return "stale", 0.0
    tests = [t for t in mutant.tests if (copy / t.split("::")[0]).exists()]
    if not tests:
        return "survived (no test)", 0.0
    source.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    command = [str(copy / ".venv/bin/python"), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-k", WHOLE_COLLECTION]
    command += ["-p", "no:randomly"] if "randomly" in _plugins(copy) else []
    started = time.monotonic()
    try:
        done = subprocess.run([*command, *tests], cwd=copy, capture_output=True, timeout=TIMEOUT)
        verdict = {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")
        if verdict.startswith("error"):
            sys.stderr.write(done.stdout.decode()[-2000:])
    except subprocess.TimeoutExpired:
        verdict = "killed (timeout)"
    finally:
        source.write_text(text, encoding="utf-8")
    return verdict, time.monotonic() - started


def _plugins(copy: Path) -> str:
    """The installed plugins, to pass `-p no:randomly` only where it exists (an older venv)."""
    done = subprocess.run(
        [str(copy / ".venv/bin/python"), "-c", "import pytest_randomly"], capture_output=True
    )
    return "randomly" if done.returncode == 0 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to score")
    parser.add_argument("--only", action="append", help="only these mutants (by name)")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    results = {}
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        copy = Path(tmp) / "checkout"
        copy_checkout(args.root.resolve(), copy)
        os.environ.pop("HANDOUTS_CACHE", None)  # each run's tests set their own
        for mutant in chosen:
            verdict, seconds = run(mutant, copy)
            results[mutant.name] = verdict
            print(f"{verdict:<18} {mutant.name:<28} {seconds:5.0f} s  {mutant.harm}", flush=True)
    killed = sum(v.startswith("killed") for v in results.values())
    scored = sum(v != "stale" for v in results.values())
    print(f"{killed} of {scored} mutants killed ({len(results) - scored} stale)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
