"""Print variants: the sizes, colour themes and papers a handout can be printed in.

Kept apart from rendering (and from WeasyPrint) because the build engine needs a variant's name and
its place in a job's key long before anything is drawn, including when nothing needs drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

PAPER_SIZES = ("letter", "a4")


@dataclass(frozen=True)
class SizePreset:
    body: float
    h1: float
    h2: float


#: Large print per GUIDELINES.md: 18 pt is the floor for every glyph; extra-large for those who need it.
SIZES: dict[str, SizePreset] = {
    "standard": SizePreset(body=18, h1=26, h2=21),
    "extra-large": SizePreset(body=24, h1=32, h2=27),
}


@dataclass(frozen=True)
class Theme:
    text: str
    background: str


#: Both themes reach well over the 7:1 contrast the guidelines ask for (21:1 and 17.4:1).
#: Black, white and greys only: the index page's thumbnails are drawn in grey (preview.thumbnail).
THEMES: dict[str, Theme] = {
    "default": Theme(text="#000000", background="#ffffff"),
    "reverse": Theme(text="#ffffff", background="#121212"),
}


@dataclass(frozen=True)
class StyleOptions:
    """The print variant of a handout: what the reader asked for, not what the language implies."""

    size: str = "standard"
    theme: str = "default"
    paper: str = "letter"

    def __post_init__(self) -> None:
        for value, allowed, name in (
            (self.size, SIZES, "size"),
            (self.theme, THEMES, "theme"),
            (self.paper, PAPER_SIZES, "paper"),
        ):
            if value not in allowed:
                raise ValueError(f"unknown {name} {value!r}: use one of {', '.join(allowed)}")

    @property
    def name(self) -> str:
        """A short name for file names and the manifest: `standard`, `extra-large-reverse-a4`."""
        parts = [self.size]
        if self.theme != "default":
            parts.append(self.theme)
        if self.paper != "letter":
            parts.append(self.paper)
        return "-".join(parts)

    @property
    def file_suffix(self) -> str:
        """`""` for the standard print, else `.extra-large`, `.reverse`, `.extra-large-reverse`."""
        parts = [p for p in (self.size, self.theme) if p not in ("standard", "default")]
        return "." + "-".join(parts) if parts else ""
