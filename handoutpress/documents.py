"""The documents a handout becomes: its HTML (print, bilingual, booklet, web page; braille is read
from the print's) and its PDF. The builders (handoutpress.builders) share one HandoutBuilder per
worker process (`documents`), so fonts, templates and WeasyPrint are loaded once for all formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from handoutpress.booklet import BOOKLET, booklet_handouts
from handoutpress.build import SOURCE_PLAN, LanguagePlan, Project, Workshop
from handoutpress.clinic import FIELDS, Clinic
from handoutpress.content import Collection, Handout
from handoutpress.fonts import choose_font
from handoutpress.locales import SOURCE_LANGUAGE, Language, language
from handoutpress.styles import StyleOptions
from handoutpress.templating import TEMPLATE_CHARACTERS, HandoutPart
from handoutpress.translate import Translator, translate

if TYPE_CHECKING:  # rendering (and WeasyPrint) is imported by the workers that draw
    from handoutpress.render import RenderedPdf, Renderer

#: The templates of the documents, in templates/.
HANDOUT_TEMPLATE = "handout.html.j2"
BOOKLET_TEMPLATE = "booklet.html.j2"
BILINGUAL_TEMPLATE = "bilingual.html.j2"
PAGE_TEMPLATE = "page.html.j2"


class HandoutBuilder:
    """Makes documents in this process; owns one Renderer (fonts and templates are loaded once).

    Every document (single handout, booklet, bilingual handout, web page) is made the same way: the
    handouts are translated, each becomes a HandoutPart, a template puts the parts together, and
    `_typeset` proves the fonts against every string printed and lays the PDF out.

    A long-lived caller (the live preview) passes the `renderer` of its previous builder, so fonts,
    templates and WeasyPrint stay warm when the collection or the clinic changes."""

    def __init__(
        self,
        project: Project,
        collection: Collection,
        clinic: Clinic,
        allow_incomplete: bool = False,
        renderer: Renderer | None = None,
    ):
        self.project = project
        self.collection = collection
        self.clinic = clinic
        self.allow_incomplete = allow_incomplete
        if renderer is None:
            from handoutpress.render import Renderer  # WeasyPrint loads only where PDFs are drawn

            renderer = Renderer(project.templates_dir, project.cache_dir)
        self.renderer = renderer

    def render(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """One handout in one language."""
        translator, html = self._single(handout, plan)
        identifier = f"{handout.id}/{plan.code}/{style.name}"
        return self._typeset(html, translator, plan, [handout], style, identifier)

    def printed(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> list[str]:
        """Every translated string the handout's PDF prints (content, templates, page footer): what
        a reader must be able to copy back out of it."""
        translator, _html = self._single(handout, plan)
        self.renderer.stylesheet(translator.lang, translator, None, style)
        return translator.printed

    def print_html(self, handout: Handout, plan: LanguagePlan) -> str:
        """The HTML one handout's PDF is laid out from: what its braille file is read from, so
        the braille says what the print says (placeholders, clinic block, review records)."""
        return self._single(handout, plan)[1]

    def _single(self, handout: Handout, plan: LanguagePlan) -> tuple[Translator, str]:
        translator = self.translator(plan)
        html = self._document(HANDOUT_TEMPLATE, translator, doc=self._part(handout, translator, plan))
        return translator, html

    def render_booklet(self, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """Every handout of the collection in one language, with a cover and a table of contents."""
        translator = self.translator(plan)
        handouts = booklet_handouts(self.collection)
        docs = [self._part(h, translator, plan, prefix=f"{h.id}-") for h in handouts]
        written = max(h.written for h in handouts)
        html = self._document(BOOKLET_TEMPLATE, translator, docs=docs, written=written)
        identifier = f"{BOOKLET}/{plan.code}/{style.name}"
        return self._typeset(html, translator, plan, handouts, style, identifier)

    def render_bilingual(self, handout: Handout, plan: LanguagePlan, style: StyleOptions) -> RenderedPdf:
        """One handout in one language with its English original, section by section."""
        translator = self.translator(plan)
        english = self.translator(SOURCE_PLAN)
        doc = self._part(handout, translator, plan)
        original = self._part(handout, english, SOURCE_PLAN, prefix="en-")
        pairs = list(zip(doc.handout.sections, original.handout.sections, strict=True))
        html = self._document(BILINGUAL_TEMPLATE, translator, doc=doc, english=original, pairs=pairs)
        identifier = f"{handout.id}/{plan.code}/{style.name}/bilingual"
        return self._typeset(html, translator, plan, [handout], style, identifier, english)

    def render_page(self, handout: Handout, plan: LanguagePlan) -> str:
        """One handout in one language as a web page, for screens and screen readers."""
        translator = self.translator(plan)
        return self._document(PAGE_TEMPLATE, translator, doc=self._part(handout, translator, plan))

    def translator(self, plan: LanguagePlan) -> Translator:
        """The Translator every document of `plan`'s language is made with (the live preview's
        builder returns one that marks what is not yet translated)."""
        lang = language(plan.code)
        return Translator(lang, plan.translations, allow_incomplete=self.allow_incomplete)

    def _part(
        self, handout: Handout, translator: Translator, plan: LanguagePlan, prefix: str = ""
    ) -> HandoutPart:
        values = self.renderer.clinic_values(self.clinic, translator.lang)
        translated = translate(handout, translator, values=values)
        review = None if translator.is_source else plan.review
        return self.renderer.part(translated, translator, review, prefix)

    def _document(self, template: str, translator: Translator, **context: object) -> str:
        producer = self.collection.library.producer
        return self.renderer.document(template, translator, producer, self.clinic, **context)

    def _typeset(
        self,
        html: str,
        translator: Translator,
        plan: LanguagePlan,
        handouts: Sequence[Handout],
        style: StyleOptions,
        identifier: str,
        english: Translator | None = None,
    ) -> RenderedPdf:
        """Choose the font that prints every string of the document, and the font of each other
        language it holds text in (see `_foreign_texts`), then lay the PDF out."""
        lang = translator.lang
        self.renderer.stylesheet(lang, translator, None, style)  # records the footer's words
        texts = [*translator.printed, *self._untranslated_texts(handouts, lang)]
        font = choose_font(lang.script, texts, self.project.cache_dir, plan.characters)
        foreign = {
            tag: choose_font(language(tag).script, other, self.project.cache_dir)
            for tag, other in self._foreign_texts(handouts, lang, english).items()
        }
        css = self.renderer.stylesheet(lang, translator, font, style, foreign)
        return self.renderer.pdf(html, css, [font, *foreign.values()], identifier)

    def _foreign_texts(
        self, handouts: Sequence[Handout], lang: Language, english: Translator | None
    ) -> dict[str, list[str]]:
        """What a document in `lang` prints in other languages, by language tag: the English of
        citations, the producer and the English titles (and of the English parts of a bilingual
        handout), and the clinic's details in the clinic's language."""
        source = language(SOURCE_LANGUAGE)
        found: dict[str, list[str]] = {}
        if lang.tag != source.tag:
            found[source.tag] = [
                *(s.citation for h in handouts for s in h.sources),
                self.collection.library.producer,
                *(f"{h.review.reviewer} {h.review.credentials}" for h in handouts),
                *(h.title.msgid for h in handouts),
                *(english.printed if english is not None else ()),
            ]
        clinic_lang = language(self.clinic.language)
        if not self.clinic.is_empty and clinic_lang.tag != lang.tag:
            details = [getattr(self.clinic, name) for name in FIELDS]
            found.setdefault(clinic_lang.tag, []).extend(details)
        return found

    def _untranslated_texts(self, handouts: Sequence[Handout], lang: Language) -> list[str]:
        """Text printed as it is: citations, the producer, the reviewers, the dates, the page
        digits, and the safety box's marker."""
        digits = "".join(str(n) for n in range(10))
        return [
            *(s.citation for h in handouts for s in h.sources),
            self.collection.library.producer,
            *(f"{h.review.reviewer} {h.review.credentials}" for h in handouts),
            lang.native_name,
            *(lang.format_date(d) for h in handouts for d in (h.written, h.review.date) if d),
            *self.clinic.values().values(),
            digits if lang.numbering_system == "latn" else "",
            TEMPLATE_CHARACTERS,
        ]


def documents(workshop: Workshop) -> HandoutBuilder:
    """The worker's HandoutBuilder, made once and shared by every builder that needs a document."""
    return workshop.tool(
        "documents",
        lambda: HandoutBuilder(
            workshop.project, workshop.collection, workshop.clinic, workshop.allow_incomplete
        ),
    )
