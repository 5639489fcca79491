"""Load and validate handout content: `handouts/*.yaml`, shared sections and the library file.

Content is written by people, so every problem is reported at once, each with the file and line where it
is (`handouts/x.yaml:12: sections[2].body: expected a list`), instead of failing on the first one.
The YAML is read at the node level so that every string keeps the line it came from: the extractor
puts that line into the catalog, and validation errors point at it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

KINDS = ("type", "coping", "overview")
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
#: Placeholders a handout may use; the values come from the clinic profile at render time.
PLACEHOLDERS = frozenset({"clinic_name", "clinic_phone", "clinic_website", "clinic_address"})
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: A content file bigger than this is refused before parsing: no handout needs it, a hostile one might.
MAX_FILE_BYTES = 256 * 1024
#: Lists and mappings inside each other: a handout uses 5 levels (sections, body, list, text).
MAX_DEPTH = 20
LIBRARY_FILE = "library.yaml"
SECTIONS_DIR = "sections"


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
    items: tuple[Text, ...]


Block = Paragraph | BulletList


@dataclass(frozen=True)
class Section:
    heading: Text
    blocks: tuple[Block, ...]
    shared_id: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    citation: str


@dataclass(frozen=True)
class Handout:
    id: str
    kind: Literal["type", "coping", "overview"]
    title: Text
    summary: Text
    reviewed: dt.date
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
        self, node: yaml.Node, where: str, required: set[str], optional: set[str] = frozenset()
    ) -> dict[str, yaml.Node] | None:
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

    def blocks(self, node: yaml.Node, where: str) -> tuple[Block, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, where, "expected a list of paragraphs and bullet lists")
            return ()
        out: list[Block] = []
        for i, item in enumerate(node.value):
            label = f"{where}[{i}]"
            if isinstance(item, yaml.MappingNode) and any(
                k.value == "list" for k, _ in item.value if isinstance(k, yaml.ScalarNode)
            ):
                fields = self.mapping(item, label, {"list"})
                if fields is None:
                    continue
                items_node = fields["list"]
                if not isinstance(items_node, yaml.SequenceNode) or not items_node.value:
                    self.problem(items_node, f"{label}.list", "expected a list of bullet points")
                    continue
                items = [self.text(x, f"{label}.list[{j}]") for j, x in enumerate(items_node.value)]
                out.append(BulletList(tuple(t for t in items if t)))
            else:
                text = self.text(item, label)
                if text:
                    out.append(Paragraph(text))
        return tuple(out)

    def section(self, node: yaml.Node, where: str, shared_id: str | None = None) -> Section | None:
        fields = self.mapping(node, where, {"heading", "body"})
        if fields is None or not {"heading", "body"} <= fields.keys():
            return None
        heading = self.text(fields["heading"], f"{where}.heading")
        blocks = self.blocks(fields["body"], f"{where}.body")
        return Section(heading, blocks, shared_id) if heading else None


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
    none. Shared sections are not expanded here: their strings belong to their own file.
    """
    reader = YamlReader(display)
    node = _compose_text(text, reader)
    found: list[Text] = []
    if isinstance(node, yaml.MappingNode):
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        fields = dict((k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode))
        if "heading" in keys:
            section = reader.section(node, "")
            found = _section_texts(section) if section else []
        elif "sections" in keys:
            for key in ("title", "summary"):
                if key in fields:
                    t = reader.text(fields[key], key)
                    found += [t] if t else []
            sec_node = fields["sections"]
            if isinstance(sec_node, yaml.SequenceNode):
                for i, item in enumerate(sec_node.value):
                    if _include_node(item) is None:
                        section = reader.section(item, f"sections[{i}]")
                        found += _section_texts(section) if section else []
    if reader.problems:
        raise ContentError(reader.problems)
    return found


def _section_texts(section: Section) -> list[Text]:
    out = [section.heading]
    for block in section.blocks:
        out.extend(block.items if isinstance(block, BulletList) else (block.text,))
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
        reader.problem(src_node, "sources", "expected a mapping of source ids to citations")
    else:
        for key_node, value_node in src_node.value:
            key = key_node.value
            entry = reader.mapping(value_node, f"sources.{key}", {"citation"})
            if key in sources:
                reader.problem(key_node, f"sources.{key}", "duplicate source id")
            elif entry and "citation" in entry:
                citation = reader.string(entry["citation"], f"sources.{key}.citation")
                if citation:
                    sources[key] = Source(key, " ".join(citation.split()))
    if producer is None:
        return None, reader.problems
    return Library(producer, sources), reader.problems


def read_handout_file(
    path: Path, root: Path, library: Library, sections: dict[str, Section]
) -> tuple[Handout | None, list[Problem]]:
    """Read one handout, resolving its shared sections and sources."""
    reader = YamlReader(display_path(path, root))
    node = read_yaml(path, reader.path, reader)
    if node is None:
        return None, reader.problems
    required = {"kind", "title", "summary", "reviewed", "sources", "sections"}
    fields = reader.mapping(node, "", required)
    if fields is None or not required <= fields.keys():
        return None, reader.problems
    kind = reader.string(fields["kind"], "kind")
    if kind is not None and kind not in KINDS:
        reader.problem(fields["kind"], "kind", f"unknown kind {kind!r} (allowed: {', '.join(KINDS)})")
    title = reader.text(fields["title"], "title")
    summary = reader.text(fields["summary"], "summary")
    reviewed = _date(reader, fields["reviewed"])
    cited = _sources(reader, fields["sources"], library)
    body: list[Section] = []
    sec_node = fields["sections"]
    if not isinstance(sec_node, yaml.SequenceNode) or not sec_node.value:
        reader.problem(sec_node, "sections", "expected a list of sections")
    else:
        for i, item in enumerate(sec_node.value):
            section = _section_or_include(reader, item, f"sections[{i}]", sections)
            if section:
                body.append(section)
    if reader.problems or None in (kind, title, summary, reviewed):
        return None, reader.problems
    handout = Handout(path.stem, kind, title, summary, reviewed, tuple(body), cited, reader.path)
    return handout, reader.problems


def _date(reader: YamlReader, node: yaml.Node) -> dt.date | None:
    if isinstance(node, yaml.ScalarNode):
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            pass
    reader.problem(node, "reviewed", "expected a date as YYYY-MM-DD")
    return None


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


def _section_or_include(
    reader: YamlReader, node: yaml.Node, where: str, sections: dict[str, Section]
) -> Section | None:
    if _include_node(node) is not None:
        fields = reader.mapping(node, where, {"include"})
        if not fields:
            return None
        name = reader.string(fields["include"], f"{where}.include")
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
        return sections[name]
    return reader.section(node, where)


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
