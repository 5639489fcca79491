"""`dist/index.html`: the page a support group links to, made from the manifest after every build.

It lists every handout in every language that has been built, with what a reader needs to choose:
the language's own name, the title in that language, a picture of the first page, the review date
and the translation's review status in that language, and each file with its pages and size: the
PDFs, the web page and the braille file (BRF, for a braille embosser or a braille display). The
web pages of the handouts (`dist/<lang>/<id>.html`, written by the build's jobs) share its screen
stylesheet (`dist/site.css`) and fonts (`dist/fonts/`, the same prepared fonts as the PDFs).

Only files that the manifest records and that are on disk are listed, and every link is relative,
so the folder works from `file://`, from a USB stick and from any web server.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal
from babel.units import format_unit

from handoutpress.build import LanguagePlan, Project, plan_languages, template_messages
from handoutpress.catalogs import catalog_languages
from handoutpress.clinic import Clinic
from handoutpress.content import Collection, load_collection
from handoutpress.files import write_if_changed
from handoutpress.fonts import PreparedFont, choose_font
from handoutpress.locales import SOURCE_LANGUAGE, Language, language
from handoutpress.manifest import Manifest
from handoutpress.reviews import Review
from handoutpress.styles import SIZES, THEMES
from handoutpress.templating import TEMPLATE_CHARACTERS, HandoutPart, Templates
from handoutpress.translate import Translator, translate

INDEX = "index.html"
STYLESHEET = "site.css"
FONTS_DIR = "fonts"
INDEX_TEMPLATE = "index.html.j2"
STYLESHEET_TEMPLATE = "site.css.j2"


@dataclass(frozen=True)
class FileLink:
    """A PDF to open, with the facts a reader weighs before downloading it."""

    href: str
    variant: str  # "<size>/<theme>", the key of its label in index.html.j2
    pages: str
    size: str


@dataclass(frozen=True)
class Thumbnail:
    href: str
    width: int
    height: int


@dataclass(frozen=True)
class IndexHandout:
    doc: HandoutPart
    page: str | None
    thumbnail: Thumbnail | None
    pdfs: tuple[FileLink, ...]
    bilingual: tuple[FileLink, ...]
    braille: FileLink | None


@dataclass(frozen=True)
class IndexLanguage:
    lang: Language
    gettext: Translator
    review: Review | None
    booklets: tuple[FileLink, ...]
    handouts: tuple[IndexHandout, ...]


@dataclass(frozen=True)
class SiteFont:
    """A language's font for screens: its tag for `:lang()`, family name and files under fonts/."""

    tag: str
    family: str
    files: tuple[tuple[int, str], ...]


#: Outputs on disk, by (language tag, kind, handout id or None for a booklet).
Outputs = dict[tuple[str, str, str | None], list[dict[str, Any]]]


def write_site(
    project: Project, out_dir: Path, clinic: Clinic, known: Sequence[LanguagePlan] = ()
) -> list[Path]:
    """Write the index page, its stylesheet and fonts from the manifest; return the files changed.

    `known` are languages a build has just read (so their catalogs are not read again); the others
    with outputs in `out_dir` are read here. Every file is written atomically and only when its
    content changes, and is recorded in the manifest, so a build that changed nothing leaves the
    folder exactly as it was."""
    manifest = Manifest.load(out_dir)
    collection = load_collection(project.handouts_dir, project.root)
    templates = Templates(project.templates_dir, project.cache_dir)
    outputs = _outputs(manifest)
    built = {tag for tag, _, _ in outputs}
    languages = []
    for plan in _plans(project, built, known):
        languages.append((plan, _language(templates, collection, outputs, plan, out_dir)))
    english = Translator(language(SOURCE_LANGUAGE), {})
    fonts = [(english_font(project, collection, clinic), english.lang)]
    for plan, part in languages:
        if plan.code != SOURCE_LANGUAGE:
            font = language_font(project, collection, plan, clinic, part.gettext.printed)
            fonts.append((font, part.lang))
    producer = collection.library.producer
    parts = [part for _, part in languages]
    html = templates.document(INDEX_TEMPLATE, english, producer, clinic, languages=parts)
    files = screen_stylesheet(templates, fonts, out_dir)
    files[out_dir / INDEX] = html.encode()
    changed = [path for path, data in files.items() if write_if_changed(path, data)]
    for path, data in files.items():
        manifest.record_file(path, "site", data)
    # A font cut for an older catalog is no longer linked: remove it (only files the site wrote).
    for name in [n for n, e in manifest.entries.items() if e.get("kind") == "site"]:
        if out_dir / name not in files:
            (out_dir / name).unlink(missing_ok=True)
            del manifest.entries[name]
    manifest.save()
    return changed


def _outputs(manifest: Manifest) -> Outputs:
    found: Outputs = {}
    for kind in ("handout", "bilingual", "booklet", "html", "thumbnail", "braille"):
        for entry in manifest.outputs(kind):
            found.setdefault((entry["language"], kind, entry["handout"]), []).append(entry)
    return found


def _plans(project: Project, built: set[str], known: Sequence[LanguagePlan]) -> list[LanguagePlan]:
    """The languages that have outputs and still have a catalog, English first."""
    others = sorted(catalog_languages(project.locales_dir))
    codes = [c for c in (SOURCE_LANGUAGE, *others) if language(c).tag in built]
    plans = {plan.code: plan for plan in known}
    if missing := [c for c in codes if c not in plans]:
        plans |= {p.code: p for p in plan_languages(project, missing, allow_incomplete=True)}
    return [plans[c] for c in codes]


def _language(
    templates: Templates, collection: Collection, outputs: Outputs, plan: LanguagePlan, out_dir: Path
) -> IndexLanguage:
    """One language's part of the index: its handouts in collection order, and its booklets."""
    lang = language(plan.code)
    # Strings missing from an unfinished catalog are printed in English, tagged as English.
    translator = Translator(lang, plan.translations, allow_incomplete=True)
    review = None if lang.code == SOURCE_LANGUAGE else plan.review
    order = [f"{size}/{theme}" for size in SIZES for theme in THEMES]

    def links(kind: str, handout: str | None) -> tuple[FileLink, ...]:
        found = [_link(e, lang) for e in outputs.get((lang.tag, kind, handout), [])]
        return tuple(sorted(found, key=lambda link: order.index(link.variant)))

    def one(kind: str, handout: str) -> str | None:
        found = outputs.get((lang.tag, kind, handout))
        return found[0]["path"] if found else None

    handouts = []
    for handout in collection.handouts:
        pdfs = links("handout", handout.id)
        if not pdfs:
            continue
        translated = translate(handout, translator, values=Clinic().values())
        page, picture = one("html", handout.id), one("thumbnail", handout.id)
        braille = links("braille", handout.id)
        handouts.append(
            IndexHandout(
                doc=templates.part(translated, translator, review),
                page=_href(page) if page else None,
                thumbnail=_thumbnail(out_dir, picture) if picture else None,
                pdfs=pdfs,
                bilingual=links("bilingual", handout.id),
                braille=braille[0] if braille else None,
            )
        )
    return IndexLanguage(lang, translator, review, links("booklet", None), tuple(handouts))


def _href(path: str) -> str:
    """A relative URL for a path under dist/ (`zh-Hans/overview.pdf`)."""
    return quote(path)


def _link(entry: dict[str, Any], lang: Language) -> FileLink:
    return FileLink(
        href=_href(entry["path"]),
        variant=f"{entry['size']}/{entry['theme']}",
        pages=format_decimal(entry["pages"], locale=lang.locale),
        size=file_size(entry["bytes"], lang),
    )


def file_size(size: int, lang: Language) -> str:
    """A file size as a reader of `lang` writes it: `49 kB`, `1,2 MB`, `٤٩ ك.بايت`."""
    if size < 1_000_000:
        kilobytes = max(1, round(size / 1000))
        return format_unit(kilobytes, "digital-kilobyte", "short", locale=lang.locale)
    megabytes = round(size / 1_000_000, 1)
    return format_unit(megabytes, "digital-megabyte", "short", format="#,##0.#", locale=lang.locale)


def _thumbnail(out_dir: Path, path: str) -> Thumbnail:
    """Width and height from the PNG header, so the page does not jump as pictures load."""
    header = (out_dir / path).read_bytes()[:24]
    width, height = struct.unpack(">II", header[16:24])
    return Thumbnail(_href(path), width, height)


def _common_texts(collection: Collection, lang: Language, clinic: Clinic) -> list[str]:
    """What a language's pages print as it is: citations, producer, dates, digits, the clinic."""
    return [
        *(s.citation for s in collection.library.sources.values()),
        collection.library.producer,
        *(f"{h.review.reviewer} {h.review.credentials}" for h in collection.handouts),
        lang.native_name,
        *(lang.format_date(d) for h in collection.handouts for d in (h.written, h.review.date) if d),
        TEMPLATE_CHARACTERS,
        *clinic.values().values(),
        "0123456789",
    ]


def screen_stylesheet(
    templates: Templates, fonts: Sequence[tuple[PreparedFont, Language]], out_dir: Path
) -> dict[Path, bytes]:
    """The screen stylesheet (`site.css`) that sets each language in its font, and the font files
    it links under `fonts/`, by path: nothing is written here."""
    files: dict[Path, bytes] = {}
    site_fonts = [_site_font(font, lang, files, out_dir) for font, lang in fonts]
    css = templates.env.get_template(STYLESHEET_TEMPLATE).render(
        fonts=site_fonts, light=THEMES["default"], dark=THEMES["reverse"]
    )
    files[out_dir / STYLESHEET] = css.encode()
    return files


def english_font(project: Project, collection: Collection, clinic: Clinic) -> PreparedFont:
    """The font of English pages, of English inside translations and of the index's own words."""
    lang = language(SOURCE_LANGUAGE)
    english = [t.msgid for h in collection.handouts for t in h.texts()]
    texts = [*english, *template_messages(project), *_common_texts(collection, lang, clinic)]
    return choose_font(lang.script, texts, project.cache_dir)


def language_font(
    project: Project,
    collection: Collection,
    plan: LanguagePlan,
    clinic: Clinic,
    printed: Sequence[str] = (),
) -> PreparedFont:
    """The font of a language's web pages and its part of the index, proven against every character
    they can print: the whole catalog, the index's words (`printed`), and what is printed as it is."""
    lang = language(plan.code)
    texts = [plan.characters, *printed, *_common_texts(collection, lang, clinic)]
    return choose_font(lang.script, texts, project.cache_dir, plan.characters)


def _site_font(font: PreparedFont, lang: Language, files: dict[Path, bytes], out_dir: Path) -> SiteFont:
    """Copy a prepared font's files into dist/fonts/ (queued in `files`) and name them for CSS."""
    urls = []
    for weight, path in font.files:
        name = f"{font.css_family}-{weight}{path.suffix}"
        files[out_dir / FONTS_DIR / name] = path.read_bytes()
        urls.append((weight, f"{FONTS_DIR}/{quote(name)}"))
    return SiteFont(lang.tag, font.css_family, tuple(urls))
