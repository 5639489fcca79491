"""Which handouts of a language are complete, so that each is printed as soon as its own words are.

A handout is complete in a language when every string it can print is translated and none is fuzzy:
its own (title, summary, sections, the shared sections it includes) and those of the templates that
make its files (the PDF in every size and theme, the bilingual PDF, the web page: page footer, about
box, the clinic's contact box, the review notes). Every string it *can* print, not only those of one
build: a clinic's `clinic.yaml` or a reviewer's sign-off brings more in, and a handout complete on
one machine is complete on every machine. A language's booklet is complete when every handout in it
is, and the booklet's own strings are too.

The build prints the complete handouts of every language (`--allow-incomplete` the others as well,
their missing sentences in English) and `status` lists them. The template strings of each document
come from the template catalog (`#: templates/...` places) and the templates each one imports, so a
string added to a template counts at once, with no list to keep.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.messages.catalog import Message
from jinja2 import meta

from handoutpress.booklet import BOOKLET, booklet_handouts
from handoutpress.content import Collection


@dataclass(frozen=True)
class DocumentStrings:
    """The template strings each kind of document can print, besides its handouts' own."""

    handout: frozenset[str]
    booklet: frozenset[str]


def template_files(templates_dir: Path, names: Iterable[str]) -> set[str]:
    """The templates `names` and every template they import or include, as names in templates/."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir), extensions=["jinja2.ext.i18n"]
    )
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        todo += [ref for ref in meta.find_referenced_templates(env.parse(source)) if ref]
    return found


def template_strings(template: Iterable[Message], templates: str, files: set[str]) -> frozenset[str]:
    """The msgids of the template catalog found in `files` (names under the `templates` folder,
    as its `#:` places write it: `templates/_handout.html.j2`)."""
    prefix = f"{templates}/"

    def in_files(place: str) -> bool:
        return place.startswith(prefix) and place.removeprefix(prefix) in files

    return frozenset(
        m.id
        for m in template
        if m.id and isinstance(m.id, str) and any(in_files(place) for place, _ in m.locations)
    )


@dataclass(frozen=True)
class Completeness:
    """How many strings each handout of one language (and its booklet) lacks: 0 is complete."""

    missing: dict[str, int]
    #: How many strings each one can print in all.
    needed: dict[str, int] = field(default_factory=dict)

    def complete(self, name: str) -> bool:
        return self.missing.get(name, 0) == 0


def completeness(
    collection: Collection, strings: DocumentStrings, translated: Container[str]
) -> Completeness:
    """Which handouts are complete, given the msgids that have a translation (none fuzzy)."""
    needs = {h.id: {t.msgid for t in h.texts()} | strings.handout for h in collection.handouts}
    booklet = {t.msgid for h in booklet_handouts(collection) for t in h.texts()}
    needs[BOOKLET] = booklet | strings.handout | strings.booklet
    missing = {name: sum(1 for m in msgids if m not in translated) for name, msgids in needs.items()}
    return Completeness(missing, {name: len(msgids) for name, msgids in needs.items()})
