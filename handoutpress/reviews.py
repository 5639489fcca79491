"""Who translated a language, when, and whether a qualified medical translator has reviewed it.

`locales/<lang>/translation.yaml` sits beside the catalog. A clinic sees the review status before
printing (`status`, the build summary, the manifest) and every translated handout prints it, as
multilingual health libraries require of their translations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handoutpress.content import ContentError, Problem

REVIEW_FILE = "translation.yaml"
STATUSES = ("draft", "reviewed")


@dataclass(frozen=True)
class Review:
    status: str = "draft"
    translated: dt.date | None = None
    reviewer: str = ""
    glossary: dict[str, str] = field(default_factory=dict)

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def load_review(locales_dir: Path, code: str) -> Review:
    """The review record of a language; a language without one is an unreviewed draft."""
    path = locales_dir / code / REVIEW_FILE
    if not path.exists():
        return Review()
    display = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(display, 1, "", f"cannot read the review record: {exc}")]) from exc
    problems = []
    unknown = set(data) - {"status", "translated", "reviewer", "glossary"}
    if unknown:
        problems.append(Problem(display, 1, "", f"unknown keys {sorted(unknown)}"))
    status = data.get("status", "draft")
    if status not in STATUSES:
        problems.append(Problem(display, 1, "status", f"must be one of {', '.join(STATUSES)}"))
    if status == "reviewed" and not data.get("reviewer"):
        problems.append(Problem(display, 1, "reviewer", "a reviewed translation names its reviewer"))
    translated = data.get("translated")
    if translated is not None and not isinstance(translated, dt.date):
        problems.append(Problem(display, 1, "translated", "expected a date like 2026-11-25"))
    if problems:
        raise ContentError(problems)
    glossary = {str(k): str(v) for k, v in (data.get("glossary") or {}).items()}
    return Review(status, translated, str(data.get("reviewer") or ""), glossary)
