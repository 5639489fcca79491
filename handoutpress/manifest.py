"""`dist/manifest.json`: every output with its kind, language, handout, variant, pages, size and hash.

Kinds: one per builder (handoutpress.builders): `handout`, `bilingual` and `booklet` PDFs, a handout's
`html` page, `thumbnail` and `braille` file; and the `site` files (index page, stylesheet, fonts).
The build reads it to skip what is unchanged, and the index page is made from it. While a build
runs, each finished job is appended to a journal beside it (`.manifest.journal`, one JSON line per
file), so a build killed at any moment has lost no finished work; at the end the manifest is
rewritten (atomically) and the journal removed. Rewriting the whole
manifest after every job instead cost 5 ms a job in a full build, on a core the workers need.
Shards of a CI matrix each write their own; `python build_pdfs.py manifest merge` joins them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from handoutpress.files import write_atomic

MANIFEST = "manifest.json"
JOURNAL = ".manifest.journal"
FORMAT = 2


class Manifest:
    def __init__(self, out_dir: Path, entries: dict[str, dict[str, Any]] | None = None):
        self.out_dir = out_dir
        self.entries: dict[str, dict[str, Any]] = entries or {}

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest in `out_dir` with the journal of an unfinished build applied; a missing or
        unreadable one is empty (everything rebuilds)."""
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            entries = {e["path"]: e for e in data["outputs"]} if data.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(out_dir, entries | _journal(out_dir / JOURNAL))

    def _name(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()

    def entry(self, path: Path) -> dict[str, Any] | None:
        return self.entries.get(self._name(path))

    def intact(self, path: Path) -> bool:
        """The file is there and is the one the manifest recorded."""
        entry = self.entry(path)
        if entry is None or not path.is_file() or path.stat().st_size != entry["bytes"]:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]

    def record(self, outcome: Any, review: str) -> None:
        """Every file of a finished job (build.Outcome), with the job's language, handout and key."""
        job = outcome.job
        for written in outcome.files:
            name = self._name(written.path)
            self.entries[name] = {
                "path": name,
                "kind": written.kind,
                "language": written.path.parent.name,
                "handout": None if job.whole else job.handout,
                "variant": job.style.name,
                "size": job.style.size,
                "theme": job.style.theme,
                "pages": written.pages,
                "bytes": written.size,
                "sha256": written.sha256,
                "key": outcome.key,
                "review": review,
            }

    def journal(self, outcome: Any, review: str) -> None:
        """`record`, and the job's lines appended to the journal, for a build that is still running."""
        self.record(outcome, review)
        names = [self._name(written.path) for written in outcome.files]
        lines = "".join(json.dumps(self.entries[name], ensure_ascii=False) + "\n" for name in names)
        with (self.out_dir / JOURNAL).open("a", encoding="utf-8") as fh:
            fh.write(lines)

    def record_file(self, path: Path, kind: str, data: bytes) -> None:
        """A file that belongs to no job (the index page, its stylesheet and fonts)."""
        name = self._name(path)
        digest = hashlib.sha256(data).hexdigest()
        self.entries[name] = {"path": name, "kind": kind, "bytes": len(data), "sha256": digest}

    def outputs(self, kind: str) -> list[dict[str, Any]]:
        """The entries of one kind whose file is still there, in path order."""
        return [
            e
            for name, e in sorted(self.entries.items())
            if e.get("kind") == kind and (self.out_dir / name).is_file()
        ]

    def save(self) -> Path:
        target = self.out_dir / MANIFEST
        # One output per line: a diff shows which files changed, and each line goes through json's C
        # encoder (indent= takes the pure-Python one, which cost 1.5 s over a full build's saves).
        lines = ",\n".join(json.dumps(self.entries[k], ensure_ascii=False) for k in sorted(self.entries))
        data = f'{{"format": {FORMAT}, "outputs": [\n{lines}\n]}}\n'.encode()
        if not (target.is_file() and target.read_bytes() == data):  # no write when nothing changed
            write_atomic(target, data)
        (self.out_dir / JOURNAL).unlink(missing_ok=True)  # everything in it is in the manifest now
        return target


def _journal(path: Path) -> dict[str, dict[str, Any]]:
    """The entries a killed build appended; a line cut short by the kill is left out (its job is
    simply done again)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    entries = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
            entries[entry["path"]] = entry
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def merge(out_dir: Path, parts: list[Path]) -> Path:
    """Join the manifests of several shards into `out_dir/manifest.json` (later parts win)."""
    merged = Manifest.load(out_dir)
    for part in parts:
        data = json.loads(part.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"{part}: not a manifest of format {FORMAT}")
        for entry in data["outputs"]:
            merged.entries[entry["path"]] = entry
    return merged.save()
