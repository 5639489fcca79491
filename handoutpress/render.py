"""Lay out and write tagged PDFs (PDF/UA-1) with WeasyPrint, from the HTML and CSS of the templates.

One Renderer per process: it holds WeasyPrint's FontConfiguration, which must be the same object for
`CSS(...)` and `write_pdf()` or `@font-face` rules are ignored. Rendering never touches the network and
reads no file outside the project's templates and the prepared font files: the URL fetcher refuses
everything else, whatever a handout or a translation contains.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from handoutpress import linebreak, tagging
from handoutpress.fonts import PreparedFont
from handoutpress.libraries import import_weasyprint
from handoutpress.templating import Templates

import_weasyprint()  # its C libraries found without running the C compiler: see libraries.py

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


class ProjectFetcher(URLFetcher):
    """Serves only files under the allowed folders (templates) and the prepared font files.

    Anything else (http:, data:, a file elsewhere on disk) is refused; WeasyPrint then leaves the
    resource out. `refused` records what was asked for, so tests and checks can see it.
    """

    def __init__(self, folders: Iterable[Path], files: Iterable[Path] = ()):
        super().__init__(allowed_protocols={"file"})
        self.folders = tuple(p.resolve() for p in folders)
        self.files = {p.resolve() for p in files}
        self.refused: list[str] = []

    def allow(self, files: Iterable[Path]) -> None:
        self.files |= {p.resolve() for p in files}

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = _file_path(url)
        if path is None or not self._allowed(path):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:80]!r}: only project templates and fonts")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())

    def _allowed(self, path: Path) -> bool:
        if path in self.files:
            return True
        return path.is_file() and any(path.is_relative_to(folder) for folder in self.folders)


def _file_path(url: str) -> Path | None:
    if not url.startswith("file://"):
        return None
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    return Path(unquote(parts.path)).resolve()


class Renderer(Templates):
    """The templates, and PDFs from them: one FontConfiguration and one fetcher for the process."""

    def __init__(self, templates_dir: Path, cache_dir: Path | None = None):
        super().__init__(templates_dir, cache_dir)
        tagging.install()
        linebreak.install()
        self.font_config = FontConfiguration()
        self.fetcher = ProjectFetcher([templates_dir])
        self.base_url = templates_dir.resolve().as_uri() + "/"
        self._stylesheets: dict[str, weasyprint.CSS] = {}

    def pdf(self, html: str, css: str, fonts: Sequence[PreparedFont], identifier: str) -> RenderedPdf:
        """Lay out and write a tagged PDF; `identifier` makes the PDF's /ID stable across builds."""
        for font in fonts:
            self.fetcher.allow(font.paths)
        base = self.base_url
        document = weasyprint.HTML(string=html, base_url=base, url_fetcher=self.fetcher).render(
            stylesheets=[self._stylesheet(css)], font_config=self.font_config, pdf_variant=PDF_VARIANT
        )
        data = document.write_pdf(pdf_variant=PDF_VARIANT)
        return RenderedPdf(with_file_identifier(data, identifier), len(document.pages))

    def _stylesheet(self, css: str) -> weasyprint.CSS:
        """The parsed stylesheet, once per text: a language's handouts in one print share one, and
        parsing it again for each PDF cost 4 ms of about 130. WeasyPrint reads a parsed stylesheet
        without changing it, with the FontConfiguration it was parsed with (this Renderer's)."""
        if css not in self._stylesheets:
            if len(self._stylesheets) >= MAX_STYLESHEETS:
                self._stylesheets.clear()
            self._stylesheets[css] = weasyprint.CSS(
                string=css,
                base_url=self.base_url,
                font_config=self.font_config,
                url_fetcher=self.fetcher,
            )
        return self._stylesheets[css]


#: Parsed stylesheets a Renderer keeps: one per language, print and font, so a whole build's fit.
MAX_STYLESHEETS = 256


def with_file_identifier(pdf: bytes, identifier: str) -> bytes:
    """`pdf` with a file identifier (the trailer's /ID) that is the same in every build.

    WeasyPrint's `pdf_identifier` option makes pydyf serialise and compress every object a second
    time to hash it, which cost 6% of a handout's drawing. The /ID is put here instead: its first
    part comes from the job (`identifier`: handout, language, print), its second from the bytes, as
    the PDF specification asks (the same file, the same /ID; a changed file, a new second part).
    It goes into the dictionary of the cross-reference stream, the file's last object, so no
    offset that the file records moves."""
    try:
        start = pdf.rindex(b"<</Type /XRef")
        end = pdf.index(b">>\nstream\n", start)
        insert = pdf.index(b"/Filter /FlateDecode", start, end)
    except ValueError:
        raise ValueError(
            "no compressed cross-reference stream to put the file identifier in: pydyf writes PDFs "
            "another way now; update render.with_file_identifier"
        ) from None
    if b"/ID " in pdf[start:end]:
        raise ValueError("the PDF already has a file identifier")
    first = hashlib.sha256(identifier.encode()).hexdigest()[:32]
    second = hashlib.md5(pdf, usedforsecurity=False).hexdigest()
    entry = f"/ID [({first}) ({second})]".encode()
    return pdf[:insert] + entry + pdf[insert:]
