"""Every handout of a language in one PDF, with a cover and a table of contents (`booklet.pdf`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handoutpress.booklet import BOOKLET, booklet_handouts, check_names
from handoutpress.build import Job, LanguagePlan, Made, Workshop
from handoutpress.builders.pdf import PdfBuilder
from handoutpress.content import Collection, Handout
from handoutpress.documents import BOOKLET_TEMPLATE, documents
from handoutpress.styles import StyleOptions
from handoutpress.templating import STYLESHEET_TEMPLATE


class BookletPdf(PdfBuilder):
    kind = "booklet"
    collection = BOOKLET
    templates = (BOOKLET_TEMPLATE, STYLESHEET_TEMPLATE)

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        return self.styled(BOOKLET, plan, styles) if handout is None else []

    def handouts(self, job: Job, collection: Collection) -> list[Handout]:
        return booklet_handouts(collection)

    def check(self, collection: Collection) -> None:
        check_names(collection)

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        rendered = documents(workshop).render_booklet(workshop.plans[job.lang], job.style)
        return Made(rendered.data, rendered.pages)
