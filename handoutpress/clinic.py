"""The clinic profile (`clinic.yaml`): who hands the handout out, and on which paper it prints.

Every field is optional. The values reach the page only through translatable placeholders such as
`{clinic_phone}`, escaped like any other text; a profile can never add markup or fetch anything.
The emergency number every handout prints in its safety box (`{emergency_number}`) defaults to the
American 911, as the paper defaults to Letter: a clinic elsewhere sets its own (112 in Europe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from handoutpress.content import CONTROL, ContentError, YamlReader, read_yaml

CLINIC_FILE = "clinic.yaml"
FIELDS = ("name", "phone", "website", "address")
MAX_FIELD = 200
#: Without an `emergency_number:`, the number of the United States and Canada (as Letter paper).
DEFAULT_EMERGENCY_NUMBER = "911"
#: An emergency number is dialled: digits, perhaps grouped by spaces or hyphens (112, 911, 999, 000).
EMERGENCY_NUMBER = re.compile(r"[0-9](?:[0-9 -]{0,14}[0-9])?")


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""
    paper: str | None = None
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER

    def values(self) -> dict[str, str]:
        """Placeholder values: `{clinic_name}`, `{clinic_phone}`, ..., `{emergency_number}`."""
        values = {f"clinic_{name}": getattr(self, name) for name in FIELDS}
        return values | {"emergency_number": self.emergency_number}

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIELDS)


def load_clinic(path: Path, display: str | None = None) -> Clinic:
    """Read a clinic profile, or raise ContentError naming file, line and what to fix."""
    reader = YamlReader(display or str(path))
    node = read_yaml(path, reader.path, reader)
    values: dict[str, str] = {}
    if node is not None:
        keys = {*FIELDS, "paper", "emergency_number"}
        fields = reader.mapping(node, "", set(), keys)
        for key, value_node in (fields or {}).items():
            if key not in keys:
                continue  # already reported as an unknown key
            if key == "emergency_number" and value_node.tag.endswith(":int"):
                value = value_node.value  # `emergency_number: 112` unquoted, as written
            else:
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
            elif key == "emergency_number" and not EMERGENCY_NUMBER.fullmatch(value):
                message = "the number to dial in an emergency, in digits: 112, 911, 999"
                reader.problem(value_node, key, message)
            else:
                values[key] = value
    if reader.problems:
        raise ContentError(reader.problems)
    return Clinic(**values)
