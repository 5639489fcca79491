"""Braille files: every shipped language's BRF read back as a braille reader's software reads it.

The oracle is independent of handoutpress.braille and of its liblouis binding: the BRF is read with
liblouis' own command (`lou_translate --backward`, Debian's liblouis-bin) through liblouis' North
American braille ASCII display table, and every word the PDF prints (the build's own record of it)
must come back. Chinese braille spells syllables, not characters, so no table can give the
characters back: its cells are read as pinyin syllables by the published scheme and compared with
pypinyin's reading of the printed text. What a table writes in a way it cannot undo is named below.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypinyin import Style, pinyin

from handoutpress import braille
from handoutpress.braille import TABLES, NoBraille, write_brf
from handoutpress.build import Project, plan_languages
from handoutpress.catalogs import catalog_languages
from handoutpress.clinic import BrailleOptions, Clinic, load_clinic
from handoutpress.content import ContentError, load_collection
from handoutpress.documents import HandoutBuilder
from handoutpress.styles import StyleOptions

from .conftest import REPO

LANGUAGES = ["en", *catalog_languages(REPO / "locales")]
PROJECT = Project(REPO)
COLLECTION = load_collection(PROJECT.handouts_dir, REPO)
CLINIC = load_clinic(REPO / "clinic.example.yaml")
#: The 64 characters of North American braille ASCII: space to underscore.
BRAILLE_ASCII = {chr(c) for c in range(0x20, 0x60)}
DISPLAY = "en-us-brf.dis"
#: Unicode's 6-dot braille cells, which a table with display rules of its own (Russian) writes.
SIX_DOT_CELLS = {chr(c) for c in range(0x2800, 0x2840)}

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
        ("\u0916\u0915", ""),  # ख क (देखकर) comes back as one sign (=): compared without both
        ("\u092d\u0930", ""),  # भर (भरी, भरें) comes back as the sign ®: compared without it
        ("\u0916", ""),  # ख (dots 46) sometimes comes back as a full stop: compared without it
        ("\u0923", ""),  # ण is dots 3456, read back as the number sign: compared without it
        ("\u092b", ""),  # फ (dots 235) is read back as an exclamation mark: compared without it
        ("\u094d", ""),  # the virama of a conjunct comes back after its next consonant
    ],
    # Vietnamese: ê and ê with a tone mark come back as private-use characters (U+F320...).
    "vi": [
        ("o\u1ebb", "\u1ecfe"),  # khỏe comes back as khoẻ (the other placement of the tone)
        ("\u00f5", "o"),  # a hyphen before o (Early-onset) comes back as õ: both as o
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
    # The overview's addresses (www.ninds.nih.gov) likewise; पलकें before a closing bracket: its
    # anusvara and the bracket come back as "{"; कोई opening the bold passage of the safety box:
    # the passage indicator is read back into it.
    "hi": {"example", "org", "0100", "ninds", "nih", "gov", "पलकें", "कोई"},
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
    # Arabic bold: dots 456 before and after the word, read back as escapes (\\456/)
    "ar": [("_", "")],
    # the capital sign ⠨ before k or m, read back as another sign (Kích as ích, Moawad as µoawad)
    "vi": [(".K", "K"), (".M", "M")],
}
#: Latin text (the sources, the producer, the clinic) in a table of another script: written with
#: the international letter cells, which the table reads back as its own letters; those words are
#: read with English uncontracted braille instead.
LATIN_READ_AS_OWN_SCRIPT = {"ar", "hi", "ru", "zh_Hans"}
LATIN = "en-ueb-g1.ctb"
#: What is part of a word: letters, marks (vowel signs) and digits of any script.
WORD = "LMN"


def _word_chars(text: str) -> str:
    """`text` with everything that is not part of a word turned into spaces."""
    return "".join(c if unicodedata.category(c)[0] in WORD else " " for c in text)


def normalised(text: str, code: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = text.replace("\u093c", "")  # Devanagari nukta: Hindi braille drops it (above)
    text = unicodedata.normalize("NFC", text)
    for old, new in UNDONE.get(code, []):
        text = text.replace(old, new)
    digits = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    return _word_chars(digits.casefold()).replace(" ", "")


def words(string: str) -> list[str]:
    return _word_chars(string).split()


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


def lou_forward(table: str, texts: list[str]) -> list[tuple[str, str]]:
    """Each text with liblouis' command's braille ASCII for it."""
    done = subprocess.run(
        ["lou_translate", "--forward", f"{DISPLAY},{table}"],
        input="".join(t.replace("\\", "\\\\") + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return list(zip(texts, done.stdout.split("\n")[: len(texts)], strict=True))


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
    plans = plan_languages(PROJECT, [code], allow_incomplete=False)
    builder = HandoutBuilder(PROJECT, COLLECTION, CLINIC)
    strings = builder.printed(COLLECTION.handout(handout_id), plans[0], StyleOptions())
    return [s for s in strings if "{page}" not in s]


def lost_words(
    data: bytes, code: str, table: str, strings: list[str], options: BrailleOptions
) -> list[str]:
    """The printed words the BRF does not give back."""
    # liblouis writes what a table lacks as an escape (\x808c/) in cells with dots 7 and 8, and
    # reads the escape back as the character: a word counts only if the table brailles it.
    forward = lou_forward(table, [w for s in strings for w in words(s)])
    unbrailled = [w for w, b in forward if not set(b) <= BRAILLE_ASCII | SIX_DOT_CELLS]
    body = body_of(data, table, options)
    back = normalised(read_back(body, code, table), code)
    latin = normalised(read_back(body, code, LATIN), code)
    lost = unbrailled
    for string in strings:
        for word in words(string):
            if word in unbrailled:
                continue
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
#: huan in 还可能, 还不 and 还没, 强 qiáng jiang in 强光 (bright light), 重 chóng
#: zhong in 重影 and 重复 and 查 alone zha in 查不出.
#: Here pypinyin errs: 调 in 调好 and 调到 (to adjust) is tiáo, as the table writes it (pypinyin:
#: diào). The adverb suffix 地 (安全地, 不自主地, 控制地) is de, as the table writes it (pypinyin: di).
PHRASES = {
    "为什么": "为是么",
    "检查": "检扎",
    "还可": "环可",
    "还不": "环不",
    "还没": "环没",
    "安全地": "安全德",
    "自主地": "自主德",
    "控制地": "控制德",
    "强光": "降光",
    "重影": "众影",
    "重复": "众复",
    "调好": "条好",
    "调到": "条到",
    "查不": "扎不",
}


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


def test_a_table_that_drops_or_garbles_a_script_fails_the_proof(tmp_path: Path) -> None:
    """Non-empty braille is not proof: Chinese through Spanish braille (liblouis writes escapes
    such as \\x80af/ for what a table lacks) and braille with the Chinese left out both lose
    words; English braille's escapes even need 8-dot cells, which the build refuses too."""
    html = (
        "<h1>肌张力障碍</h1><p>肌张力障碍是一种运动问题。</p>"
        '<p><span lang="en">National Institute of Neurological Disorders</span></p>'
    )
    strings = [
        "肌张力障碍",
        "肌张力障碍是一种运动问题。",
        "National Institute of Neurological Disorders",
    ]
    options = BrailleOptions()
    garbled = _brf_without_the_guard(html, "es-g1.ctb", options)
    assert garbled.strip(b" \n\f") and set(garbled.decode()) <= BRAILLE_ASCII | {"\n", "\f"}
    assert "肌张力障碍" in lost_words(garbled, "zh_Hans", "es-g1.ctb", strings, options)
    dropped = _brf_without_the_guard(html.replace("肌张力障碍", ""), "zhcn-cbs.ctb", options)
    read = cells_of_braille(body_of(dropped, "zhcn-cbs.ctb", options))
    assert read and cells_of_print("肌张力障碍") not in read
    # and the build refuses both: no BRF is written for a script the table lacks
    clinic = Clinic(braille=BrailleOptions(tables=(("zh_Hans", "en-ueb-g2.ctb"),)))
    with pytest.raises(NoBraille, match=r"en-ueb-g2\.ctb has no braille for 肌"):
        write_brf(REPO, tmp_path / "x.brf", "overview", "zh_Hans", clinic)
    assert not (tmp_path / "x.brf").exists()


def _brf_without_the_guard(html: str, table: str, options: BrailleOptions) -> bytes:
    """A BRF laid out as the build lays it out, but without its check for undefined characters,
    and with dots 7 and 8 dropped (liblouis writes its escapes with them) as a careless converter
    would: what is left is valid braille ASCII, and wrong."""
    brailler = braille.Brailler(table, options.cells)
    pages = braille.paginate(braille.items(html, brailler), brailler, options.lines)
    six = [[re.sub("[\u2840-\u28ff]", lambda m: chr(ord(m[0]) & 0x283F), li) for li in p] for p in pages]
    return braille.ascii_pages(six, table)


def test_a_clinic_sets_the_page_and_the_tables(tmp_path: Path) -> None:
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: X\nbraille:\n  cells: 32\n  lines: 20\n  tables:\n    fr: fr-bfu-g2.ctb\n")
    clinic = load_clinic(profile)
    out = write_brf(REPO, tmp_path / "fr.brf", "overview", "fr", clinic)
    options = clinic.braille
    assert (options.cells, options.lines) == (32, 20)
    pages = pages_of(out.read_bytes(), options)  # 32 cells a line at most, 20 lines a page
    assert [page[-1].split()[-1] for page in pages][:2] == [",*", ",<"]  # numbers 1 and 2
    # contracted French is not what the default table writes
    default = write_brf(REPO, tmp_path / "fr-default.brf", "overview", "fr", CLINIC)
    assert len(out.read_bytes().replace(b" ", b"")) < len(default.read_bytes().replace(b" ", b""))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  cells: 7", "clinic.yaml:3: braille.cells: expected a number from 20 to 100"),
        ("  tables:\n    fr: /etc/passwd", "clinic.yaml:4: braille.tables.fr: '/etc/passwd': name"),
        (
            "  tables:\n    fr: fr-nope.ctb",
            "clinic.yaml:4: braille.tables.fr: braille table fr-nope.ctb",
        ),
        ("  tables:\n    xx-bogus: en-ueb-g2.ctb", "clinic.yaml:4: braille.tables.xx-bogus: unknown"),
    ],
)
def test_a_wrong_braille_profile_is_refused_with_its_line(
    tmp_path: Path, line: str, message: str
) -> None:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(f"name: X\nbraille:\n{line}\n")
    with pytest.raises(ContentError) as error:
        load_clinic(profile, "clinic.yaml")
    assert str(error.value).startswith(message)


def test_the_layout_follows_braille_formats() -> None:
    """Title centred, cell-5 headings after a blank line, 3-1 paragraphs, 1-3 list items with the
    table's bullet or the step's number, a linear table, box lines, page numbers at the right."""
    html = (
        "<h1>Dystonia</h1><p>Short summary.</p>"
        '<section class="box"><h2>Get help right away</h2><ul><li>' + "muscle " * 8 + "</li></ul>"
        "</section><h2>Steps</h2><ol><li>Sit down.</li><li>Breathe.</li></ol>"
        "<p>" + "more words here " * 30 + "</p>"
        "<table><tr><th>Day</th><th>Pain</th></tr><tr><td>Monday</td><td>4</td></tr>"
        "<tr><td></td><td></td></tr></table>"
    )
    brailler = braille.Brailler("en-ueb-g2.ctb", 40)
    data = braille.ascii_pages(braille.paginate(braille.items(html, brailler), brailler, 25), "x")
    pages = pages_of(data, BrailleOptions())
    lines = [line for page in pages for line in page]
    assert lines[0] == " " * 16 + ",DY/ONIA"  # (40 - 8) / 2 blank cells before it
    assert lines[1] == "" and lines[2] == "  ,%ORT SUMM>Y4"  # a blank line, then cell 3
    assert lines[3] == lines[7] == "7" * 40  # box lines of dots 2356 around the box
    assert lines[4] == '    ,GET HELP "R AWAY'  # cell 5
    assert lines[5].startswith("_4 MUSCLE") and lines[6].startswith("  MUSCLE")  # 1-3, UEB's bullet
    assert lines[8:11] == ["    ,/EPS", "#A4 ,SIT D[N4", "#B4 ,BR1!4"]  # numbered, 1-3
    assert lines[11] == "" and lines[12].startswith("  M ^WS") and lines[13].startswith("^WS")  # 3-1
    assert lines[19:22] == ["", ',"D2 ,PA9', ',"D3 ,MON"D2 ,PA93 #D']  # linear; empty row left out
    assert pages[0][-1] == " " * 38 + "#A"


def test_the_safety_box_steps_table_and_lines_in_braille(model: Project, tmp_path: Path) -> None:
    """The model project's handout with every block kind, from its YAML: the safety box between
    box lines (without print's "!" marker), its slots' items as list items, the steps numbered,
    the table linear (its empty row left out), the lines to write on left out."""
    uncontracted = BrailleOptions(tables=(("en", "en-ueb-g1.ctb"),))  # read back word for word
    clinic = dataclasses.replace(CLINIC, braille=uncontracted)
    out = write_brf(model.root, tmp_path / "tool.brf", "tool", "en", clinic)
    pages = pages_of(out.read_bytes(), uncontracted)
    lines = [line for page in pages for line in page]
    back = lou_backward("en-ueb-g1.ctb", [line.replace("^", "") for line in lines])  # no bold signs
    text = " ".join(" ".join(back).split())
    box = [i for i, line in enumerate(lines) if line == "7" * 40]
    assert len(box) == 2
    boxed = " ".join(" ".join(back[box[0] + 1 : box[1]]).split())
    assert boxed.startswith("Get help right away")  # no "!" before it
    assert "One side of your body suddenly gets weak." in boxed  # added to its slot
    assert "Your voice gets breathy after a shot." in boxed
    assert "Write down when it happens." in text and "Bring the list to your visit." in text
    steps = [line for line in lines if re.match(r"#[AB]4 ", line)]
    assert len(steps) == 2  # "1." and "2.": numbered, each item starting in cell 1
    assert "Day; What I did; How bad (0-10)" in text  # the column headings, on their own
    assert "Day: Monday" in text and text.count("Day:") == 1  # the empty row is left out
    after = text.split("Write your questions here.")[1]
    assert after.lstrip().startswith("A plain shared part")  # nothing drawn for the lines
