"""What the PDF builders (a handout, a bilingual handout, a booklet) share: their file names, the
key parts of a PDF, and the worker's document maker loaded before the first job comes."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from handoutpress.build import Builder, Job, JobKeys, LanguagePlan, Workshop
from handoutpress.documents import documents
from handoutpress.fonts import font_fingerprint
from handoutpress.locales import SOURCE_LANGUAGE, language
from handoutpress.styles import StyleOptions

#: Part of every PDF's key: a WeasyPrint upgrade changes the PDFs.
WEASYPRINT_VERSION = version("weasyprint")


class PdfBuilder(Builder):
    """A PDF per print variant (size, theme, paper) of the build."""

    #: Between the name and the variant's suffix: `<id>.bilingual.extra-large.pdf`.
    middle = ""

    def styled(self, name: str, plan: LanguagePlan, styles: Sequence[StyleOptions]) -> list[Job]:
        """One job per print variant."""
        return [self.job(name, plan.code, style) for style in styles]

    def path(self, job: Job, out_dir: Path) -> Path:
        """`dist/<tag>/<id>.pdf`; other sizes and themes get a suffix (`<id>.extra-large.pdf`).
        Paper is left out of the name: a clinic prints on one paper size."""
        name = f"{job.handout}{self.middle}{job.style.file_suffix}.pdf"
        return out_dir / language(job.lang).tag / name

    def key_parts(self, job: Job, plan: LanguagePlan, keys: JobKeys) -> tuple[object, ...]:
        """WeasyPrint's version and the fonts of the language's script, of English (citations,
        titles) and of the clinic's language (HandoutBuilder._foreign_texts)."""
        scripts = {language(c).script for c in (plan.code, SOURCE_LANGUAGE, keys.clinic.language)}
        fonts = [
            keys.once(("font", s), lambda s=s: font_fingerprint(s, keys.cache_dir))
            for s in sorted(scripts)
        ]
        return (WEASYPRINT_VERSION, *fonts)

    def prepare(self, workshop: Workshop) -> None:
        documents(workshop)
