"""The pages of the live preview: what `serve` adds to a handout's web page, and the pages it makes.

Every page the preview serves gets the marks' stylesheet and a tiny script that listens for the
page's reload signal. That is a server-sent event carrying the page's token, a hash of what the page
shows, and a new token makes the page reload itself. The handouts' web pages are served as the
preview drew them, with only that script and the error lines added: the files on disk, and everything
a build ships, carry no script. The preview makes three pages of its own: the index of the
language's handouts (what is left to translate in each), a handout's PDF drawn as pictures, and a
page that waits while a handout is first drawn. Their words are English: they are for the
translator, not for patients.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import jinja2

from handoutpress.live import Snapshot, View
from handoutpress.locales import language
from handoutpress.marking import FUZZY, GUESS_CSS, MARKS_CSS, UNTRANSLATED

#: Served as /_live/live.js: reloads the page when its token changes.
LIVE_JS = b"""// The live preview (build_pdfs.py serve) reloads this page when what it shows changes.
(() => {
  const me = document.currentScript;
  const events = new EventSource("/_live/events?page=" + encodeURIComponent(me.dataset.page));
  events.onmessage = (event) => {
    if (event.data !== me.dataset.token) {
      events.close();
      location.reload();
    }
  };
})();
"""

#: Served as /_live/live.css: the marks, the error lines, the pictures of PDF pages.
LIVE_CSS = (
    MARKS_CSS
    + GUESS_CSS
    + """
.hp-live-errors { border: 0.2rem solid currentColor; padding: 0.5rem 1rem; margin: 0 0 1rem; }
.hp-live-errors p { font-family: monospace; overflow-wrap: anywhere; margin: 0.3rem 0; }
.hp-live-pages img { display: block; width: 100%; height: auto; margin: 1rem 0;
                     border: 0.1rem solid currentColor; }
"""
).encode()

#: `/<tag>/<id>.pages.html`: a handout's PDF as pictures.
PAGES = re.compile(r"/(?P<tag>[^/]+)/(?P<id>[^/]+)\.pages\.html")
#: `/<tag>/<id>.html`: a handout's web page.
PAGE = re.compile(r"/(?P<tag>[^/]+)/(?P<id>[^/.]+)\.html")
#: `/<tag>/<id>-page-<n>.png`: one picture of a PDF page.
PICTURE = re.compile(r"/(?P<tag>[^/]+)/(?P<id>[^/]+)-page-(?P<n>[1-9][0-9]*)\.png")

_TEMPLATES = {
    "head": """\
<link rel="stylesheet" href="/_live/live.css">\
<script src="/_live/live.js" data-page="{{ path }}" data-token="{{ token }}" defer></script>""",
    "errors": """\
{%- if errors %}<div class="hp-live-errors" role="alert">
<p><strong>Not drawn again until this is fixed; you see the last good version:</strong></p>
{%- for line in errors %}
<p>{{ line }}</p>
{%- endfor %}
</div>{% endif %}""",
    "page": """\
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="/site.css">
  {% include "head" %}
</head>
<body>
{% include "errors" %}
{% block body %}{% endblock %}
</body>
</html>
""",
    "index": """\
{% extends "page" %}{% block body %}
<header>
  <h1>Live preview: {{ lang.native_name }} ({{ lang.code }})</h1>
  <p>These pages reload by themselves when you save a catalog, a handout, a template or the clinic
  profile. A string marked [{{ untranslated }}] or [{{ fuzzy }}] shows its English, as a build
  prints it; the marks are never printed.</p>
</header>
<main>
  <ul class="handouts">
  {%- for view in views %}
    <li>
      <h2 lang="{{ lang.tag }}" dir="{{ lang.direction }}">{{ view.heading }}</h2>
      <p><code>{{ view.id }}</code>: {{ left(view) }}
      {%- if view.error %} (not drawn: {{ view.error }})
      {%- elif not view.pdf_sha %} (being drawn){% endif %}</p>
      <p><a href="/{{ lang.tag }}/{{ view.id }}.html">Web page</a>,
         <a href="/{{ lang.tag }}/{{ view.id }}.pages.html">PDF pages</a>,
         <a href="/{{ lang.tag }}/{{ view.id }}.pdf">PDF</a></p>
    </li>
  {%- endfor %}
  </ul>
</main>
{% endblock %}""",
    "pictures": """\
{% extends "page" %}{% block body %}
<header>
  <p><a href="/">All handouts</a>, <a href="{{ view.id }}.html">web page</a></p>
  <h1 lang="{{ lang.tag }}" dir="{{ lang.direction }}">{{ view.heading }}</h1>
  <p>The PDF, {{ view.pages }} pages, drawn as pictures.
     <a href="{{ view.id }}.pdf">Open the PDF itself</a> (reload it by hand after a save).</p>
</header>
<main class="hp-live-pages">
{%- for n in range(1, view.pages + 1) %}
  <img src="{{ view.id }}-page-{{ n }}.png?v={{ view.pdf_sha[:12] }}"
       alt="Page {{ n }} of {{ view.pages }}">
{%- endfor %}
</main>
{% endblock %}""",
    "waiting": """\
{% extends "page" %}{% block body %}
<main><h1>{{ title }}</h1><p>Being drawn: this page shows it when it is ready.</p></main>
{% endblock %}""",
}

_env = jinja2.Environment(
    loader=jinja2.DictLoader(_TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
)


def page_token(path: str, snapshot: Snapshot) -> str:
    """A hash of what the page at `path` shows: its reload signal is a new token.

    A handout's web page changes with its HTML and the stylesheet, its PDF pages with the PDF, and
    every page with the error lines. The index shows everything."""
    tag = language(snapshot.lang_code).tag
    parts: tuple[object, ...] = (snapshot.errors,)
    if (match := PAGES.fullmatch(path)) and match["tag"] == tag:
        view = snapshot.view(match["id"])
        parts += (view and (view.pdf_sha, view.pages, view.error),)
    elif (match := PAGE.fullmatch(path)) and match["tag"] == tag:
        view = snapshot.view(match["id"])
        parts += (view and (view.page_sha, view.error), snapshot.stylesheet_sha)
    else:
        parts += (snapshot.views, snapshot.stylesheet_sha)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def errors_of(snapshot: Snapshot, handout: str | None = None) -> list[str]:
    """The error lines a page shows: the broken inputs', and its own handout's."""
    view = snapshot.view(handout) if handout else None
    return [*snapshot.errors, *([view.error] if view and view.error else [])]


def served_page(document: str, path: str, snapshot: Snapshot, handout: str) -> str:
    """A handout's web page as the preview drew it, with the reload script and error lines."""
    context = {"path": path, "token": page_token(path, snapshot)}
    head = _env.get_template("head").render(context)
    errors = _env.get_template("errors").render(errors=errors_of(snapshot, handout))
    document = document.replace("</head>", head + "\n</head>", 1)
    return re.sub(r"<body[^>]*>", lambda m: m.group(0) + errors, document, count=1)


def _render(
    name: str, path: str, snapshot: Snapshot, title: str, errors: Sequence[str], **context: object
) -> str:
    lang = language(snapshot.lang_code)
    token = page_token(path, snapshot)
    template = _env.get_template(name)
    return template.render(path=path, token=token, title=title, errors=errors, lang=lang, **context)


def _left(view: View) -> str:
    """What is left to translate in a handout, in a translator's words."""
    if not view.untranslated and not view.fuzzy:
        return "every string translated"
    return f"{view.untranslated} {UNTRANSLATED}, {view.fuzzy} {FUZZY}"


def index_page(snapshot: Snapshot) -> str:
    """`/`: every handout of the language, what is left in it, and its pages."""
    lang = language(snapshot.lang_code)
    return _render(
        "index", "/", snapshot, f"Live preview: {lang.native_name}", snapshot.errors,
        views=snapshot.views, left=_left, untranslated=UNTRANSLATED, fuzzy=FUZZY,
    )  # fmt: skip


def pictures_page(path: str, snapshot: Snapshot, view: View) -> str:
    """`/<tag>/<id>.pages.html`: the handout's PDF, page by page, as pictures."""
    errors = errors_of(snapshot, view.id)
    return _render("pictures", path, snapshot, f"{view.title} (PDF)", errors, view=view)


def waiting_page(path: str, snapshot: Snapshot, handout: str) -> str:
    """A handout not drawn yet: the page reloads when it is."""
    errors = errors_of(snapshot, handout)
    return _render("waiting", path, snapshot, f"{handout}: being drawn", errors)
