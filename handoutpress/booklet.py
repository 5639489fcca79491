"""What a language's booklet holds: every handout of the collection, in the order a reader needs them.

The overview comes first, then the handouts about each type of dystonia, then those about coping;
within a kind, the order of the files. A booklet always holds the whole collection, so a build of a
few handouts (`--handout x`) never replaces it with a thinner one.
"""

from __future__ import annotations

from handoutpress.content import Collection, Handout

#: The file name of a booklet (`dist/<lang>/booklet.pdf`); no handout may take it.
BOOKLET = "booklet"
#: The order of the kinds in a booklet: the overview first, as a reader meets the subject.
KIND_ORDER = ("overview", "type", "coping")  # every kind in content.KINDS


def booklet_handouts(collection: Collection) -> list[Handout]:
    """The handouts of a booklet, in booklet order."""
    return sorted(collection.handouts, key=lambda h: KIND_ORDER.index(h.kind))


def check_names(collection: Collection) -> None:
    """Refuse a handout whose output would overwrite a booklet."""
    for handout in collection.handouts:
        if handout.id == BOOKLET:
            raise ValueError(
                f"{handout.path}: the name {BOOKLET!r} is taken by the booklet of each language: "
                "rename the file"
            )
