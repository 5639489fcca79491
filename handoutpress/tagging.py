"""Finish WeasyPrint's tagged PDF where version 70 falls short of PDF/UA.

Two gaps, both checked by the test suite and by `python build_pdfs.py check`:

1. Text in `@page` margin boxes (the "Page 1 of 2" footer) gets marked-content ids that no structure
   element reaches (upstream issue #1836): neither real content nor an artifact. `mark_artifacts`
   rewrites every such sequence into a pagination artifact and drops it from the parent tree.
2. An element's own `lang` (an English source title inside a Spanish handout) is not carried into the
   structure tree. `install_language_tags` wraps WeasyPrint's tag builder so a structure element gets
   `/Lang` when its HTML element has a `lang` attribute. WeasyPrint is pinned to 70.x for this reason.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
import pydyf

_installed = False


def install_language_tags() -> None:
    """Make WeasyPrint put an HTML element's `lang` on the structure element it creates (idempotent)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        real = box._box if isinstance(box, AbsolutePlaceholder) else box
        node = real.element
        lang = None
        if node is not None and real.element_tag not in ("html", "body"):
            lang = node.get("lang")
        for element in original(box, parent, *args):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            yield element

    tags._build_box_tree = build_box_tree
    _installed = True


def reachable_mcids(pdf: pikepdf.Pdf) -> set[tuple[tuple[int, int], int]]:
    """(page object, MCID) pairs that some structure element under the root points at."""
    found: set[tuple[tuple[int, int], int]] = set()
    seen: set[tuple[int, int]] = set()

    def walk(node: pikepdf.Object, page: pikepdf.Object | None) -> None:
        if isinstance(node, int) and page is not None:
            found.add((page.objgen, int(node)))
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            page = node.get("/Pg", page)
            if node.get("/Type") == "/MCR":
                found.add((node.get("/Pg", page).objgen, int(node.MCID)))
            elif "/K" in node:
                walk(node.K, page)

    walk(pdf.Root.StructTreeRoot.K, None)
    return found


def mark_artifacts(data: bytes) -> bytes:
    """Turn every marked-content sequence that the structure tree does not reach into an artifact."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        reachable = reachable_mcids(pdf)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        changed = False
        for page in pdf.pages:
            orphans = []
            commands = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                    if mcid is not None and (page.obj.objgen, int(mcid)) not in reachable:
                        orphans.append(int(mcid))
                        operands = [
                            pikepdf.Name.Artifact,
                            pikepdf.Dictionary(Type=pikepdf.Name.Pagination),
                        ]
                commands.append((operands, operator))
            if not orphans:
                continue
            changed = True
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))
            array = parents.get(int(page.obj.get("/StructParents", -1)))
            if isinstance(array, pikepdf.Array):
                for mcid in orphans:
                    if mcid < len(array):
                        array[mcid] = pikepdf.Object.parse(b"null")
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()
