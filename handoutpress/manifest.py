"""`dist/manifest.json`: every output with its language, handout, variant, pages, size, hash and key.

The build reads it to skip what is unchanged and rewrites it (atomically) after every finished job.
Shards of a CI matrix each write their own; `python build_pdfs.py manifest merge` joins them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from handoutpress.files import write_atomic

MANIFEST = "manifest.json"
FORMAT = 1


class Manifest:
    def __init__(self, out_dir: Path, entries: dict[str, dict[str, Any]] | None = None):
        self.out_dir = out_dir
        self.entries: dict[str, dict[str, Any]] = entries or {}

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The manifest in `out_dir`; a missing or unreadable one is empty (everything rebuilds)."""
        try:
            data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            entries = {e["path"]: e for e in data["outputs"]} if data.get("format") == FORMAT else {}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(out_dir, entries)

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
        name = self._name(outcome.path)
        self.entries[name] = {
            "path": name,
            "language": outcome.path.parent.name,
            "handout": outcome.job.handout,
            "variant": outcome.job.style.name,
            "pages": outcome.pages,
            "bytes": outcome.size,
            "sha256": outcome.sha256,
            "key": outcome.key,
            "review": review,
        }

    def save(self) -> Path:
        target = self.out_dir / MANIFEST
        outputs = [self.entries[k] for k in sorted(self.entries)]
        text = json.dumps({"format": FORMAT, "outputs": outputs}, indent=1, ensure_ascii=False)
        data = (text + "\n").encode("utf-8")
        if not (target.is_file() and target.read_bytes() == data):  # no write when nothing changed
            write_atomic(target, data)
        return target


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
