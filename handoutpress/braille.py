"""Braille files (`.brf`): a handout as a braille embosser or a braille display reads it.

A BRF is made from the same HTML as the handout's PDF (`templates/handout.html.j2`): title, summary,
sections, the clinic block, the review and translation lines and the sources, with placeholders
filled as in print. Each block is translated by liblouis (handoutpress.louis) with the table its
readers use (TABLES; a clinic may choose others) and laid out on braille pages following BANA's
*Braille Formats* (2016) where they apply:

- the title is a centred heading (at least three blank cells each side, a blank line after it);
- section headings are cell-5 headings (first and runover lines in cell 5, a blank line before);
- paragraphs start in cell 3 and run over to cell 1 (3-1), with no blank line between them;
- list items start in cell 1 with their marker and run over to cell 3 (1-3), a blank line before
  (unless a heading is right above) and after the list; the marker is the table's own bullet, or
  the item's number for steps; a table without a bullet (Spanish) leaves it out, as Braille
  Formats allows for visual bullets;
- a boxed section (the safety box) sits between box lines of dots 2356;
- a table is linear: a line of column headings, then each row as an item of "heading: entry";
- the braille page number is on the last line of each page, at the right margin, after at least
  three blank cells, in the language's braille digits; a heading is never the last line of a page.

Print page indicators do not apply: a BRF is not a transcription of one print edition (each handout
prints on Letter and A4, at two sizes, each with its own page breaks), so there is no one print page
to refer to. Taking them from one of them (the standard print on the clinic's paper) would tie
every BRF to that PDF's layout: its key would hold WeasyPrint and the fonts, a braille file would
wait for its PDF or draw it again (bench/braille_speed.py: many times its own cost), and each
block would have to be found again on the PDF's pages; the page a reader is told about is the
braille page.

Bold becomes braille emphasis only where the table has bold indicators (English, French, Arabic,
Hindi, Russian, Chinese); elsewhere it is left out, as the table cannot write it. A cell is written
in North American braille ASCII: the 64 characters from space to underscore, lines ended by a line
feed, pages by a form feed.

A language whose table cannot write every character of the handout (a script it does not know) gets
no BRF: NoBraille says which characters, never a file a reader cannot read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from handoutpress import louis
from handoutpress.build import NO_CLINIC, LanguagePlan, Project, plan_languages
from handoutpress.clinic import BrailleOptions, Clinic
from handoutpress.content import Handout, load_collection
from handoutpress.documents import HandoutBuilder
from handoutpress.files import write_atomic
from handoutpress.locales import Language, language

#: The table list for each shipped language (catalog code), and why readers of it expect that table.
TABLES: dict[str, str] = {
    # BANA adopted Unified English Braille in 2016; contracted (grade 2) is what US, Canadian, UK
    # and Australian braille readers read, uncontracted is for beginners.
    "en": "en-ueb-g2.ctb",
    # Arabic braille is read uncontracted across the Arab countries; the grade 2 table is rarely
    # taught. This is the Unified Arabic Braille table (Mada, Qatar), grade 1.
    "ar": "ar-ar-g1.utb",
    # Spanish braille (ONCE's Comisión Braille Española and Latin America) is read uncontracted;
    # the contracted "estenografía" is a shorthand few readers know.
    "es": "es-g1.ctb",
    # French: braille intégral (uncontracted), the code every French braille reader learns and the
    # one late-blinded adults read; abrégé has some 1,200 abbreviations and is read by fluent
    # readers only. A clinic whose readers read abrégé sets fr: fr-bfu-g2.ctb.
    "fr": "fr-bfu-comp6.utb",
    # Hindi: Bharati braille, uncontracted, as the Braille Council of India maintains it.
    "hi": "hi-in-g1.utb",
    # Russian braille has no official contractions (the table's own note): uncontracted.
    "ru": "ru-litbrl.ctb",
    # Vietnamese: the national uncontracted code (Sao Mai Center); contractions are not the norm.
    "vi": "vi-vn-g0.utb",
    # Chinese (mainland): the National Common Braille Scheme (国家通用盲文方案, GF 0019-2018), the
    # standard since July 2018; it keeps current braille's signs and marks tones by rule.
    "zh_Hans": "zhcn-cbs.ctb",
}

#: North American braille ASCII: the character for each 6-dot cell (index: dot 1 = 1 ... dot 6 = 32).
BRAILLE_ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
BLANK = "\u2800"
#: BANA's box line: a full line of dots 2356.
BOX_CELL = "\u2836"
#: Blank cells at least between text and a page number, and each side of a centred heading.
GAP = 3
BULLET = "\u2022"


class NoBraille(Exception):
    """No BRF for this language: no table fits it (the message says why, for the build summary)."""


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass
class Block:
    """One thing the reader meets on the page, in print order."""

    kind: str  # title, heading, paragraph, item, box, table-head
    runs: list[Run] = dataclasses.field(default_factory=list)
    marker: str = ""  # an item's bullet or number
    group: int = 0  # items of one list share a group

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


#: HTML elements without an end tag.
VOID = frozenset({"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})
#: The HTML elements that are blocks of their own, and what they are.
BLOCKS = {"h1": "title", "h2": "heading", "h3": "heading", "h4": "heading", "p": "paragraph"}


class _Blocks(HTMLParser):
    """The blocks of a handout's HTML (`templates/handout.html.j2`), with their bold runs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.bold = 0
        self.skip = 0  # inside <head>, <nav> or an aria-hidden element: not part of the handout
        self.hidden: list[str] = []  # the tags of those elements, to know where each ends
        self.lists: list[list[int]] = []  # per open list: [is numbered, next number]
        self.groups = 0
        self.row: list[str] | None = None
        self.header: list[str] = []
        self.cell: list[str] | None = None
        self.sections: list[bool] = []  # per open <section>: is it a box

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in VOID:
            return
        if self.skip or tag in ("head", "nav") or dict(attrs).get("aria-hidden") == "true":
            # not the handout's text: the page's head, its navigation, and what print draws for
            # the eye alone (the safety box's "!" marker; lines to write on, which braille paper
            # cannot take)
            self.skip += 1
            self.hidden.append(tag)
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("ul", "ol"):
            self.groups += 1
            self.lists.append([tag == "ol", 1])
        elif tag == "li":
            numbered = self.lists[-1] if self.lists else [False, 1]
            marker = f"{numbered[1]}." if numbered[0] else BULLET
            numbered[1] += 1
            self._open(Block("item", marker=marker, group=self.groups))
        elif tag in BLOCKS and self.cell is None:
            self._open(Block(BLOCKS[tag]))
        elif tag in ("section", "aside"):
            self.sections.append(tag == "aside" or "box" in classes)
            if self.sections[-1]:
                self.blocks.append(Block("box"))
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if tag == self.hidden[-1]:
                self.hidden.pop()
                self.skip -= 1
            return
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("li", *BLOCKS) and self.cell is None:
            self.current = None
        elif tag in ("section", "aside") and self.sections:
            if self.sections.pop():
                self.blocks.append(Block("box"))
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._row(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.current is not None:
            self.current.runs.append(Run(data, self.bold > 0))

    def _open(self, block: Block) -> None:
        self.current = block
        self.blocks.append(block)

    def _row(self, cells: list[str]) -> None:
        """A table row: the first is the heading row; an empty row (to write in) is left out."""
        if not self.header:
            self.header = cells
            self.groups += 1
            self.blocks.append(Block("table-head", [Run("; ".join(cells))], group=self.groups))
        elif any(cells):
            pairs = [f"{h}: {c}" for h, c in zip(self.header, cells, strict=False) if c]
            self.blocks.append(Block("item", [Run("; ".join(pairs))], group=self.groups))

    def close(self) -> None:
        super().close()
        for block in self.blocks:  # the template's line breaks and indentation are not the text's
            block.runs = _squeeze(block.runs)


def _squeeze(runs: list[Run]) -> list[Run]:
    """Runs with white space collapsed to single spaces across run boundaries, ends trimmed."""
    out: list[Run] = []
    text = ""
    for run in runs:
        piece = " ".join(run.text.split())
        if run.text[:1].isspace() and piece and text and not text.endswith(" "):
            piece = " " + piece
        if run.text[-1:].isspace() and piece:
            piece += " "
        elif run.text.isspace() and text and not text.endswith(" "):
            piece = " "
        if piece:
            if not text:
                piece = piece.lstrip()
            out.append(Run(piece, run.bold))
            text += piece
    if out:
        last = out[-1]
        out[-1] = Run(last.text.rstrip(), last.bold)
    return [r for r in out if r.text]


def blocks(html: str) -> list[Block]:
    """The handout's blocks in reading order (empty paragraphs left out)."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return [b for b in parser.blocks if b.kind == "box" or b.text]


def chosen_table(lang: Language, options: BrailleOptions) -> str | None:
    """The table list for a language: the clinic's choice, else the project's, else None."""
    return options.table(lang.code) or TABLES.get(lang.code)


def table_for(lang: Language, options: BrailleOptions) -> str:
    """`chosen_table`, or NoBraille when there is none."""
    table = chosen_table(lang, options)
    if table is None:
        raise NoBraille(
            f"{lang.code}: no braille table is chosen for {lang.english_name}: add one to "
            "handoutpress.braille.TABLES, or to braille: tables: in the clinic profile"
        )
    return table


@cache
def bold_typeform(table: str) -> int:
    """The table's bold typeform if the table writes bold indicators, else 0 (bold left out).

    A table may declare the bold class without rules for it: what counts is whether bold text
    comes out differently from plain text."""
    bit = louis.typeform(table, "bold")
    if bit and louis.translate(table, "word", [bit] * 4) != louis.translate(table, "word"):
        return bit
    return 0


class Brailler:
    """Translates blocks with one language's table into lines of Unicode braille cells."""

    def __init__(self, table: str, cells: int):
        self.table = table
        self.cells = cells
        self.bold = bold_typeform(table)
        bullet = not louis.undefined(table, BULLET)
        self.bullet = louis.translate(table, BULLET) if bullet else ""

    def cells_of(self, runs: Sequence[Run]) -> tuple[str, set[int]]:
        """The runs in braille, and the cell positions where a new print character starts (a long
        word may break there: between two Chinese syllables, never inside one)."""
        text = "".join(r.text for r in runs)
        forms = [self.bold if r.bold else 0 for r in runs for _ in r.text] if self.bold else None
        cells, positions = louis.translate_with_positions(self.table, text, forms)
        starts = {i for i in range(1, len(cells)) if positions[i] != positions[i - 1]}
        return cells, starts

    def marker(self, marker: str) -> str:
        if marker == BULLET:
            return self.bullet
        return louis.translate(self.table, marker)


def wrap(
    braille: str, width: int, first: int, runover: int, starts: set[int] | None = None
) -> list[str]:
    """Braille cells in lines of `width`: the first line indented `first` cells, the others
    `runover`; lines break between braille words, and a word longer than a line (a Chinese
    sentence, a web address) at the last cell in `starts` that fits: where a print character
    begins, so no syllable or letter sign is split."""
    lines: list[str] = []
    line = BLANK * first
    offset = 0
    for word in braille.split(BLANK):
        begin, offset = offset, offset + len(word) + 1
        if not word:
            continue
        indent = len(line) - len(line.lstrip(BLANK))
        if len(line) > indent and len(line) + 1 + len(word) <= width:
            line += BLANK + word
            continue
        if len(line) > indent:
            lines.append(line)
            line = BLANK * runover
        while len(line) + len(word) > width:  # a word no line can hold
            room = width - len(line)
            cuts = [c - begin for c in (starts or ()) if 0 < c - begin <= room]
            cut = max(cuts, default=room)
            lines.append(line + word[:cut])
            word, begin = word[cut:], begin + cut
            line = BLANK * runover
        line += word
    if line.strip(BLANK):
        lines.append(line)
    return lines


def centred(braille: str, width: int, starts: set[int]) -> list[str]:
    """A centred heading: at least GAP blank cells each side."""
    out = []
    for line in wrap(braille, width - 2 * GAP, 0, 0, starts):
        out.append(BLANK * ((width - len(line)) // 2) + line)
    return out


@dataclass
class Item:
    """Lines that go on the page together, with the blank lines and page breaks they ask for."""

    lines: list[str]
    blank_before: bool = False
    blank_after: bool = False
    keep_with_next: bool = False  # a heading: never the last thing on a page
    rule: bool = False  # a box line: sets what it boxes apart itself, no blank line beside it


def items(html: str, brailler: Brailler) -> Iterator[Item]:
    """The handout's blocks as BANA formats them (see the module's docstring)."""
    width = brailler.cells
    found = blocks(html)
    for i, block in enumerate(found):
        previous = found[i - 1] if i else None
        following = found[i + 1] if i + 1 < len(found) else None
        if block.kind == "box":
            yield Item([BOX_CELL * width], rule=True)
            continue
        braille, starts = brailler.cells_of(block.runs)
        if block.kind == "title":
            yield Item(centred(braille, width, starts), blank_after=True, keep_with_next=True)
        elif block.kind == "heading":
            yield Item(wrap(braille, width, 4, 4, starts), blank_before=True, keep_with_next=True)
        elif block.kind in ("item", "table-head"):
            marker = brailler.marker(block.marker) if block.marker else ""
            if marker:
                braille = f"{marker}{BLANK}{braille}"
                starts = {s + len(marker) + 1 for s in starts}
            first = previous is None or previous.group != block.group
            last = following is None or following.group != block.group
            yield Item(wrap(braille, width, 0, 2, starts), blank_before=first, blank_after=last)
        else:
            yield Item(wrap(braille, width, 2, 0, starts))


def paginate(found: Iterator[Item], brailler: Brailler, lines: int) -> list[list[str]]:
    """Pages of exactly `lines` lines; the last holds the braille page number at the right."""
    body = lines - 1  # the last line is the page number's
    pages: list[list[str]] = [[]]
    pending_blank = after_heading = False
    queue = list(found)
    for index, item in enumerate(queue):
        page = pages[-1]
        blank = (item.blank_before or pending_blank) and bool(page) and page[-1].strip(BLANK) != ""
        blank = blank and not (after_heading and not pending_blank)  # a list right after a heading
        blank = blank and not item.rule and not (page and page[-1] == BOX_CELL * brailler.cells)
        need = len(item.lines) + blank
        if item.keep_with_next and index + 1 < len(queue):
            need += 1 + queue[index + 1].blank_before  # at least one line of what follows
        if len(page) + need > body and page and item.keep_with_next:
            pages.append([])
            page, blank = pages[-1], False
        if blank:
            page.append("")
        for line in item.lines:
            if len(page) >= body:
                pages.append([])
                page = pages[-1]
            page.append(line)
        pending_blank = item.blank_after
        after_heading = item.keep_with_next
    out = []
    for number, page in enumerate(pages, start=1):
        while page and not page[-1].strip(BLANK):
            page.pop()  # a blank line before the page number says nothing
        page += [""] * (lines - len(page))
        digits = louis.translate(brailler.table, str(number))
        last = page[-1]
        page[-1] = last + BLANK * (brailler.cells - len(last) - len(digits)) + digits
        out.append(page)
    return out


def brf(html: str, lang: Language, options: BrailleOptions) -> bytes:
    """The BRF of a handout's HTML in its language, or NoBraille with the reason."""
    table = table_for(lang, options)
    try:
        louis.check_tables(table)
        text = " ".join(b.text for b in blocks(html))
        if missing := louis.undefined(table, text):
            shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing[:5])
            raise NoBraille(f"{lang.code}: braille table {table} has no braille for {shown}")
        brailler = Brailler(table, options.cells)
        pages = paginate(items(html, brailler), brailler, options.lines)
    except louis.LouisError as exc:
        raise NoBraille(f"{lang.code}: {exc}") from exc
    return ascii_pages(pages, table)


def ascii_pages(pages: Sequence[Sequence[str]], table: str) -> bytes:
    """Pages of Unicode braille as braille ASCII: lines end with LF, pages with a form feed."""
    out = []
    for page in pages:
        for line in page:
            cells = []
            for cell in line.rstrip(BLANK):
                dots = ord(cell) - 0x2800
                if not 0 <= dots < 64:
                    raise NoBraille(f"braille table {table} writes 8-dot cells, which a BRF cannot hold")
                cells.append(BRAILLE_ASCII[dots])
            out.append("".join(cells) + "\n")
        out.append("\f")
    return "".join(out).encode("ascii")


def handout_brf(documents: HandoutBuilder, handout: Handout, plan: LanguagePlan) -> bytes:
    """One handout's BRF in a language, from the HTML its PDF is laid out from (the same template,
    translations, clinic and review records), on the clinic's braille page; or NoBraille."""
    html = documents.print_html(handout, plan)
    return brf(html, language(plan.code), documents.clinic.braille)


def write_brf(
    project_root: Path,
    out: Path,
    handout_id: str,
    lang_code: str,
    clinic: Clinic = NO_CLINIC,
    allow_incomplete: bool = False,
) -> Path:
    """Write one handout's BRF in one language to `out` (atomically), as the build's braille
    builder makes it (`--braille`): one file by hand, for a test or a transcriber.

    Raises NoBraille when the language has no fitting table (or is not built), and then leaves
    `out` as it was."""
    project = Project(project_root)
    collection = load_collection(project.handouts_dir, project.root)
    (plan,) = plan_languages(project, [lang_code], allow_incomplete, collection)
    if not plan.builds(handout_id):  # as the build: a handout waits until it is complete
        missing = plan.completeness.missing[handout_id]
        raise NoBraille(f"{plan.code}/{handout_id}: not built, {missing} strings untranslated or fuzzy")
    documents = HandoutBuilder(project, collection, clinic, allow_incomplete)
    write_atomic(out, handout_brf(documents, collection.handout(handout_id), plan))
    return out
