"""Babel first: what Babel's reader reports with a line, Babel reports; handoutpress.posyntax keeps only
what Babel 2.19 misreads without a word. Each kept case shows why it is kept: Babel's
`read_po(abort_invalid=True)` takes it and changes the text (or stops with no line), while GNU
msgfmt refuses it (or, for octal and hex escapes, reads it otherwise than Babel). Each case Babel
reports shows Babel's own refusal at the same line, and `load_catalog` names every such line at once.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import PoFileError, read_po

from handoutpress.catalogs import CatalogError, load_catalog

from .conftest import msgfmt

HEAD = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""
FIRST = HEAD.count("\n") + 1  #: the line of the first line after the header


def catalog(tmp_path: Path, body: str) -> Path:
    po = tmp_path / "case.po"
    po.write_text(HEAD + body, encoding="utf-8")
    return po


def babel_reads(po: Path) -> list[tuple[object, object]]:
    """(msgid, msgstr) of every entry as Babel reads it, refusing what it finds invalid."""
    return [(m.id, m.string) for m in read_po(io.BytesIO(po.read_bytes()), abort_invalid=True) if m.id]


def msgfmt_refuses(po: Path) -> bool:
    return subprocess.run([msgfmt(), "-o", "/dev/null", str(po)], capture_output=True).returncode == 1


def refused(po: Path) -> list[tuple[int, str]]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(po, "case.po")
    return caught.value.problems


#: (case, entry, what Babel reads of it, the line of the problem after the header, the message)
KEPT = [
    pytest.param(
        'msgid "First part"\nmsgstr "Primera parte\n',
        [("First part", "Primera part")],
        1,
        'the string is not closed: end it with " on the same line',
        id="unclosed-string",
    ),
    pytest.param(
        'msgid "First part"\nmsgstr Primera\n',
        [("First part", "rimer")],
        1,
        'text must be in double quotes, as in msgstr "..."',
        id="unquoted-text",
    ),
    pytest.param(
        'msgid "First part"\nmsgstr "Primera" parte"\n',
        [("First part", 'Primera" parte')],
        1,
        'text after the closing quote: write \\" for a quote inside the text',
        id="text-after-quote",
    ),
    pytest.param(
        'msgid "First part"\nmsgstr "Primera \\q parte"\n',
        [("First part", "Primera \\q parte")],
        1,
        'unknown escape \\q: write \\\\ for a backslash, \\" for a quote',
        id="unknown-escape",
    ),
    pytest.param(
        'msgid "First part"\nmsgstr "Primera"\n\nmsgid "First part"\nmsgstr "Otra"\n',
        [("First part", "Primera")],
        3,
        "a second entry for 'First part' (first on line 7): keep one",
        id="duplicate-entry",
    ),
    pytest.param(
        'msgstr "Primera"\nmsgid "First part"\nmsgstr "Otra"\n',
        [("First part", "Otra")],
        0,
        "msgstr must follow its msgid",
        id="msgstr-before-msgid",
    ),
    pytest.param(
        'msgid "one"\nmsgid_plural "many"\nmsgstr "uno"\n',
        [(("one", "many"), ("uno", ""))],
        2,
        "msgstr must follow its msgid (after msgid_plural use msgstr[0], msgstr[1] ...)",
        id="msgstr-after-msgid-plural",
    ),
    pytest.param(
        'msgid "one"\nmsgid_plural "many"\nmsgstr[1] "varios"\n',
        [(("one", "many"), ("", "varios"))],
        2,
        "msgstr[1] is out of order: number the forms msgstr[0], msgstr[1] ...",
        id="plural-forms-out-of-order",
    ),
    pytest.param(
        'msgid "one"\nmsgstr[0] "uno"\n',
        [("one", "uno")],
        1,
        "msgstr[0] must follow a msgid_plural",
        id="plural-form-without-plural",
    ),
    pytest.param(
        'msgid "First part"\nmsgstr "Primera"\n\n#~ msgid "Old"\n#~ msgstr "Viejo\n',
        [("First part", "Primera")],
        4,
        'the string is not closed: end it with " on the same line',
        id="broken-obsolete-line",
    ),
    pytest.param(
        '#, fuzzy\n#| msgid "Old\nmsgid "First part"\nmsgstr "Primera"\n',
        [("First part", "Primera")],
        1,
        'the string is not closed: end it with " on the same line',
        id="broken-previous-line",
    ),
]


@pytest.mark.parametrize(("entry", "babel", "line", "message"), KEPT)
def test_what_babel_misreads_msgfmt_refuses_and_so_does_the_scan(
    tmp_path, entry, babel, line, message
) -> None:
    po = catalog(tmp_path, entry)
    assert babel_reads(po) == babel  # no error, and not what the translator wrote
    assert msgfmt_refuses(po)
    assert refused(po) == [(FIRST + line, f"catalog syntax error: {message}")]


@pytest.mark.parametrize(("escape", "character"), [("\\303\\251", "é"), ("\\x41", "A")])
def test_octal_and_hex_escapes_msgfmt_decodes_babel_keeps_as_text(tmp_path, escape, character) -> None:
    po = catalog(tmp_path, f'msgid "First part"\nmsgstr "Primera {escape}"\n')
    mo = tmp_path / "case.mo"
    subprocess.run([msgfmt(), "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as fh:
        assert read_mo(fh).get("First part").string == f"Primera {character}"
    assert babel_reads(po) == [("First part", f"Primera {escape}")]  # a PDF would print "\303\251"
    [(line, message)] = refused(po)
    assert line == FIRST + 1 and message.startswith("catalog syntax error: escape \\")


def test_a_plural_form_without_a_number_stops_babel_with_no_line(tmp_path) -> None:
    po = catalog(tmp_path, 'msgid "one"\nmsgid_plural "many"\nmsgstr[a] "uno"\n')
    with pytest.raises(ValueError, match="invalid literal for int"):
        babel_reads(po)
    assert msgfmt_refuses(po)
    assert refused(po) == [
        (FIRST + 2, "catalog syntax error: number the plural forms: msgstr[0], msgstr[1] ...")
    ]


def test_a_byte_order_mark_babel_calls_an_unknown_keyword_on_line_0(tmp_path) -> None:
    po = tmp_path / "case.po"
    po.write_text("\ufeff" + HEAD + 'msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(PoFileError, match="Unknown or misformatted keyword") as caught:
        babel_reads(po)
    assert caught.value.lineno == 0  # Babel counts from 0, and names no BOM
    assert refused(po) == [
        (
            1,
            "catalog syntax error: the file starts with a byte order mark (BOM): save it as "
            "UTF-8 without BOM",
        )
    ]


#: What Babel reports itself: (entry, the line after the header Babel names, the message).
BABEL_REPORTS = [
    pytest.param(
        'msgid "First part"\nmsgtr "Primera"\n',
        1,
        "unexpected 'msgtr': a line starts with msgid, msgstr, \" or # "
        '(a line of text continues in quotes: "...")',
        id="unknown-keyword",
    ),
    pytest.param(
        'msgid "First part"\n\nmsgid "Second"\nmsgstr "Segundo"\n',
        0,
        'an entry without msgstr: add msgstr "" below it',
        id="entry-without-msgstr",
    ),
    pytest.param(
        'msgid "a"\nmsgstr "b"\n#-#-#-#-#  other.po  #-#-#-#-#\n',
        2,
        "a merge conflict mark (#-#-#-#-#): keep one version of the entry and delete the marks",
        id="conflict-mark",
    ),
]


@pytest.mark.parametrize(("entry", "line", "message"), BABEL_REPORTS)
def test_what_babel_reports_is_reported_at_babels_line(tmp_path, entry, line, message) -> None:
    po = catalog(tmp_path, entry)
    with pytest.raises(PoFileError) as caught:
        babel_reads(po)
    assert caught.value.lineno + 1 == FIRST + line  # Babel's line, counted from 0
    assert refused(po) == [(FIRST + line, f"catalog syntax error: {message}")]


def test_a_quoted_line_before_any_entry_is_babels_to_report(tmp_path) -> None:
    po = tmp_path / "case.po"
    po.write_text('"Language: es\\n"\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(PoFileError, match="Got line starting with"):
        babel_reads(po)
    assert refused(po) == [(1, "catalog syntax error: a quoted line with no msgid or msgstr before it")]


def test_every_line_babel_and_the_scan_refuse_is_named_at_once(tmp_path) -> None:
    """Babel's `abort_invalid` stops at the first; the catalog's reader goes on, as msgfmt does,
    and an entry whose keyword is misspelled is one problem, not also an entry without msgstr."""
    po = catalog(
        tmp_path,
        'msgid "First part"\nmsgtr "Primera"\n\n'
        'msgid "Second"\n\n'
        'msgid "Third"\nmsgstr "Tercera\n\n'
        'msgid "Fourth"\nmsgstrr "Cuarta"\n',
    )
    assert [line - FIRST for line, _ in refused(po)] == [1, 3, 6, 9]
