"""A handout in braille (`<id>.brf`), for a braille embosser or a braille display: one file per
handout and language, laid out by handoutpress.braille from the HTML its standard print is made
from. Made when asked for (`--braille`, in `make pdfs`); a language whose table cannot write its
script gets no file and a line in the build summary (NotMade), never a wrong one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from handoutpress import louis
from handoutpress.braille import NoBraille, chosen_table, handout_brf
from handoutpress.build import Builder, Job, JobKeys, LanguagePlan, Made, NotMade, Workshop
from handoutpress.content import Handout
from handoutpress.documents import HANDOUT_TEMPLATE, documents
from handoutpress.locales import language
from handoutpress.styles import StyleOptions

#: A braille file has no print variant: its page is the embosser's (the clinic's `braille:`).
NO_VARIANT = StyleOptions()


def liblouis_version() -> str:
    """Part of every braille key: a new liblouis (and its tables) may braille differently. Without
    liblouis there is none, and every braille job says why it made no file."""
    try:
        return louis.version()
    except louis.LouisError:
        return ""


class BrailleFile(Builder):
    kind = "braille"
    label = "braille"
    option = "also write each handout in braille, for an embosser or a braille display (<id>.brf)"
    templates = (HANDOUT_TEMPLATE,)

    def jobs(
        self, plan: LanguagePlan, handout: Handout | None, styles: Sequence[StyleOptions]
    ) -> list[Job]:
        return [self.job(handout.id, plan.code, NO_VARIANT)] if handout else []

    def path(self, job: Job, out_dir: Path) -> Path:
        return out_dir / language(job.lang).tag / f"{job.handout}.brf"

    def key_parts(self, job: Job, plan: LanguagePlan, keys: JobKeys) -> tuple[object, ...]:
        """liblouis, the table and the braille page: the clinic's `braille:` is in no other key."""
        options = keys.clinic.braille
        table = chosen_table(language(plan.code), options)
        return keys.once("liblouis", liblouis_version), table, options.cells, options.lines

    def make(self, job: Job, workshop: Workshop, made: Mapping[str, Made]) -> Made:
        handout = workshop.collection.handout(job.handout)
        try:
            data = handout_brf(documents(workshop), handout, workshop.plans[job.lang])
        except NoBraille as exc:
            raise NotMade(str(exc)) from exc
        return Made(data, pages=data.count(b"\f"))
