"""The clinic profile (`clinic.yaml`): who hands the handout out, and on which paper it prints.

Every field is optional. The values reach the page only through translatable placeholders such as
`{clinic_phone}`, escaped like any other text; a profile can never add markup or fetch anything.
`language` says what language the name and address are written in (English unless said): inside a
handout in another language they are tagged with it, so a screen reader switches voice, and set
apart in their own direction (see templating.clinic_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoutpress.content import CONTROL, ContentError, YamlReader, read_yaml
from handoutpress.locales import SOURCE_LANGUAGE, UnknownLanguage, language

CLINIC_FILE = "clinic.yaml"
FIELDS = ("name", "phone", "website", "address")
MAX_FIELD = 200


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""
    paper: str | None = None
    #: The language the clinic's details are written in: a code or tag such as en, es, ar.
    language: str = SOURCE_LANGUAGE

    def values(self) -> dict[str, str]:
        """Placeholder values: `{clinic_name}`, `{clinic_phone}`, ..."""
        return {f"clinic_{name}": getattr(self, name) for name in FIELDS}

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIELDS)


def load_clinic(path: Path, display: str | None = None) -> Clinic:
    """Read a clinic profile, or raise ContentError naming file, line and what to fix."""
    reader = YamlReader(display or str(path))
    node = read_yaml(path, reader.path, reader)
    values: dict[str, str] = {}
    if node is not None:
        fields = reader.mapping(node, "", set(), {*FIELDS, "paper", "language"})
        for key, value_node in (fields or {}).items():
            if key not in (*FIELDS, "paper", "language"):
                continue  # already reported as an unknown key
            value = reader.string(value_node, key)
            if value is None:
                continue
            value = " ".join(value.split())
            if CONTROL.search(value):
                reader.problem(value_node, key, "control or bidi-override character: remove it")
            elif len(value) > MAX_FIELD:
                reader.problem(value_node, key, f"longer than {MAX_FIELD} characters: shorten it")
            elif key == "paper" and value not in ("letter", "a4"):
                reader.problem(value_node, key, "paper must be letter or a4")
            elif key == "language" and (problem := _unknown_language(value)):
                reader.problem(value_node, key, problem)
            else:
                values[key] = value
    if reader.problems:
        raise ContentError(reader.problems)
    return Clinic(**values)


def _unknown_language(code: str) -> str:
    """What is wrong with a clinic's `language`, or "" when Babel knows it."""
    try:
        language(code)
    except UnknownLanguage as exc:
        return f"{exc} (the language the clinic's name and address are written in)"
    return ""
