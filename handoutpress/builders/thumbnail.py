"""A picture of the first page of a handout's standard print (`<id>.png`), for the index page: drawn
from the PDF the same job has just made."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from handoutpress.build import Builder, Job, Made, Workshop
from handoutpress.builders.handout import HANDOUT
from handoutpress.preview import thumbnail


class Thumbnail(Builder):
    kind = "thumbnail"

    def makes(self, job: Job) -> bool:
        return HANDOUT.standard_print(job)

    def path(self, job: Job, out_dir: Path) -> Path:
        return HANDOUT.path(job, out_dir).with_suffix(".png")

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        return Made(thumbnail(made[HANDOUT.kind].data))
