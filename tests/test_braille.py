"""Braille files: every shipped language's BRF read back as a braille reader's software reads it.

The oracle is independent of handoutpress.braille and of its liblouis binding: the BRF is read with
liblouis' own command (`lou_translate --backward`, Debian's liblouis-bin) through liblouis' North
American braille ASCII display table, and every word the PDF prints (the build's own record of it)
must come back. Chinese braille spells syllables, not characters, so no table can give the
characters back: its cells are read as pinyin syllables by the published scheme and compared with
pypinyin's reading of the printed text. What a table writes in a way it cannot undo is named below.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from handoutpress.braille import NoBraille, TABLES, write_brf
from handoutpress.build import HandoutBuilder, Project, plan_languages
from handoutpress.catalogs import catalog_languages
from handoutpress.clinic import BrailleOptions, Clinic, load_clinic
from handoutpress.content import ContentError, load_collection
from handoutpress.styles import StyleOptions

from .conftest import REPO

LANGUAGES = ["en", *catalog_languages(REPO / "locales")]
PROJECT = Project(REPO)
COLLECTION = load_collection(PROJECT.handouts_dir, REPO)
CLINIC = load_clinic(REPO / "clinic.example.yaml")
#: The 64 characters of North American braille ASCII: space to underscore.
BRAILLE_ASCII = {chr(c) for c in range(0x20, 0x60)}
DISPLAY = "en-us-brf.dis"

#: What each table writes in a way its backward translation cannot undo, and how both sides are
#: made alike before words are compared (case is always folded: the tables differ in capitals).
UNDONE: dict[str, list[tuple[str, str]]] = {
    # Hindi (Bharati): a vowel sign is written with the cell of its vowel, and the table reads it
    # back as the independent vowel; it drops the nukta of ज़ फ़ ग़ ख़ (not of ड़ ढ़); ऐ and ऍ, ओ and
    # ऒ share a cell; the danda comes back as a full stop.
    "hi": [
        *((chr(sign), chr(vowel)) for sign, vowel in zip(range(0x93E, 0x94D), range(0x906, 0x915))),
        ("\u090d", "\u0910"),
        ("\u0912", "\u0913"),
        ("\u0904", "\u0905"),  # अ comes back as ऄ (short a)
        ("\u0916", ""),  # ख (dots 46) sometimes comes back as a full stop: compared without it
        ("\u0923", ""),  # ण is dots 3456, read back as the number sign: compared without it
        ("\u092b", ""),  # फ (dots 235) is read back as an exclamation mark: compared without it
        ("\u094d", ""),  # the virama of a conjunct comes back after its next consonant
    ],
    # Vietnamese: ê and ê with a tone mark come back as private-use characters (U+F320...).
    "vi": [("o\u1ebb", "\u1ecfe"),  # khỏe comes back as khoẻ (the other placement of the tone)
           ("\u00ea", "\uf326"), ("\u1ebf", "\uf321"), ("\u1ec3", "\uf320"),
           ("\u1ebe", "\uf323"), ("\u1ec2", "\uf322")],  # fmt: skip
    # Arabic: alef with hamza above sometimes comes back as U+F503 (private use): both as alef.
    "ar": [("\u0623", "\u0627"), ("\uf503", "\u0627"),
           ("\u0651", "")],  # shadda, written before its letter, comes back on the one before
}  # fmt: skip
#: Words a table writes in a way its backward translation reads as other words.
NOT_READ_BACK = {
    # Hindi: the clinic's web address is written in computer braille, read back as Hindi letters;
    # the digits of its phone number after the hyphen lose the number sign and come back as letters.
    "hi": {"example", "org", "0100"},
    # French: a citation's pages "2018;14(5):546-555" carry number mode across the colon on the way
    # in, not on the way out: the digits after it come back as the letters ûôë.
    "fr": {"546", "555"},
}
#: Indicators a table writes and its backward translation cannot read (it gives them back as
#: escapes, or misreads the letter after them): taken out of the braille (ASCII) before reading it.
UNREAD_INDICATORS = {
    # UEB bold: word ⠘⠂, passage ⠘⠶, terminator ⠘⠄
    "en": [("^1", ""), ("^7", ""), ("^'", "")],
    # Bharati bold word ⠸⠨, read back as ळख
    "hi": [("_.", "")],
    # the capital sign ⠨ before k or m, read back as another sign (Kích as ích, Moawad as µoawad)
    "vi": [(".K", "K"), (".M", "M")],
}
#: Latin text (the sources, the producer, the clinic) in a table of another script: written with
#: the international letter cells, which the table reads back as its own letters; those words are
#: read with English uncontracted braille instead.
LATIN_READ_AS_OWN_SCRIPT = {"ar", "hi", "ru", "zh_Hans"}
LATIN = "en-ueb-g1.ctb"
#: What is not part of a word: punctuation, symbols, spaces, controls (vowel signs are).
NOT_WORD = re.compile("[^" + "".join(
    re.escape(chr(c)) for c in range(0x3000) if unicodedata.category(chr(c))[0] in "LMN"
) + "]")  # fmt: skip


def normalised(text: str, code: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = text.replace("\u093c", "")  # Devanagari nukta: Hindi braille drops it (above)
    text = unicodedata.normalize("NFC", text)
    for old, new in UNDONE.get(code, []):
        text = text.replace(old, new)
    digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return NOT_WORD.sub("", digits.casefold())


def words(string: str) -> list[str]:
    return [w for w in NOT_WORD.split(string) if w]


def pages_of(data: bytes, options: BrailleOptions) -> list[list[str]]:
    """The BRF's pages: only braille ASCII, line feeds and form feeds; every line and page fits."""
    text = data.decode("ascii")
    assert set(text) <= BRAILLE_ASCII | {"\n", "\f"}, set(text) - BRAILLE_ASCII
    assert text.endswith("\n\f")
    pages = [page.split("\n")[:-1] for page in text.split("\f")[:-1]]
    for page in pages:
        assert len(page) == options.lines
        assert all(len(line) <= options.cells for line in page), page
    return pages


def lou_backward(table: str, lines: list[str]) -> list[str]:
    """liblouis' own command, one output line per input line."""
    done = subprocess.run(
        ["lou_translate", "--backward", f"{DISPLAY},{table}"],
        input="".join(line.replace("\\", "\\\\") + "\n" for line in lines),  # it reads \x escapes
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split("\n")[: len(lines)]


def body_of(data: bytes, table: str, options: BrailleOptions) -> list[str]:
    """The BRF's lines of text, after each page's number is proved to be its number (read with
    the BRF's table): the last line of a page holds the number alone, at the right margin."""
    pages = pages_of(data, options)
    numbers = [page[-1] for page in pages]
    assert all(re.fullmatch(r" {3,}\S+", n) for n in numbers), numbers
    read = lou_backward(table, [n.strip() for n in numbers])
    assert [int(normalised(n, "") or -1) for n in read] == list(range(1, len(pages) + 1))
    return [line for page in pages for line in page[:-1] if line.strip(" 7")]  # box lines: 7777


def read_back(body: list[str], code: str, table: str) -> str:
    """The text as liblouis reads it back, line by line as a display shows it."""
    for indicator, replacement in UNREAD_INDICATORS.get(code, []):
        body = [line.replace(indicator, replacement) for line in body]
    return " ".join(lou_backward(table, body))


def printed(code: str, handout_id: str) -> list[str]:
    """Every string the handout's PDF prints (the build's record), but the page footer."""
    plans, _ = plan_languages(PROJECT, [code], allow_incomplete=False)
    builder = HandoutBuilder(PROJECT, COLLECTION, CLINIC)
    strings = builder.printed(COLLECTION.handout(handout_id), plans[0], StyleOptions())
    return [s for s in strings if "{page}" not in s]


def lost_words(data: bytes, code: str, table: str, strings: list[str], options: BrailleOptions) -> list[str]:
    """The printed words the BRF does not give back."""
    body = body_of(data, table, options)
    back = normalised(read_back(body, code, table), code)
    latin = normalised(read_back(body, code, LATIN), code)
    lost = []
    for string in strings:
        for word in words(string):
            found = normalised(word, code) in back
            if code in LATIN_READ_AS_OWN_SCRIPT and word.isascii():
                found = found or normalised(word, code) in latin
            if not found and word not in NOT_READ_BACK.get(code, ()):
                lost.append(word)
    return lost


@pytest.fixture(scope="module")
def brfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brf")
    for code in LANGUAGES:
        for handout in COLLECTION.handouts:
            write_brf(REPO, out / code / f"{handout.id}.brf", handout.id, code, CLINIC)
    return out


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "zh_Hans"])
def test_every_printed_word_comes_back_from_the_braille(brfs: Path, code: str) -> None:
    lost = {}
    for handout in COLLECTION.handouts:
        data = (brfs / code / f"{handout.id}.brf").read_bytes()
        missing = lost_words(data, code, TABLES[code], printed(code, handout.id), BrailleOptions())
        if missing:
            lost[handout.id] = missing
    assert lost == {}
