"""Finish WeasyPrint's tagged PDF where version 70 falls short of PDF/UA.

Three gaps, each checked by the test suite (and the first two by `python build_pdfs.py check`):

1. Text in `@page` margin boxes (the "Page 1 of 2" footer) gets marked-content ids that no structure
   element reaches (upstream issue #1836): neither real content nor an artifact.
   `install_margin_artifacts` draws each margin box as one pagination artifact instead, with no
   marked-content ids inside, and keeps margin boxes out of the tag builder. (Rewriting each PDF
   afterwards with pikepdf did the same for about a seventh of a handout's rendering time.)
2. An element's own `lang` (an English source title inside a Spanish handout) is not carried into the
   structure tree. `install_language_tags` wraps WeasyPrint's tag builder so a structure element gets
   `/Lang` when its HTML element has a `lang` attribute. WeasyPrint is pinned to 70.x for this reason.
3. A glyph drawn for several letters (Devanagari conjuncts, Vietnamese stacked marks) is mapped to the
   text where it first appeared, so copied text comes out garbled. `install_actual_text` gives such
   lines their words as `/ActualText` and keeps each glyph's own map right.
4. What HTML hides from screen readers (`aria-hidden="true"`: the safety box's marker, the lines to
   write on) is still tagged as content. `install_hidden_artifacts` draws it as an artifact and
   leaves it out of the structure tree.
5. A table's header cells (TH) get no /Scope, which PDF/UA asks for: the structure builder now
   gives each the scope of its HTML `scope` attribute (a column unless it says row).
"""

from __future__ import annotations

import contextlib
import itertools
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pydyf

_installed = False


def install() -> None:
    """Apply the fixes to WeasyPrint's tag builder and text drawing, once per process."""
    global _installed
    if not _installed:
        install_margin_artifacts()
        install_language_tags()
        install_actual_text()
        install_hidden_artifacts()
        _installed = True


def _is_pagination(properties: Any) -> bool:
    return isinstance(properties, pydyf.Dictionary) and properties.get("Type") == "/Pagination"


def install_margin_artifacts() -> None:
    """Draw `@page` margin boxes (page numbers, running headers) as pagination artifacts."""
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes

    original = draw.draw_stacking_context

    def draw_stacking_context(stream: Any, stacking_context: Any) -> None:
        tags = getattr(stream, "_tags", None)
        if tags is None or not isinstance(stacking_context.box, boxes.MarginBox):
            original(stream, stacking_context)
            return
        stream.begin_marked_content("Artifact", pydyf.Dictionary({"Type": "/Pagination"}))
        stream._tags = None  # nothing inside gets a marked-content id of its own
        try:
            original(stream, stacking_context)
        finally:
            stream._tags = tags
            stream.end_marked_content()

    draw.draw_stacking_context = draw_stacking_context


def _hidden(box: Any) -> bool:
    """Whether a box belongs to an element hidden from screen readers (`aria-hidden="true"`).

    Only the element's own boxes count, not its children's (html5lib's elements know no parent):
    the templates hide elements that hold plain text or nothing."""
    element = getattr(box, "element", None)
    return element is not None and element.get("aria-hidden") == "true"


def install_hidden_artifacts() -> None:
    """Draw what `aria-hidden="true"` hides from screen readers as artifacts, outside the tags."""
    from weasyprint.pdf.stream import Stream

    original = Stream.marked

    @contextlib.contextmanager
    def marked(self: Any, box: Any, tag: str) -> Iterator[None]:
        if not _hidden(box):
            with original(self, box, tag):
                yield
            return
        with self.artifact():
            yield

    Stream.marked = marked


def install_language_tags() -> None:
    """Make WeasyPrint put an HTML element's `lang` on the structure element it creates, and a
    table header cell's scope on its TH. Margin boxes get no structure (they are artifacts, see
    install_margin_artifacts), and neither do elements hidden from screen readers."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        if isinstance(real, boxes.MarginBox) or _hidden(real):
            return
        node = real.element
        lang = None
        if node is not None and real.element_tag not in ("html", "body"):
            lang = node.get("lang")
        for element in original(box, parent, *args):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            if element.get("S") == "/TH" and "A" in element:
                scope = "/Row" if node is not None and node.get("scope") == "row" else "/Column"
                element["A"]["Scope"] = scope
            yield element

    tags._build_box_tree = build_box_tree


@dataclass
class _Cluster:
    """Glyphs that Pango shaped from one piece of text (one letter, a conjunct, a letter and marks)."""

    font: Any
    glyphs: list[int]
    text: str
    raised: bool  # drawn with a text rise, which PDF readers take for another line


@dataclass
class _GlyphMap:
    """Per font of one document: what each glyph draws on its own, and which maps are borrowed."""

    alone: dict[int, str] = field(default_factory=dict)
    borrowed: set[int] = field(default_factory=set)


def _clusters(stream: Any, textbox: Any) -> list[_Cluster]:
    """The clusters of the line just drawn for `textbox`, read from Pango as WeasyPrint drew them."""
    from weasyprint.text.ffi import ffi, pango

    first_line, _ = textbox.pango_layout.get_first_line()
    utf8 = textbox.pango_layout.text.encode()
    found = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        item, run = run.data, run.next
        font, _size = stream.add_font(item.item.analysis.font)
        count, offset = item.glyphs.num_glyphs, item.item.offset
        starts = [item.glyphs.log_clusters[i] for i in range(count)]
        bounds = [*sorted(set(starts)), item.item.length]
        ends = {start: bounds[bounds.index(start) + 1] for start in set(starts)}
        by_start: dict[int, list[int]] = {}
        raised: set[int] = set()
        for i, start in enumerate(starts):
            info = item.glyphs.glyphs[i]
            if info.glyph != pango.PANGO_GLYPH_EMPTY and not info.glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                by_start.setdefault(start, []).append(info.glyph)
                if info.geometry.y_offset:
                    raised.add(start)
        for start, glyphs in by_start.items():
            text = utf8[offset + start : offset + ends[start]].decode()
            found.append(_Cluster(font, glyphs, text, start in raised))
    return found


#: What a line needs from the text-layer repair, read from Pango's glyphs.
RIGHT_TO_LEFT, PLAIN, CLUSTERED = "right-to-left", "plain", "clustered"


def _line_kind(textbox: Any) -> str:
    """RIGHT_TO_LEFT if a run of the line is right to left (the repair leaves such lines alone),
    PLAIN if every cluster is one glyph on the baseline (WeasyPrint maps those right), else
    CLUSTERED. Reads Pango's arrays whole, without a Python step per glyph: most lines of most
    languages are plain, and reading them glyph by glyph cost a tenth of a handout's drawing."""
    from weasyprint.text.ffi import ffi

    stride = ffi.sizeof("PangoGlyphInfo") // 4
    geometry = ffi.offsetof("PangoGlyphInfo", "geometry")
    rise = (geometry + ffi.offsetof("PangoGlyphGeometry", "y_offset")) // 4
    first_line, _ = textbox.pango_layout.get_first_line()
    kind = PLAIN
    run = first_line.runs[0]
    while run != ffi.NULL:
        item, run = run.data, run.next
        if item.item.analysis.level % 2:
            return RIGHT_TO_LEFT
        glyphs = item.glyphs
        count = glyphs.num_glyphs
        if kind == PLAIN and count:
            starts = ffi.unpack(glyphs.log_clusters, count)
            info = memoryview(ffi.buffer(glyphs.glyphs, count * stride * 4)).cast("i")
            if len(set(starts)) != count or any(info[rise::stride]):
                kind = CLUSTERED
    return kind


def _mapped_by_this_line(font: Any, glyph: int, size_before: int) -> bool:
    """Whether WeasyPrint first mapped `glyph` while drawing the current line (or never did)."""
    if glyph not in font.to_unicode:
        return True
    added = len(font.to_unicode) - size_before
    return added > 0 and glyph in itertools.islice(reversed(font.to_unicode), added)


def _current_properties(stream: Any) -> Any:
    """The property list of the marked-content sequence open at the end of `stream`, if any."""
    items = stream.stream
    for i in range(len(items) - 1, 0, -1):
        if items[i] in (b"EMC", "EMC"):
            return None
        if items[i] in (b"BDC", "BDC") and isinstance(items[i - 1], pydyf.Dictionary):
            return items[i - 1]
    return None


def install_actual_text() -> None:
    """Repair the text layer where a letter takes several glyphs (see the module docstring).

    After WeasyPrint draws a line, the line's clusters are read back from Pango. A line with a
    cluster of several glyphs, or a raised mark (a text rise makes readers move it to the end of
    the line), gets its words as `/ActualText` on its marked content, and the
    glyphs of such clusters are mapped to the text they have when they stand alone (the first
    single-glyph cluster that draws them), so other lines that use them copy right too. Right-to-left
    lines keep WeasyPrint's map: PDF readers reverse ActualText there, and Arabic extracts right."""
    from weasyprint.draw import text

    original = text.draw_first_line
    maps: weakref.WeakKeyDictionary[Any, _GlyphMap] = weakref.WeakKeyDictionary()

    def draw_first_line(stream: Any, textbox: Any, *args: Any) -> Any:
        # How many glyphs each font had mapped before this line: maps only grow, in insertion order,
        # so the glyphs this line mapped are the last ones (cheaper than copying every map per line).
        sizes = {id(f): len(f.to_unicode) for f in getattr(stream, "_fonts", {}).values()}
        result = original(stream, textbox, *args)
        properties = _current_properties(stream)
        if properties is None or not textbox.text.strip():
            return result
        if "MCID" not in properties and not _is_pagination(properties):
            return result
        kind = _line_kind(textbox)
        if kind == RIGHT_TO_LEFT:
            return result
        if kind == PLAIN and not any(m.borrowed for m in maps.values()):
            # Nothing to repair, nor a borrowed map to give back: a plain line's single glyphs are
            # mapped by WeasyPrint to their own text the first time they are drawn, and to_unicode
            # keeps a glyph's first map, so what `alone` would record is already in the font.
            return result
        clusters = _clusters(stream, textbox)
        split = any(c.raised for c in clusters)
        for cluster in clusters:
            font = cluster.font
            glyph_map = maps.setdefault(font, _GlyphMap())
            if len(cluster.glyphs) == 1:
                glyph = cluster.glyphs[0]
                glyph_map.alone.setdefault(glyph, cluster.text)
                if glyph in glyph_map.borrowed:
                    font.to_unicode[glyph] = glyph_map.alone[glyph]
                    glyph_map.borrowed.discard(glyph)
                continue
            split = True
            for glyph in cluster.glyphs:
                if glyph in glyph_map.alone:
                    font.to_unicode[glyph] = glyph_map.alone[glyph]
                elif _mapped_by_this_line(font, glyph, sizes.get(id(font), 0)):
                    glyph_map.borrowed.add(glyph)
        if split:
            properties["ActualText"] = pydyf.String(textbox.text)
        return result

    text.draw_first_line = draw_first_line
