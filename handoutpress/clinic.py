"""The clinic profile (`clinic.yaml`): who hands the handout out, and on which paper it prints.

Every field is optional. The values reach the page only through translatable placeholders such as
`{clinic_phone}`, escaped like any other text; a profile can never add markup or fetch anything.
The emergency number every handout prints in its safety box (`{emergency_number}`) defaults to the
American 911, as the paper defaults to Letter: a clinic elsewhere sets its own (112 in Europe).
`braille:` sets the clinic's embosser page (cells per line, lines per page) and, per language, the
liblouis tables its readers use instead of the project's (handoutpress.braille.TABLES); a table the
installed liblouis cannot compile is refused here, with its line, before any file is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handoutpress.content import CONTROL, ContentError, YamlReader, read_yaml
from handoutpress.locales import UnknownLanguage, language
from handoutpress.louis import LouisError, check_tables

CLINIC_FILE = "clinic.yaml"
FIELDS = ("name", "phone", "website", "address")
MAX_FIELD = 200
#: Without an `emergency_number:`, the number of the United States and Canada (as Letter paper).
DEFAULT_EMERGENCY_NUMBER = "911"
#: An emergency number is dialled: digits, perhaps grouped by spaces or hyphens (112, 911, 999, 000).
EMERGENCY_NUMBER = re.compile(r"[0-9](?:[0-9 -]{0,14}[0-9])?")
#: Braille pages (cells per line, lines per page): BANA's 40 x 25 unless the clinic's embosser
#: says otherwise. The smallest leaves room for a page number beside some text; the largest is
#: wider than any embosser's paper.
BRAILLE_DEFAULT = (40, 25)
BRAILLE_LIMITS = {"cells": (20, 100), "lines": (10, 100)}


@dataclass(frozen=True)
class BrailleOptions:
    """A clinic's braille page and its choice of liblouis tables, by catalog code (`zh_Hans`)."""

    cells: int = BRAILLE_DEFAULT[0]
    lines: int = BRAILLE_DEFAULT[1]
    #: (code, table list) pairs, sorted: hashable and picklable (the build's workers get a copy).
    tables: tuple[tuple[str, str], ...] = ()

    def table(self, code: str) -> str | None:
        """The clinic's tables for a language, or None for the project's choice."""
        return dict(self.tables).get(code)


@dataclass(frozen=True)
class Clinic:
    name: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""
    paper: str | None = None
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    #: Not part of the repr, which is part of every PDF's build key: a PDF does not depend on it.
    braille: BrailleOptions = field(default=BrailleOptions(), repr=False)

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
    braille = BrailleOptions()
    if node is not None:
        keys = {*FIELDS, "paper", "emergency_number"}
        fields = reader.mapping(node, "", set(), {*keys, "braille"})
        for key, value_node in (fields or {}).items():
            if key == "braille":
                braille = _braille(reader, value_node)
                continue
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
    return Clinic(**values, braille=braille)


def _braille(reader: YamlReader, node: yaml.Node) -> BrailleOptions:
    """`braille: {cells: 40, lines: 25, tables: {fr: fr-bfu-g2.ctb}}`, every part optional."""
    fields = reader.mapping(node, "braille", set(), {"cells", "lines", "tables"}) or {}
    size = dict(zip(("cells", "lines"), BRAILLE_DEFAULT, strict=True))
    for key in ("cells", "lines"):
        if key in fields:
            value_node = fields[key]
            low, high = BRAILLE_LIMITS[key]
            value = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
            if not value.isdigit() or not low <= int(value) <= high:
                reader.problem(value_node, f"braille.{key}", f"expected a number from {low} to {high}")
            else:
                size[key] = int(value)
    tables: dict[str, str] = {}
    tables_node = fields.get("tables")
    if tables_node is not None:
        if not isinstance(tables_node, yaml.MappingNode):
            message = "expected languages mapped to liblouis tables, e.g. fr: fr-bfu-g2.ctb"
            reader.problem(tables_node, "braille.tables", message)
        else:
            for key_node, value_node in tables_node.value:
                code = str(key_node.value)
                where = f"braille.tables.{code}"
                table = reader.string(value_node, where)
                try:
                    code = language(code).code
                    if table is not None:
                        check_tables(table)
                        tables[code] = table
                except (UnknownLanguage, LouisError) as exc:
                    reader.problem(value_node if table else key_node, where, str(exc))
    return BrailleOptions(size["cells"], size["lines"], tuple(sorted(tables.items())))
