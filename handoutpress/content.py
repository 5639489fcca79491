"""Load and validate handout content: `handouts/*.yaml`, shared sections and the library file.

Content is written by people, so every problem is reported at once, each with the file and line where it
is (`handouts/x.yaml:12: sections[2].body: expected a list`), instead of failing on the first one.
The YAML is read at the node level so that every string keeps the line it came from: the extractor
puts that line into the catalog, and validation errors point at it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeVar

import yaml

KINDS = ("type", "coping", "overview")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
#: Placeholders a handout may use; the values come from the clinic profile at render time.
PLACEHOLDERS = frozenset(
    {"clinic_name", "clinic_phone", "clinic_website", "clinic_address", "emergency_number"}
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: A content file bigger than this is refused before parsing: no handout needs it, a hostile one might.
MAX_FILE_BYTES = 256 * 1024
#: Lists and mappings inside each other: a handout uses 5 levels (sections, body, list, text).
MAX_DEPTH = 20
LIBRARY_FILE = "library.yaml"
T = TypeVar("T")
SECTIONS_DIR = "sections"
#: What a boxed section is for: `box: safety` draws the section in a thick frame, first on page 1.
BOXES = ("safety",)
#: The clinical review record's states: a draft until a named clinician has checked the handout.
REVIEW_STATUSES = ("draft", "reviewed")
#: A clinical review older than this is due again (GUIDELINES.md: review at least every 3 years).
REVIEW_VALID_YEARS = 3
#: Block kinds a section body holds, by the key that introduces them (a plain string is a paragraph).
BLOCK_KEYS = ("text", "list", "steps", "table", "lines")
#: A large-print page holds no more than this many table columns, or blank lines to write on.
MAX_TABLE_COLUMNS = 5
MAX_TABLE_ROWS = 20
MAX_LINES = 15
SLOT_NAME = re.compile(r"[a-z][a-z0-9-]*")
#: A source's year: the year of the version the writer read, or "n.d." when it carries none.
NO_DATE = "n.d."
URL = re.compile(r"https://[^\s<>\"'\\]+")


@dataclass(frozen=True)
class Text:
    """One translatable string: English is the msgid; `line` is where it stands in `path`."""

    msgid: str
    path: str
    line: int
    note: str | None = None


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class BulletList:
    """Bullet points; a shared section may name the list (`slot`) so handouts add their own items."""

    items: tuple[Text, ...]
    slot: str | None = None


@dataclass(frozen=True)
class Steps:
    """Numbered steps: an action broken into the order a reader does it in (PEMAT item 22)."""

    items: tuple[Text, ...]
    slot: str | None = None


@dataclass(frozen=True)
class Table:
    """A simple table (a diary, a scale): a header row and rows of cells; None is an empty cell
    for the reader to write in."""

    header: tuple[Text, ...]
    rows: tuple[tuple[Text | None, ...], ...]


@dataclass(frozen=True)
class Lines:
    """Blank ruled lines to write on (questions, notes): drawn in print, absent from screens."""

    count: int


Block = Paragraph | BulletList | Steps | Table | Lines


def block_texts(block: Block) -> list[Text]:
    """The translatable strings of one block, in reading order (a table row by row)."""
    if isinstance(block, Paragraph):
        return [block.text]
    if isinstance(block, BulletList | Steps):
        return list(block.items)
    if isinstance(block, Table):
        return [*block.header, *(cell for row in block.rows for cell in row if cell is not None)]
    return []


@dataclass(frozen=True)
class Section:
    heading: Text
    blocks: tuple[Block, ...]
    shared_id: str | None = None
    #: What the section's frame says, when it is boxed (`safety`): see BOXES.
    box: str | None = None
    #: Where the section stands in the handout that prints it (its `include:` line, if shared).
    line: int = 0

    @property
    def slots(self) -> dict[str, BulletList | Steps]:
        """The section's named lists, which a handout that includes it can add items to."""
        return {b.slot: b for b in self.blocks if isinstance(b, BulletList | Steps) and b.slot}


@dataclass(frozen=True)
class Source:
    """A source a handout draws on, cited as its publisher titles it (printed in English)."""

    id: str
    title: str
    publisher: str
    year: str
    url: str | None = None

    @property
    def reference(self) -> str:
        """`Title. Publisher, year`, as a list of sources joins them (the title's own question or
        exclamation mark is kept)."""
        title = self.title if self.title[-1] in ".?!" else self.title + "."
        return f"{title} {self.publisher}, {self.year}"

    @property
    def citation(self) -> str:
        """`Title. Publisher, year.` (`n.d.` ends with its own full stop)."""
        return end_sentence(self.reference)


def end_sentence(text: str) -> str:
    """`text` with a full stop at the end, unless it already has one."""
    return text if text.endswith(".") else text + "."


@dataclass(frozen=True)
class ClinicalReview:
    """Whether a named clinician has checked the handout's facts, as the handout says it about
    itself: `draft` until then; `reviewed` with who, their credentials and when."""

    status: str = "draft"
    reviewer: str = ""
    credentials: str = ""
    date: dt.date | None = None
    #: Where the record stands: its date when reviewed (what an old review's warning points at).
    line: int = 0

    @property
    def reviewed(self) -> bool:
        return self.status == "reviewed"


@dataclass(frozen=True)
class Handout:
    id: str
    kind: Literal["type", "coping", "overview"]
    title: Text
    summary: Text
    written: dt.date
    review: ClinicalReview
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    path: str

    def texts(self) -> list[Text]:
        """Every translatable string of the handout, in reading order."""
        out = [self.title, self.summary]
        for section in self.sections:
            out += _section_texts(section)
        return out


@dataclass(frozen=True)
class Library:
    """What every handout of a collection shares: its producer and the sources it may cite."""

    producer: str
    sources: dict[str, Source]


@dataclass(frozen=True)
class Collection:
    library: Library
    handouts: tuple[Handout, ...]
    sections: dict[str, Section] = field(default_factory=dict)

    def handout(self, handout_id: str) -> Handout:
        for handout in self.handouts:
            if handout.id == handout_id:
                return handout
        known = ", ".join(h.id for h in self.handouts)
        raise KeyError(f"no handout {handout_id!r}; known: {known}")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.path}:{self.line}:{where} {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so an author fixes them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class YamlReader:
    """Turns YAML nodes into content objects, collecting problems instead of raising."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, where, message))

    def mapping(
        self,
        node: yaml.Node,
        where: str,
        required: set[str],
        optional: set[str] = frozenset(),
        retired: dict[str, str] | None = None,
    ) -> dict[str, yaml.Node] | None:
        """The keys of a mapping, each problem reported; `retired` keys (an older schema's) are
        reported with what replaced them."""
        retired = retired or {}
        if not isinstance(node, yaml.MappingNode):
            keys = ", ".join(sorted(required) or sorted(optional))
            self.problem(node, where, f"expected a mapping with the keys {keys}")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            label = f"{where}.{key}" if where else str(key)
            if key in out:
                self.problem(key_node, label, "duplicate key: each key may appear once")
            elif key in retired:
                self.problem(key_node, label, retired[key])
            elif key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.problem(key_node, label, f"unknown key {key!r} (allowed: {allowed})")
            out[key] = value_node
        for key in sorted(required - out.keys()):
            self.problem(node, where, f"missing key {key!r}")
        return out

    def string(self, node: yaml.Node, where: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            self.problem(node, where, "expected text")
            return None
        if not node.value.strip():
            self.problem(node, where, "text is empty")
            return None
        return node.value

    def plain(self, node: yaml.Node, where: str) -> str | None:
        """Text printed as it is, never translated (a name, a title): whitespace collapsed, and
        no control or bidi-override character, which could reorder what prints around it."""
        value = self.string(node, where)
        if value is None:
            return None
        if CONTROL.search(value):
            self.problem(node, where, "control or bidi-override character in text: remove it")
            return None
        return " ".join(value.split())

    def text(self, node: yaml.Node, where: str) -> Text | None:
        """A translatable string: plain text, or `{text: ..., note: ...}` with a translator note."""
        note = None
        value_node = node
        if isinstance(node, yaml.MappingNode):
            fields = self.mapping(node, where, {"text"}, {"note"})
            if fields is None or "text" not in fields:
                return None
            value_node = fields["text"]
            if "note" in fields:
                note = self.string(fields["note"], f"{where}.note")
        value = self.string(value_node, where)
        if value is None:
            return None
        value = " ".join(value.split())
        self.check_marks(value_node, where, value)
        return Text(value, self.path, value_node.start_mark.line + 1, note)

    def check_marks(self, node: yaml.Node, where: str, value: str) -> None:
        if CONTROL.search(value):
            self.problem(node, where, "control or bidi-override character in text: remove it")
        if value.count("**") % 2:
            self.problem(node, where, "unbalanced ** bold mark: close every ** that you open")
        for name in PLACEHOLDER.findall(value):
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
                self.problem(node, where, f"unknown placeholder {{{name}}} (known: {known})")

    def date(self, node: yaml.Node, where: str) -> dt.date | None:
        """A date as YYYY-MM-DD (YAML reads an unquoted one as a date; quoted is fine too)."""
        if isinstance(node, yaml.ScalarNode):
            try:
                return dt.date.fromisoformat(node.value)
            except ValueError:
                pass
        self.problem(node, where, "expected a date as YYYY-MM-DD")
        return None

    def blocks(self, node: yaml.Node, where: str, slots: bool = False) -> tuple[Block, ...]:
        """A section body: paragraphs, lists, steps, tables and lines to write on. `slots` says
        whether lists may be named for handouts to add to (only in a shared section)."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, where, "expected a list of paragraphs, lists, steps and tables")
            return ()
        out: list[Block] = []
        named: set[str] = set()
        for i, item in enumerate(node.value):
            label = f"{where}[{i}]"
            kind = _block_kind(item)
            if kind in (None, "text"):
                text = self.text(item, label)
                if text:
                    out.append(Paragraph(text))
            elif kind in ("list", "steps"):
                block = self.item_list(item, label, kind, slots, named)
                if block is not None:
                    out.append(block)
            elif kind == "table":
                table = self.table(item, label)
                if table:
                    out.append(table)
            elif kind == "lines":
                lines = self.lines(item, label)
                if lines:
                    out.append(lines)
            else:
                allowed = ", ".join(BLOCK_KEYS)
                self.problem(item, label, f"expected text or a mapping with one of {allowed}")
        return tuple(out)

    def item_list(
        self, node: yaml.Node, where: str, kind: str, slots: bool, named: set[str]
    ) -> BulletList | Steps | None:
        """`list: [...]` (bullets) or `steps: [...]` (numbered), with an optional `slot:` name, one
        not in `named` (the section's slots so far), which it joins."""
        fields = self.mapping(node, where, {kind}, {"slot"})
        if fields is None or kind not in fields:
            return None
        slot = None
        if "slot" in fields:
            slot = self.string(fields["slot"], f"{where}.slot")
            if not slots:
                message = "only a list of a shared section (handouts/sections/) can be a slot"
                self.problem(fields["slot"], f"{where}.slot", message)
            elif slot is not None and not SLOT_NAME.fullmatch(slot):
                message = "a slot name is lower-case letters, digits and hyphens, like urgent"
                self.problem(fields["slot"], f"{where}.slot", message)
            elif slot in named:
                self.problem(fields["slot"], f"{where}.slot", f"two lists are named {slot!r}")
            elif slot is not None:
                named.add(slot)
        items = self.texts(fields[kind], f"{where}.{kind}")
        if items is None:
            return None
        return BulletList(items, slot) if kind == "list" else Steps(items, slot)

    def texts(self, node: yaml.Node, where: str) -> tuple[Text, ...] | None:
        """A non-empty list of translatable strings (bullets, steps, items added to a slot)."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, where, "expected a list of items")
            return None
        found = [self.text(x, f"{where}[{j}]") for j, x in enumerate(node.value)]
        return tuple(t for t in found if t)

    def table(self, node: yaml.Node, where: str) -> Table | None:
        """`table: {header: [...], rows: [[...], ...]}`; an empty string is a cell to write in."""
        fields = self.mapping(node, where, {"table"})
        if not fields or "table" not in fields:
            return None
        where = f"{where}.table"
        parts = self.mapping(fields["table"], where, {"header", "rows"})
        if parts is None or not {"header", "rows"} <= parts.keys():
            return None
        header = self.texts(parts["header"], f"{where}.header")
        if header is None:
            return None
        if len(header) > MAX_TABLE_COLUMNS:
            message = f"{len(header)} columns: at most {MAX_TABLE_COLUMNS} fit a large-print page"
            self.problem(parts["header"], f"{where}.header", message)
        rows_node = parts["rows"]
        if not isinstance(rows_node, yaml.SequenceNode) or not rows_node.value:
            self.problem(rows_node, f"{where}.rows", "expected a list of rows, each a list of cells")
            return None
        if len(rows_node.value) > MAX_TABLE_ROWS:
            message = f"{len(rows_node.value)} rows: a handout table has at most {MAX_TABLE_ROWS}"
            self.problem(rows_node, f"{where}.rows", message)
        rows = []
        for r, row_node in enumerate(rows_node.value):
            label = f"{where}.rows[{r}]"
            if not isinstance(row_node, yaml.SequenceNode):
                self.problem(row_node, label, "expected a list of cells")
                continue
            if len(row_node.value) != len(header):
                message = f"{len(row_node.value)} cells in a table of {len(header)} columns"
                self.problem(row_node, label, f'{message}: write "" for an empty cell')
            cells = []
            for c, cell in enumerate(row_node.value):
                empty = (
                    isinstance(cell, yaml.ScalarNode) and cell.tag.endswith(":str") and not cell.value
                )
                cells.append(None if empty else self.text(cell, f"{label}[{c}]"))
            rows.append(tuple(cells))
        return Table(header, tuple(rows))

    def lines(self, node: yaml.Node, where: str) -> Lines | None:
        """`lines: N`: N blank ruled lines to write on."""
        fields = self.mapping(node, where, {"lines"})
        if not fields or "lines" not in fields:
            return None
        value = fields["lines"]
        if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":int"):
            count = int(value.value)
            if 1 <= count <= MAX_LINES:
                return Lines(count)
        self.problem(value, f"{where}.lines", f"expected a number of lines from 1 to {MAX_LINES}")
        return None

    def section(self, node: yaml.Node, where: str, shared_id: str | None = None) -> Section | None:
        fields = self.mapping(node, where, {"heading", "body"}, {"box"})
        if fields is None or not {"heading", "body"} <= fields.keys():
            return None
        prefix = f"{where}." if where else ""
        box = None
        if "box" in fields:
            box = self.string(fields["box"], f"{prefix}box")
            if box is not None and box not in BOXES:
                self.problem(
                    fields["box"], f"{prefix}box", f"unknown box {box!r} (known: {', '.join(BOXES)})"
                )
        heading = self.text(fields["heading"], f"{prefix}heading")
        blocks = self.blocks(fields["body"], f"{prefix}body", slots=shared_id is not None)
        line = node.start_mark.line + 1
        return Section(heading, blocks, shared_id, box, line) if heading else None


def _block_kind(node: yaml.Node) -> str | None:
    """The key that says what a body item is (`list`, `steps`, `table`, `lines`, `text`), if any."""
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        for kind in BLOCK_KEYS:
            if kind in keys:
                return kind
        return "unknown"
    return None


TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: a handout needs far fewer"
#: libyaml's parser when PyYAML was built with it (ten times faster), else the pure-Python one.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, display: str, reader: YamlReader) -> yaml.Node | None:
    """Read one YAML file into a node tree, refusing what no handout needs (huge or non-UTF-8 files)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = f"{MAX_FILE_BYTES // 1024} KB"
            message = f"file is {size // 1024} KB, over the {limit} limit: a handout is a few KB"
            reader.problem(None, "", message)
            return None
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"byte {data[exc.start]:#04x} is not UTF-8: save the file as UTF-8"
        reader.problems.append(Problem(reader.path, line, "", message))
        return None
    except OSError as exc:
        reader.problem(None, "", f"cannot read the file: {exc.strerror}")
        return None
    return _compose_text(text, reader)


def _compose_text(text: str, reader: YamlReader) -> yaml.Node | None:
    """Parse YAML text into nodes. Aliases are refused (they serve no handout, and can explode), and
    so is nesting deeper than any handout needs: PyYAML builds nodes recursively and would crash."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=LOADER):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                message = "YAML aliases (*name) are not allowed: write it out"
                reader.problems.append(Problem(reader.path, line, "", message))
                return None
            depth += isinstance(event, yaml.CollectionStartEvent)
            depth -= isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:
                reader.problems.append(Problem(reader.path, line, "", TOO_DEEP))
                return None
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in reason:  # libyaml's own limit, met before ours while scanning
            reader.problems.append(Problem(reader.path, line, "", TOO_DEEP))
            return None
        context = exc.context_mark
        if context is not None and exc.context and context.line + 1 != line:
            # "got <stream end>" points past the file: say where the unclosed part began.
            reason += f" ({exc.context} on line {context.line + 1})"
        reader.problems.append(Problem(reader.path, line, "", f"YAML syntax error: {reason}"))
        return None
    except yaml.YAMLError as exc:
        reader.problems.append(Problem(reader.path, 1, "", f"YAML error: {exc}"))
        return None
    if node is None:
        reader.problem(None, "", "file is empty")
    return node


def translatable_texts(text: str, display: str) -> list[Text]:
    """Every translatable string in one content file, in file order, for the catalog extractor.

    Works on handout files and shared section files alike; a file with neither (the library) has
    none. Shared sections are not expanded here: their strings belong to their own file, and the
    items a handout adds to a shared section's lists (`add:`) to the handout's.
    """
    reader = YamlReader(display)
    node = _compose_text(text, reader)
    found: list[Text] = []
    if isinstance(node, yaml.MappingNode):
        fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if "heading" in fields:
            section = reader.section(node, "", shared_id=Path(display).stem)
            found = _section_texts(section) if section else []
        elif "sections" in fields:
            for key in ("title", "summary"):
                if key in fields:
                    t = reader.text(fields[key], key)
                    found += [t] if t else []
            sec_node = fields["sections"]
            if isinstance(sec_node, yaml.SequenceNode):
                for i, item in enumerate(sec_node.value):
                    where = f"sections[{i}]"
                    if _include_node(item) is None:
                        section = reader.section(item, where)
                        found += _section_texts(section) if section else []
                    else:
                        additions = _additions(reader, item, where).values()
                        found += [t for addition in additions for t in addition.items]
    if reader.problems:
        raise ContentError(reader.problems)
    return found


def _section_texts(section: Section) -> list[Text]:
    out = [section.heading]
    for block in section.blocks:
        out.extend(block_texts(block))
    return out


def display_path(path: Path, root: Path) -> str:
    """A path as the author knows it: relative to the project folder (`handouts/x.yaml`)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_section_file(path: Path, root: Path) -> tuple[Section | None, list[Problem]]:
    """Read one shared section file (`handouts/sections/<id>.yaml`)."""
    reader = YamlReader(display_path(path, root))
    node = read_yaml(path, reader.path, reader)
    if node is None:
        return None, reader.problems
    include = _include_node(node)
    if include is not None:
        # Only a handout includes sections: nothing can include itself or go round in a circle.
        message = "a shared section cannot include another: copy that text here, or include both"
        reader.problem(include, "include", f"{message} from the handout")
        return None, reader.problems
    return reader.section(node, "", shared_id=path.stem), reader.problems


def _include_node(node: yaml.Node) -> yaml.Node | None:
    """The `include:` key of a mapping, if it has one."""
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "include":
                return key
    return None


def read_library(path: Path, root: Path) -> tuple[Library | None, list[Problem]]:
    reader = YamlReader(display_path(path, root))
    node = read_yaml(path, reader.path, reader)
    if node is None:
        return None, reader.problems
    fields = reader.mapping(node, "", {"producer", "sources"})
    if fields is None or len(fields) < 2:
        return None, reader.problems
    producer = reader.string(fields["producer"], "producer")
    sources: dict[str, Source] = {}
    src_node = fields["sources"]
    if not isinstance(src_node, yaml.MappingNode):
        reader.problem(src_node, "sources", "expected a mapping of source ids to sources")
    else:
        for key_node, value_node in src_node.value:
            key = key_node.value
            if key in sources:
                reader.problem(key_node, f"sources.{key}", "duplicate source id")
                continue
            source = _source(reader, key, value_node)
            if source:
                sources[key] = source
    if producer is None:
        return None, reader.problems
    return Library(producer, sources), reader.problems


def _source(reader: YamlReader, key: str, node: yaml.Node) -> Source | None:
    """One library entry: title, publisher, year (or n.d.) and an optional https address."""
    where = f"sources.{key}"
    if isinstance(node, yaml.MappingNode) and any(k.value == "citation" for k, _ in node.value):
        message = "a source is now title, publisher, year and url, not one citation: split it"
        reader.problem(node, where, message)
        return None
    entry = reader.mapping(node, where, {"title", "publisher", "year"}, {"url"})
    if entry is None or not {"title", "publisher", "year"} <= entry.keys():
        return None
    title = reader.plain(entry["title"], f"{where}.title")
    publisher = reader.plain(entry["publisher"], f"{where}.publisher")
    year_node = entry["year"]
    year = year_node.value if isinstance(year_node, yaml.ScalarNode) else ""
    if not (re.fullmatch(r"(19|20)\d\d", year) or year == NO_DATE):
        reader.problem(year_node, f"{where}.year", f"expected a year like 2024, or {NO_DATE}")
        year = ""
    url = None
    if "url" in entry:
        url = reader.string(entry["url"], f"{where}.url")
        if url is not None and not URL.fullmatch(url):
            reader.problem(entry["url"], f"{where}.url", "expected an address starting https://")
            url = None
    if not (title and publisher and year):
        return None
    return Source(key, title, publisher, year, url)


HANDOUT_KEYS = {"kind", "title", "summary", "written", "review", "sources", "sections"}
RETIRED_KEYS = {
    "reviewed": "`reviewed:` is now `written:` (when the English was written) and a `review:` "
    "record (status: draft until a clinician checks it; see REVIEWING.md)",
}


def read_handout_file(
    path: Path, root: Path, library: Library, sections: dict[str, Section]
) -> tuple[Handout | None, list[Problem]]:
    """Read one handout, resolving its shared sections and sources."""
    reader = YamlReader(display_path(path, root))
    node = read_yaml(path, reader.path, reader)
    if node is None:
        return None, reader.problems
    fields = reader.mapping(node, "", HANDOUT_KEYS, retired=RETIRED_KEYS)
    if fields is None:
        return None, reader.problems

    def read(key: str, parse: Callable[[yaml.Node, str], T]) -> T | None:
        """A field, when the handout has it: a missing one is reported already, and every other
        field is still read, so one pass shows every problem."""
        return parse(fields[key], key) if key in fields else None

    kind = read("kind", reader.string)
    if kind is not None and kind not in KINDS:
        reader.problem(fields["kind"], "kind", f"unknown kind {kind!r} (allowed: {', '.join(KINDS)})")
    title = read("title", reader.text)
    summary = read("summary", reader.text)
    written = read("written", reader.date)
    review = read("review", lambda node, _: _review(reader, node, written))
    cited = read("sources", lambda node, _: _sources(reader, node, library)) or ()
    body: list[Section] = []
    sec_node = fields.get("sections")
    if isinstance(sec_node, yaml.SequenceNode) and sec_node.value:
        for i, item in enumerate(sec_node.value):
            section = _section_or_include(reader, item, f"sections[{i}]", sections)
            if section:
                body.append(section)
    elif sec_node is not None:
        reader.problem(sec_node, "sections", "expected a list of sections")
    _check_boxes(reader, body)
    if reader.problems or None in (kind, title, summary, written, review):
        return None, reader.problems
    handout = Handout(path.stem, kind, title, summary, written, review, tuple(body), cited, reader.path)
    return handout, reader.problems


def _review(reader: YamlReader, node: yaml.Node, written: dt.date | None) -> ClinicalReview | None:
    """The clinical review record: `status: draft`, or `reviewed` with reviewer, credentials, date.

    A draft names no reviewer, and a review dated before the English was last written does not
    cover what prints: both would make the handout claim a check that no clinician made."""
    fields = reader.mapping(node, "review", {"status"}, {"reviewer", "credentials", "date"})
    if fields is None or "status" not in fields:
        return None
    status = reader.string(fields["status"], "review.status")
    line = node.start_mark.line + 1
    if status not in REVIEW_STATUSES:
        if status is not None:
            allowed = " or ".join(REVIEW_STATUSES)
            reader.problem(fields["status"], "review.status", f"unknown status {status!r}: {allowed}")
        return None
    if status == "draft":
        for key in ("reviewer", "credentials", "date"):
            if key in fields:
                message = f"a draft has no {key}: set status: reviewed, or remove {key}"
                reader.problem(fields[key], f"review.{key}", message)
        return ClinicalReview(line=line)
    missing = [k for k in ("reviewer", "credentials", "date") if k not in fields]
    if missing:
        message = f"a reviewed handout names its {', '.join(missing)} (see REVIEWING.md)"
        reader.problem(fields["status"], "review", message)
        return None
    reviewer = reader.plain(fields["reviewer"], "review.reviewer")
    credentials = reader.plain(fields["credentials"], "review.credentials")
    date = reader.date(fields["date"], "review.date")
    if date is not None and written is not None and date < written:
        message = (
            f"the review ({date}) is older than the text (written: {written}): it does not cover "
            "what prints; set status: draft until a clinician checks the text again"
        )
        reader.problem(fields["date"], "review.date", message)
        return None
    if not (reviewer and credentials and date):
        return None
    return ClinicalReview("reviewed", reviewer, credentials, date, fields["date"].start_mark.line + 1)


def _check_boxes(reader: YamlReader, sections: list[Section]) -> None:
    """A boxed section (the safety box) comes first, right after the summary, and only once."""
    boxed = [(i, s) for i, s in enumerate(sections) if s.box]
    for number, (i, section) in enumerate(boxed):
        where = f"sections[{i}]"
        if number:
            message = f"a second {section.box} box: a handout has one, first"
            reader.problems.append(Problem(reader.path, section.line, where, message))
        elif i:
            message = f"the {section.box} box must be the first section, right after the summary"
            reader.problems.append(Problem(reader.path, section.line, where, message))


def _sources(reader: YamlReader, node: yaml.Node, library: Library) -> tuple[Source, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.problem(node, "sources", "expected a list of source ids from library.yaml")
        return ()
    out = []
    for i, item in enumerate(node.value):
        key = reader.string(item, f"sources[{i}]")
        if key is None:
            continue
        if key not in library.sources:
            known = ", ".join(sorted(library.sources))
            reader.problem(item, f"sources[{i}]", f"unknown source {key!r} (known: {known})")
        else:
            out.append(library.sources[key])
    return tuple(out)


@dataclass(frozen=True)
class _Addition:
    """Items a handout adds to one named list of a shared section, and where it names the list."""

    key: yaml.Node
    items: tuple[Text, ...]


def _additions(reader: YamlReader, node: yaml.Node, where: str) -> dict[str, _Addition]:
    """The items an `include:` adds to the shared section's named lists: `add: {slot: [...]}`."""
    fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if "add" not in fields:
        return {}
    add_node = fields["add"]
    if not isinstance(add_node, yaml.MappingNode) or not add_node.value:
        reader.problem(add_node, f"{where}.add", "expected slot names, each with a list of items")
        return {}
    out: dict[str, _Addition] = {}
    for slot_node, items_node in add_node.value:
        slot = slot_node.value if isinstance(slot_node, yaml.ScalarNode) else ""
        if slot in out:
            reader.problem(slot_node, f"{where}.add.{slot}", "duplicate slot: each may appear once")
            continue
        items = reader.texts(items_node, f"{where}.add.{slot}")
        out[slot] = _Addition(slot_node, items or ())
    return out


def _section_or_include(
    reader: YamlReader, node: yaml.Node, where: str, sections: dict[str, Section]
) -> Section | None:
    if _include_node(node) is None:
        return reader.section(node, where)
    fields = reader.mapping(node, where, {"include"}, {"add"})
    if not fields or "include" not in fields:
        return None
    name = reader.string(fields["include"], f"{where}.include")
    additions = _additions(reader, node, where)
    if name is None:
        return None
    if name not in sections:
        known = ", ".join(sorted(sections)) or "none"
        reader.problem(
            fields["include"],
            f"{where}.include",
            f"no shared section {name!r} in handouts/{SECTIONS_DIR}/ (known: {known})",
        )
        return None
    shared = sections[name]
    slots = shared.slots
    for slot, addition in additions.items():
        if slot not in slots:
            known = ", ".join(sorted(slots)) or "none"
            message = f"no list named {slot!r} in handouts/{SECTIONS_DIR}/{name}.yaml (slots: {known})"
            reader.problem(addition.key, f"{where}.add.{slot}", message)
    blocks = tuple(
        replace(b, items=b.items + additions[b.slot].items)
        if isinstance(b, BulletList | Steps) and b.slot in additions
        else b
        for b in shared.blocks
    )
    return replace(shared, blocks=blocks, line=node.start_mark.line + 1)


def review_age_problems(collection: Collection, today: dt.date) -> list[Problem]:
    """A handout whose clinical review is more than REVIEW_VALID_YEARS old: due to be checked again.

    Reported by `check` as a warning (an old review is still a review); `today` is passed in so the
    answer depends on the record, not on the day a test runs."""
    found = []
    for handout in collection.handouts:
        review = handout.review
        if review.date is None:
            continue
        try:
            due = review.date.replace(year=review.date.year + REVIEW_VALID_YEARS)
        except ValueError:  # 29 February
            due = review.date.replace(year=review.date.year + REVIEW_VALID_YEARS, day=28)
        if today > due:
            message = (
                f"checked on {review.date}, more than {REVIEW_VALID_YEARS} years ago: ask a "
                "clinician to check it again (REVIEWING.md)"
            )
            found.append(Problem(handout.path, review.line, "review.date", message))
    return found


def load_collection(content_dir: Path, root: Path | None = None) -> Collection:
    """Load every handout under `content_dir`, or raise ContentError listing every problem."""
    root = root or content_dir.parent
    problems: list[Problem] = []
    library_path = content_dir / LIBRARY_FILE
    if not library_path.is_file():
        display = display_path(library_path, root)
        raise ContentError([Problem(display, 1, "", "missing: every collection needs a library file")])
    library, found = read_library(library_path, root)
    problems += found
    sections: dict[str, Section] = {}
    for path in sorted((content_dir / SECTIONS_DIR).glob("*.yaml")):
        section, found = read_section_file(path, root)
        problems += found
        if section:
            sections[path.stem] = section
    handouts: list[Handout] = []
    if library is not None:
        for path in sorted(content_dir.glob("*.yaml")):
            if path.name == LIBRARY_FILE:
                continue
            if path.stem in sections:
                display = display_path(path, root)
                problems.append(
                    Problem(display, 1, "", f"id {path.stem!r} is also a shared section: rename one")
                )
            handout, found = read_handout_file(path, root, library, sections)
            problems += found
            if handout:
                handouts.append(handout)
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.path, p.line)))
    if not handouts:
        raise ContentError([Problem(display_path(content_dir, root), 1, "", "no handouts found")])
    return Collection(library, tuple(handouts), sections)
