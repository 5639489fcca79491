"""A handout's web page (`<id>.html`), for screens and screen readers: made with the standard print
of the handout, from the same inputs, so it has the PDF's key."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from handoutpress.build import Builder, Job, Made, Workshop
from handoutpress.builders.handout import HANDOUT
from handoutpress.documents import PAGE_TEMPLATE, documents


class WebPage(Builder):
    kind = "html"
    templates = (PAGE_TEMPLATE,)

    def makes(self, job: Job) -> bool:
        return HANDOUT.standard_print(job)

    def path(self, job: Job, out_dir: Path) -> Path:
        return HANDOUT.path(job, out_dir).with_suffix(".html")

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        handout = workshop.collection.handout(job.handout)
        return Made(documents(workshop).render_page(handout, workshop.plans[job.lang]).encode())
