"""How clear and how actionable each handout is, scored item by item: `handouts/scores/<id>.yaml`.

Two published instruments, each item scored 1 (yes, agree), 0 (no, disagree) or NA (does not apply)
with a one-line reason, so a reviewer can check every point against the handout (REVIEWING.md):

- the CDC Clear Communication Index (20 items; items 1-11 apply to every material, 12-20 may not);
  its score is the points over the items that apply, times 100; 90 or more passes;
- PEMAT-P, the print form of AHRQ's Patient Education Materials Assessment Tool: understandability
  (items 1-19 without 13 and 14, which are for audiovisual material) and actionability (20-26), each
  the share of applicable items agreed with; the guide allows NA only where an item says so.

Score files sit next to the content but are not content: the content loader reads only
`handouts/*.yaml` and `handouts/sections/`, and the catalog mapping ignores `handouts/scores/`. They
are read like content: every problem with its file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from handoutpress.content import ContentError, YamlReader, display_path, read_yaml

SCORES_DIR = "scores"
NA = "NA"
#: A reason is one line: what in the handout meets the item, or why it does not.
MAX_REASON = 300


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    #: Whether NA is an answer the instrument allows for this item.
    may_not_apply: bool = False


def _items(*items: tuple[int, str, bool]) -> dict[int, Item]:
    return {n: Item(n, text, na) for n, text, na in items}


#: The CDC Clear Communication Index, in short (CDC, 2014; the score sheet words each as a question).
CDC_ITEMS = _items(
    (1, "one main message statement", False),
    (2, "the main message at the top, beginning or front", False),
    (3, "the main message emphasised with visual cues", False),
    (4, "at least one visual that conveys or supports the main message", False),
    (5, "one or more calls to action for the primary audience", False),
    (6, "the main message and the call to action in the active voice", False),
    (7, "always words the primary audience uses", False),
    (8, "bulleted or numbered lists", False),
    (9, "organised in chunks with headings", False),
    (10, "the most important information summarised in the first paragraph or section", False),
    (11, "what authoritative sources know and do not know about the topic", False),
    (12, "one or more behavioural recommendations", True),
    (13, "why the behavioural recommendation is important to the audience", True),
    (14, "specific directions for how to perform the behaviour", True),
    (15, "always numbers the primary audience uses", True),
    (16, "always explains what the numbers mean", True),
    (17, "the audience does not have to do calculations", True),
    (18, "explains the nature of the risk", True),
    (19, "addresses both the risks and the benefits of the recommended behaviours", True),
    (20, "a numeric probability also explained with words or a visual", True),
)

#: PEMAT-P understandability items (13 and 14 are for audiovisual material only).
UNDERSTANDABILITY = _items(
    (1, "makes its purpose completely evident", False),
    (2, "no information or content that distracts from its purpose", False),
    (3, "common, everyday language", False),
    (4, "medical terms only to familiarise the audience with them, and defined", False),
    (5, "the active voice", False),
    (6, "numbers clear and easy to understand (no numbers: NA)", True),
    (7, "does not expect the user to do calculations", False),
    (8, "breaks or chunks information into short sections (very short: NA)", True),
    (9, "sections have informative headers (very short: NA)", True),
    (10, "presents information in a logical sequence", False),
    (11, "provides a summary (very short: NA)", True),
    (12, "visual cues (arrows, boxes, bullets, bold, larger font) draw attention to key points", False),
    (15, "visual aids wherever they could make content more easily understood", False),
    (16, "visual aids reinforce rather than distract (no visual aids: NA)", True),
    (17, "visual aids have clear titles or captions (no visual aids: NA)", True),
    (18, "illustrations and photographs clear and uncluttered (no visual aids: NA)", True),
    (19, "simple tables with short, clear row and column headings (no tables: NA)", True),
)

#: PEMAT-P actionability items.
ACTIONABILITY = _items(
    (20, "clearly identifies at least one action the user can take", False),
    (21, "addresses the user directly when describing actions", False),
    (22, "breaks down any action into manageable, explicit steps", False),
    (23, "a tangible tool (checklist, diary, question list) whenever it could help", False),
    (24, "simple instructions or examples for any calculation (no calculations: NA)", True),
    (25, "explains how to use charts, graphs, tables or diagrams (none: NA)", True),
    (26, "visual aids wherever they could make it easier to act on the instructions", False),
)
PEMAT_ITEMS = UNDERSTANDABILITY | ACTIONABILITY


@dataclass(frozen=True)
class Score:
    item: int
    value: str  # "1", "0" or "NA"
    reason: str
    line: int


@dataclass(frozen=True)
class ScoreSheet:
    """One handout's scores, and who scored it when (the English as it was written then)."""

    handout: str
    path: str
    scored: dt.date
    scorer: str
    audience: str
    cdc: dict[int, Score]
    pemat: dict[int, Score]

    @property
    def cdc_score(self) -> float:
        return percent(self.cdc.values())

    @property
    def understandability(self) -> float:
        return percent(s for n, s in self.pemat.items() if n in UNDERSTANDABILITY)

    @property
    def actionability(self) -> float:
        return percent(s for n, s in self.pemat.items() if n in ACTIONABILITY)


def percent(scores: object) -> float:
    """Points over the items that apply, as a percentage (both instruments count so)."""
    applicable = [s.value for s in scores if s.value != NA]  # type: ignore[attr-defined]
    return 100 * applicable.count("1") / len(applicable) if applicable else 0.0


def score_path(handouts_dir: Path, handout_id: str) -> Path:
    return handouts_dir / SCORES_DIR / f"{handout_id}.yaml"


def load_scores(path: Path, root: Path) -> ScoreSheet:
    """Read one score file, or raise ContentError with every problem, each with file and line."""
    reader = YamlReader(display_path(path, root))
    node = read_yaml(path, reader.path, reader)
    sheet = None
    if node is not None:
        sheet = _sheet(reader, node, path.stem)
    if reader.problems or sheet is None:
        raise ContentError(reader.problems)
    return sheet


def _sheet(reader: YamlReader, node: yaml.Node, handout: str) -> ScoreSheet | None:
    keys = {"scored", "scorer", "audience", "cdc", "pemat"}
    fields = reader.mapping(node, "", keys)
    if fields is None or not fields.keys() >= keys:
        return None
    scored = reader.date(fields["scored"], "scored")
    scorer = reader.plain(fields["scorer"], "scorer")
    audience = reader.plain(fields["audience"], "audience")
    cdc = _scores(reader, fields["cdc"], "cdc", CDC_ITEMS)
    pemat = _scores(reader, fields["pemat"], "pemat", PEMAT_ITEMS)
    if scored is None or not scorer or not audience:
        return None
    return ScoreSheet(handout, reader.path, scored, scorer, audience, cdc, pemat)


def _scores(reader: YamlReader, node: yaml.Node, name: str, items: dict[int, Item]) -> dict[int, Score]:
    """`N: {score: 1 | 0 | NA, reason: ...}` for every item of an instrument, none missing."""
    if not isinstance(node, yaml.MappingNode):
        reader.problem(node, name, "expected item numbers, each with a score and a reason")
        return {}
    found: dict[int, Score] = {}
    seen: set[int] = set()
    for key, value in node.value:
        number = int(key.value) if key.tag.endswith(":int") else None
        where = f"{name}.{key.value}"
        if number not in items:
            known = f"{min(items)}-{max(items)}" if name == "cdc" else "1-12 and 15-26"
            reader.problem(key, where, f"no item {key.value} in {name} (items {known})")
            continue
        if number in seen:
            reader.problem(key, where, "duplicate item: score each once")
            continue
        seen.add(number)
        score = _score(reader, value, where, items[number])
        if score:
            found[number] = score
    for number in sorted(set(items) - seen):
        reader.problem(node, f"{name}.{number}", f"item {number} ({items[number].text}) is not scored")
    return found


def _score(reader: YamlReader, node: yaml.Node, where: str, item: Item) -> Score | None:
    fields = reader.mapping(node, where, {"score", "reason"})
    if fields is None or not fields.keys() >= {"score", "reason"}:
        return None
    value = fields["score"].value if isinstance(fields["score"], yaml.ScalarNode) else ""
    if value not in ("1", "0", NA):
        reader.problem(fields["score"], f"{where}.score", "a score is 1, 0 or NA")
        return None
    if value == NA and not item.may_not_apply:
        message = f"item {item.number} ({item.text}) applies to every handout: score it 1 or 0"
        reader.problem(fields["score"], f"{where}.score", message)
        return None
    reason = reader.plain(fields["reason"], f"{where}.reason")
    if reason is None:
        return None
    if len(reason) > MAX_REASON:
        message = f"a reason is one line (at most {MAX_REASON} characters): say what meets the item"
        reader.problem(fields["reason"], f"{where}.reason", message)
        return None
    return Score(item.number, value, reason, fields["score"].start_mark.line + 1)
