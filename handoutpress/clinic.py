"""The clinic profile (`clinic.yaml`): who hands the handout out, and on which paper it prints.

Every field is optional. The values reach the page only through translatable placeholders such as
`{clinic_phone}`, escaped like any other text; a profile can never add markup or fetch anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handoutpress.content import CONTROL, ContentError, YamlReader, read_yaml

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
        fields = reader.mapping(node, "", set(), {*FIELDS, "paper"})
        for key, value_node in (fields or {}).items():
            if key not in (*FIELDS, "paper"):
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
            else:
                values[key] = value
    if reader.problems:
        raise ContentError(reader.problems)
    return Clinic(**values)
