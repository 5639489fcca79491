"""Who translated a language, when, and whether a qualified medical translator has reviewed it.

`locales/<lang>/translation.yaml` sits beside the catalog. A clinic sees the review status before
printing (`status`, the build summary, the manifest) and every translated handout prints it, as
multilingual health libraries require of their translations. It also holds the language's glossary
and forbidden words (handoutpress.glossary), which the catalog checks apply. Anyone may send one, so
it is read like content: every problem with its file and line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handoutpress.content import ContentError, YamlReader, display_path, read_yaml
from handoutpress.glossary import Glossary, read_glossary

REVIEW_FILE = "translation.yaml"
STATUSES = ("draft", "reviewed")
KEYS = {"status", "translated", "reviewer", "glossary", "forbidden"}


@dataclass(frozen=True)
class Review:
    status: str = "draft"
    translated: dt.date | None = None
    reviewer: str = ""
    glossary: Glossary = field(default_factory=Glossary)

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


def review_record_template(language_name: str) -> str:
    """A new language's `translation.yaml`, as `init` writes it: a draft, no date, no reviewer."""
    return f"""\
# Review record of the {language_name} translation (see TRANSLATING.md, steps 1 and 6).
# status: draft until a qualified medical translator has checked every string; then "reviewed",
# with the reviewer's name.
status: draft
reviewer: ""
# translated: the day the translation was finished or last changed, e.g. 2026-11-25
# (the handouts print it; leave the line out until then).
# glossary: the medical terms every handout writes the same way, English term: your word, as in
# "  dystonia: distonía"; `check` warns where a translation does not use them. An inflected
# language lists its forms, and words never to write go under "forbidden:" (TRANSLATING.md, step 2).
glossary:
"""


def load_review(locales_dir: Path, code: str) -> Review:
    """The review record of a language; a language without one is an unreviewed draft."""
    path = locales_dir / code / REVIEW_FILE
    if not path.exists():
        return Review()
    reader = YamlReader(display_path(path, locales_dir.parent))
    node = read_yaml(path, reader.path, reader)
    fields = reader.mapping(node, "", set(), KEYS) if node is not None else None
    review = _review(reader, fields or {})
    if reader.problems:
        raise ContentError(sorted(reader.problems, key=lambda problem: problem.line))
    return review


def _review(reader: YamlReader, fields: dict[str, yaml.Node]) -> Review:
    status = "draft"
    if "status" in fields:
        status = reader.string(fields["status"], "status") or "draft"
        if status not in STATUSES:
            reader.problem(fields["status"], "status", f"must be one of {', '.join(STATUSES)}")
    reviewer = _optional_text(reader, fields.get("reviewer"), "reviewer")
    if status == "reviewed" and not reviewer:
        reader.problem(fields["status"], "reviewer", "a reviewed translation names its reviewer")
    translated = None
    if "translated" in fields:
        node = fields["translated"]
        try:
            translated = dt.date.fromisoformat(node.value if isinstance(node, yaml.ScalarNode) else "")
        except ValueError:
            reader.problem(node, "translated", "expected a date like 2026-11-25")
    glossary = read_glossary(reader, fields.get("glossary"), fields.get("forbidden"))
    return Review(status, translated, reviewer, glossary)


def _optional_text(reader: YamlReader, node: yaml.Node | None, where: str) -> str:
    """Plain text that may be empty (`reviewer: ""` until there is one)."""
    if node is None:
        return ""
    if not isinstance(node, yaml.ScalarNode):
        reader.problem(node, where, "expected text")
        return ""
    return node.value.strip()
