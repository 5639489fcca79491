"""The large-print PDF of one handout in one language, in each print variant (`<id>[.variant].pdf`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handoutpress.build import Job, LanguagePlan, Made, Workshop
from handoutpress.builders.pdf import PdfBuilder
from handoutpress.content import Handout
from handoutpress.documents import HANDOUT_TEMPLATE, documents
from handoutpress.styles import StyleOptions
from handoutpress.templating import STYLESHEET_TEMPLATE


class HandoutPdf(PdfBuilder):
    kind = "handout"
    templates = (HANDOUT_TEMPLATE, STYLESHEET_TEMPLATE)

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        return self.styled(handout.id, plan, styles) if handout else []

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        handout = workshop.collection.handout(job.handout)
        rendered = documents(workshop).render(handout, workshop.plans[job.lang], job.style)
        return Made(rendered.data, rendered.pages)

    def standard_print(self, job: Job) -> bool:
        """A job of the standard print (no size or theme suffix): the one a handout's web page and
        thumbnail are made with."""
        return job.kind == self.kind and not job.style.file_suffix


HANDOUT = HandoutPdf()
