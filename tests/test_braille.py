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

from handoutpress.braille import TABLES, write_brf
from handoutpress.build import HandoutBuilder, Project, plan_languages
from handoutpress.catalogs import catalog_languages
from handoutpress.clinic import BrailleOptions, load_clinic
from handoutpress.content import load_collection
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
        *(
            (chr(sign), chr(vowel))
            for sign, vowel in zip(range(0x93E, 0x94D), range(0x906, 0x915), strict=True)
        ),
        ("\u090d", "\u0910"),
        ("\u0912", "\u0913"),
        ("\u0904", "\u0905"),  # अ comes back as ऄ (short a)
        ("\u0916", ""),  # ख (dots 46) sometimes comes back as a full stop: compared without it
        ("\u0923", ""),  # ण is dots 3456, read back as the number sign: compared without it
        ("\u092b", ""),  # फ (dots 235) is read back as an exclamation mark: compared without it
        ("\u094d", ""),  # the virama of a conjunct comes back after its next consonant
    ],
    # Vietnamese: ê and ê with a tone mark come back as private-use characters (U+F320...).
    "vi": [
        ("o\u1ebb", "\u1ecfe"),  # khỏe comes back as khoẻ (the other placement of the tone)
        ("\u00ea", "\uf326"),
        ("\u1ebf", "\uf321"),
        ("\u1ec3", "\uf320"),
        ("\u1ebe", "\uf323"),
        ("\u1ec2", "\uf322"),
    ],
    # Arabic: alef with hamza above sometimes comes back as U+F503 (private use): both as alef.
    "ar": [
        ("\u0623", "\u0627"),
        ("\uf503", "\u0627"),
        ("\u0651", ""),
    ],  # shadda, written before its letter, comes back on the one before
}
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
    # Chinese: the table's bold (UEB's word, passage and terminator indicators) is not a syllable
    "zh_Hans": [("^1", ""), ("^7", ""), ("^'", "")],
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


def lost_words(
    data: bytes, code: str, table: str, strings: list[str], options: BrailleOptions
) -> list[str]:
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


#: Chinese braille (现行盲文, kept by the National Common Braille Scheme, GF 0019-2018): one cell for
#: the initial (j q x share g k h's), one for the final, one for the tone; dots as digits.
INITIALS = {
    "b": "12", "p": "1234", "m": "134", "f": "124", "d": "145", "t": "2345", "n": "1345",
    "l": "123", "g": "1245", "k": "13", "h": "125", "j": "1245", "q": "13", "x": "125",
    "zh": "34", "ch": "12345", "sh": "156", "r": "245", "z": "1356", "c": "14", "s": "234",
}  # fmt: skip
FINALS = {
    "a": "35", "o": "26", "e": "26", "ai": "246", "ei": "2346", "ao": "235", "ou": "12356",
    "an": "1236", "en": "356", "ang": "236", "eng": "3456", "er": "1235", "i": "24", "ia": "1246",
    "ie": "15", "iao": "345", "iou": "1256", "ian": "146", "in": "126", "iang": "1346",
    "ing": "16", "u": "136", "ua": "123456", "uo": "135", "uai": "13456", "uei": "2456",
    "uan": "12456", "uen": "25", "uang": "2356", "ong": "256", "ueng": "256", "v": "346",
    "ve": "23456", "van": "12346", "vn": "456", "iong": "1456",
}  # fmt: skip
TONES = {"1", "2", "3", "23"}
#: zhi chi shi ri zi ci si: the initial alone (the final -i is not written).
SIBILANTS = {"zh", "ch", "sh", "r", "z", "c", "s"}
#: One letter per initial or final cell, to compare cell strings.
SPELLING = {
    d: chr(ord("a") + i) for i, d in enumerate(sorted(set(INITIALS.values()) | set(FINALS.values())))
}
#: Characters the table writes short (the scheme's 简写 of frequent words), in those letters:
#: 的 de as ⠙ alone, 么 me as ⠍ alone, 他 ta as ⠞ alone and 它 ta as ⠈⠞ (dot 4, then t).
SHORT = {"的": SPELLING["145"], "么": SPELLING["134"], "他": SPELLING["2345"], "它": SPELLING["2345"]}
#: Words whose reading the table's dictionary and pypinyin choose differently, with the characters
#: that read as the table writes them. 什么 shénme is written ⠱⠍ (its short form) in 为什么;
#: 检查 jiǎnchá is written jian zha: the table takes 查's other reading (the surname Zhā), a
#: mistake of the table's dictionary that a reader meets in every handout; so is 还 hái written
#: huan in 还可能. The adverb suffix 地 in 安全地 is de, as the table writes it (pypinyin: di).
PHRASES = {"为什么": "为是么", "检查": "检扎", "还可": "环可", "安全地": "安全德"}


def display_dots() -> dict[str, str]:
    """Braille ASCII to dots, from liblouis' own display table (not handoutpress's)."""
    text = (Path("/usr/share/liblouis/tables") / DISPLAY).read_text()
    found = re.findall(r"^display\s+(\S+)\s+(\d+)", text, re.M)
    dots = {("\\" if c == "\\\\" else c): d for c, d in found}
    dots[" "] = "0"
    return dots


def cells_of_braille(lines: list[str]) -> str:
    """The BRF's initial and final cells, as letters (a-z, one per cell pattern), without tones,
    spaces and signs: a syllable with only an initial followed by one with only a final (是一,
    ⠱⠊) reads like one syllable (shi), so syllables are compared as the cells they are made of."""
    dots = display_dots()
    for indicator, replacement in UNREAD_INDICATORS["zh_Hans"]:
        lines = [line.replace(indicator, replacement) for line in lines]
    return "".join(SPELLING.get(dots[c], "") for c in "".join(lines))


def cells_of_print(clause: str) -> str:
    """A run of Chinese characters as the scheme spells it, by pypinyin's reading, in the letters
    of `cells_of_braille`."""
    for phrase, written in PHRASES.items():
        clause = clause.replace(phrase, written)
    initials = [p[0] for p in pinyin(clause, style=Style.INITIALS, strict=True)]
    finals = [p[0] for p in pinyin(clause, style=Style.FINALS, strict=True)]
    out = []
    for char, initial, final in zip(clause, initials, finals, strict=True):
        if char in SHORT:
            out.append(SHORT[char])
            continue
        cells = [INITIALS.get(initial, "")]
        if not (initial in SIBILANTS and final == "i"):
            cells.append(FINALS[final])
        out.append("".join(SPELLING[c] for c in cells if c))
    return "".join(out)


def test_chinese_braille_spells_every_printed_syllable(brfs: Path) -> None:
    """Every run of characters the Chinese PDF prints is in the BRF, syllable by syllable."""
    lost = {}
    for handout in COLLECTION.handouts:
        data = (brfs / "zh_Hans" / f"{handout.id}.brf").read_bytes()
        read = cells_of_braille(body_of(data, TABLES["zh_Hans"], BrailleOptions()))
        runs = [r for s in printed("zh_Hans", handout.id) for r in re.findall(r"[\u4e00-\u9fff]+", s)]
        missing = [r for r in runs if cells_of_print(r) not in read]
        if missing:
            lost[handout.id] = missing
    assert lost == {}
