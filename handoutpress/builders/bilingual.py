"""A translation with its English beside it, section by section (`<id>.bilingual[.variant].pdf`):
for a family that reads one language and a clinician who reads the other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handoutpress.build import Job, LanguagePlan, Made, Workshop
from handoutpress.builders.pdf import PdfBuilder
from handoutpress.content import Handout
from handoutpress.documents import BILINGUAL_TEMPLATE, documents
from handoutpress.locales import SOURCE_LANGUAGE
from handoutpress.styles import StyleOptions
from handoutpress.templating import STYLESHEET_TEMPLATE


class BilingualPdf(PdfBuilder):
    kind = "bilingual"
    label = "bilingual"
    option = "also build each translation with its English, section by section (<id>.bilingual.pdf)"
    templates = (BILINGUAL_TEMPLATE, STYLESHEET_TEMPLATE)
    middle = ".bilingual"

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        if handout is None or plan.code == SOURCE_LANGUAGE:  # English has nothing to be beside
            return []
        return self.styled(handout.id, plan, styles)

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        handout = workshop.collection.handout(job.handout)
        plan = workshop.plans[job.lang]
        rendered = documents(workshop).render_bilingual(handout, plan, job.style)
        return Made(rendered.data, rendered.pages)
