"""What the machine can do wrong: an unknown language, a missing font, a folder that cannot be written,
a full disk, a build stopped halfway. Each ends in one line that says what to do, a non-zero exit,
no traceback, and the PDFs built before it untouched."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest

from handoutpress.cli import main
from handoutpress.fonts import SCRIPT_FONTS, FontSource
from handoutpress.manifest import Manifest

from .conftest import REPO, snapshot

LANGUAGE_CASES = {
    "build an unknown code": (
        ["build", "--lang", "xx"],
        "error: unknown language code 'xx': use a code Babel knows, such as es, fr, vi, zh_Hans",
    ),
    "start an unknown code": (
        ["init", "xx"],
        "error: unknown language code 'xx': use a code Babel knows, such as es, fr, vi, zh_Hans",
    ),
    "preview an unknown code": (
        ["preview", "sample", "--lang", "xx"],
        "error: unknown language code 'xx': use a code Babel knows, such as es, fr, vi, zh_Hans",
    ),
    "start a language that has a catalog": (
        ["init", "es"],
        "locales/es/LC_MESSAGES/handouts.po:1: already exists: run "
        "`.venv/bin/python build_pdfs.py update` to refresh it",
    ),
    "check a language without a catalog": (
        ["check", "--lang", "de"],
        "error: no catalog for 'de' in locales/: run `.venv/bin/python build_pdfs.py init de` first",
    ),
    "build a language without a catalog": (
        ["build", "--lang", "de"],
        "error: no catalog for 'de' in locales/: run `.venv/bin/python build_pdfs.py init de` first",
    ),
}
FOLDER_LINE = (
    "locales/xx/LC_MESSAGES/handouts.po:1: the folder name 'xx' is not a language code Babel knows: "
    "rename the folder to one such as es, fr, vi, pt_BR or zh_Hans"
)


@pytest.fixture
def built(built_es):
    """The mini project with its PDFs built, and what dist/ held afterwards."""
    out = built_es.root / "dist"
    return built_es, out, snapshot(out)


def run(project, *args: str) -> int:
    out = str(project.root / "dist")
    if args[0] in ("build", "preview"):
        args = (*args, "--out", out) if args[0] == "build" else (*args, "--out", out + "-preview")
    return main(["--root", str(project.root), *args])


@pytest.mark.parametrize("case", LANGUAGE_CASES)
def test_an_unknown_language_is_one_clear_line(case, built, capsys) -> None:
    project, out, before = built
    args, line = LANGUAGE_CASES[case]
    capsys.readouterr()
    assert run(project, *args) == 1
    assert capsys.readouterr().err.splitlines() == [line]
    assert snapshot(out) == before
    assert not (project.locales_dir / "xx").exists()


@pytest.mark.parametrize("command", [["check"], ["status"], ["build"]])
def test_a_catalog_folder_named_with_an_unknown_code_names_the_file(command, built, capsys) -> None:
    project, out, before = built
    folder = project.locales_dir / "xx/LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "handouts.po").write_bytes(
        (project.locales_dir / "es/LC_MESSAGES/handouts.po").read_bytes()
    )
    capsys.readouterr()
    assert run(project, *command) == 1
    assert capsys.readouterr().err.splitlines() == [FOLDER_LINE]
    assert snapshot(out) == before


MISSING = FontSource(
    "Missing Sans",
    debian_package="fonts-missing",
    system_files=((400, "/nonexistent/Missing-Regular.ttf"), (700, "/nonexistent/Missing-Bold.ttf")),
)
MISSING_FONT = (
    "Missing Sans is missing (/nonexistent/Missing-Regular.ttf): install the Debian package "
    "fonts-missing (make pdfs does it when run as root)"
)


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("es", [f"error: {MISSING_FONT}"]),  # found while planning, before any work
        # English has no catalog to plan: each job says it, and the index waits for a good build.
        ("en", [f"FAILED  en/{job} (standard): {MISSING_FONT}" for job in ("sample", "booklet")]),
    ],
)
def test_a_missing_font_is_one_clear_line(lang, lines, built, monkeypatch, capsys) -> None:
    project, out, before = built
    monkeypatch.setitem(SCRIPT_FONTS, "Latn", (MISSING,))
    capsys.readouterr()
    assert run(project, "build", "--lang", lang, "--force", "--jobs", "1") == 1
    assert capsys.readouterr().err.splitlines() == lines
    assert snapshot(out) == before


def refuse_writes_under(folder: Path, error: int, monkeypatch) -> None:
    """Make every temporary file under `folder` fail as the OS would: a read-only folder refuses to
    create it, a full disk takes half the bytes and then refuses the rest."""
    real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen
    doomed: set[int] = set()

    def mkstemp(*args, dir=None, **kwargs):
        inside = dir is not None and Path(dir).resolve().is_relative_to(folder.resolve())
        if inside and error == errno.EACCES:
            raise PermissionError(errno.EACCES, "Permission denied", str(Path(dir) / "tmpfile"))
        fd, name = real_mkstemp(*args, dir=dir, **kwargs)
        if inside:
            doomed.add(fd)
        return fd, name

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            self.fh.close()

    def fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        return FullDisk(fh) if fd in doomed else fh

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)


def read_only(folder: Path, monkeypatch) -> None:
    """chmod, and where that does not stop writes (root), the same refusal simulated."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        refuse_writes_under(folder, errno.EACCES, monkeypatch)


@pytest.mark.parametrize(
    ("folder", "lines"),
    [
        ("dist", ["error: {out}: permission denied: make the folder writable, or build into another "
                  "folder with --out"]),
        # one line per job that writes there: the handout and the booklet
        ("dist/es", [f"FAILED  es/{job} (standard): {{out}}/es/{job}.pdf: permission denied: make "
                     "the folder writable, or build into another folder with --out"
                     for job in ("sample", "booklet")]),
    ],
)  # fmt: skip
def test_a_read_only_output_folder_is_one_clear_line(folder, lines, built, monkeypatch, capsys) -> None:
    project, out, before = built
    try:
        read_only(project.root / folder, monkeypatch)
        capsys.readouterr()
        assert run(project, "build", "--lang", "es", "--force", "--jobs", "1") == 1
        assert capsys.readouterr().err.splitlines() == [line.format(out=out) for line in lines]
    finally:
        (project.root / folder).chmod(0o755)
    assert snapshot(out) == before


def test_a_full_disk_is_one_clear_line_and_leaves_no_partial_file(built, monkeypatch, capsys) -> None:
    project, out, before = built
    refuse_writes_under(out, errno.ENOSPC, monkeypatch)
    capsys.readouterr()
    assert run(project, "build", "--lang", "es", "--force", "--jobs", "1") == 1
    assert capsys.readouterr().err.splitlines() == [
        f"FAILED  es/{job} (standard): {out}/es/{job}.pdf: no space left on device: the disk is "
        "full: free some space, then run the same command again"
        for job in ("sample", "booklet")
    ]
    assert snapshot(out) == before  # half a PDF was written to a temporary file: it is gone


@pytest.mark.parametrize(
    ("stop", "jobs"),
    [(signal.SIGINT, "1"), (signal.SIGINT, "2"), (signal.SIGKILL, "1")],
    ids=["ctrl-c", "ctrl-c-2-jobs", "killed"],
)
def test_a_stopped_build_keeps_finished_pdfs_and_the_next_run_does_the_rest(stop, jobs, mini_es) -> None:
    """Ctrl-C in a terminal reaches the whole process group, the pool's workers included; a kill
    (the machine's power, the CI's timeout) gives no time to tidy up. Either way every file with a
    PDF name is a whole PDF, and the next run builds only what is missing."""
    total = 8
    for n in range(total - 1):
        (mini_es.handouts_dir / f"copy{n}.yaml").write_text(
            (mini_es.handouts_dir / "sample.yaml").read_text()
        )
    out = mini_es.root / "dist"
    command = [sys.executable, str(REPO / "build_pdfs.py"), "--root", str(mini_es.root), "--jobs", jobs,
               "--lang", "en", "--out", str(out)]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # each "built" line as it happens
        # Ctrl-C acts as in a terminal even when the tests run in the background (`make test &`),
        # where the shell starts every child with SIGINT ignored and Python keeps it so.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    for line in process.stdout:  # stop it as soon as the first PDF is finished
        if line.startswith("built"):
            os.killpg(process.pid, stop)
            break
    _, err = process.communicate(timeout=120)
    pdfs = total + 1  # and the booklet
    finished = {name: data for name, data in snapshot(out / "en").items() if name.endswith(".pdf")}
    assert 1 <= len(finished) < pdfs
    for name in finished:
        pikepdf.open(out / "en" / name).close()  # every file with a PDF name is a whole PDF
    if stop == signal.SIGINT:
        assert process.returncode == 130
        assert err.splitlines() == [
            "interrupted: finished PDFs are kept; run the same command again to do the rest"
        ]
    else:
        assert process.returncode == -signal.SIGKILL
        # What it finished is in the manifest's journal (each line written before the job is
        # reported), not yet in manifest.json, which a build writes once, at its end.
        assert not (out / "manifest.json").exists()
    # What the next run may skip: the jobs whose files were recorded before the stop.
    recorded = [e for e in Manifest.load(out).entries.values() if e["kind"] in ("handout", "booklet")]
    assert 1 <= len(recorded) <= len(finished)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stderr == ""
    summary = next(line for line in result.stdout.splitlines() if " built, " in line)
    assert summary.startswith(f"{pdfs - len(recorded)} built, {len(recorded)} unchanged, 0 failed")
    assert len(list((out / "en").glob("*.pdf"))) == pdfs
    assert {name: data for name, data in snapshot(out / "en").items() if name in finished} == finished
    assert not list(out.rglob("*.part"))
    assert not (out / ".manifest.journal").exists()
    kinds = [e["kind"] for e in json.loads((out / "manifest.json").read_text())["outputs"]]
    assert kinds.count("handout") + kinds.count("booklet") == pdfs


#: Python's output buffered (a pipe's default) and unbuffered (this machine's default), with a proxy
#: set as on a clinic's network: none of it may change how a command ends.
OUTPUT_ENVIRONMENTS = {
    "buffered": {"PYTHONUNBUFFERED": None, "http_proxy": "http://proxy.invalid:3128"},
    "unbuffered": {"PYTHONUNBUFFERED": "1", "http_proxy": "http://proxy.invalid:3128"},
}


def environment(changes: dict[str, str | None]) -> dict[str, str]:
    env = {**os.environ, **{k: v for k, v in changes.items() if v is not None}}
    return {k: v for k, v in env.items() if changes.get(k, v) is not None}


@pytest.mark.parametrize("output", OUTPUT_ENVIRONMENTS)
@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["update"], ["check"]])
def test_a_reader_that_stops_early_gets_no_error(mini_es, command, output) -> None:
    """`status | head -1`, `status | true`: the command stops quietly with 141, as shell tools do,
    instead of printing an error about the pipe the reader closed (with buffered output, Python
    itself printed "Exception ignored ... BrokenPipeError" at exit and ended with 120)."""
    args = [sys.executable, str(REPO / "build_pdfs.py"), "--root", str(mini_es.root), *command]
    env = environment(OUTPUT_ENVIRONMENTS[output])
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # before the command has printed anything
    _, err = process.communicate(timeout=60)
    assert err == b""
    assert process.returncode == 141


@pytest.mark.parametrize("output", OUTPUT_ENVIRONMENTS)
def test_a_reader_that_reads_everything_gets_it_all(mini_es, output) -> None:
    """The same commands with a reader that stays: whole output, exit 0, whatever the buffering."""
    args = [sys.executable, str(REPO / "build_pdfs.py"), "--root", str(mini_es.root), "status"]
    env = environment(OUTPUT_ENVIRONMENTS[output])
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1].split()[0] == "es"
