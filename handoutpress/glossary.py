"""A language's glossary: the words its translators chose for medical terms, and the words ruled out.

It is kept in `locales/<lang>/translation.yaml` (read by handoutpress.reviews, explained in
TRANSLATING.md) and applied by the catalog checks (handoutpress.checkers): a translation of English
that names a term uses the chosen word or one of its listed forms (inflected languages list every
case and number they write), never a forbidden word, and keeps a generic drug name bold where the
English has it bold.

Matching, as TRANSLATING.md promises it: an English term is found as a whole word or phrase in any
case, its plural with -s or -es too, the longest term first (so "cervical dystonia" is one term, not
also "dystonia"). A word of the translation is compared case-insensitively after Unicode NFC, as a
whole word, or as a substring in scripts written without spaces between words (Chinese, Japanese,
Thai ...), where no word boundary can be seen. Every search is linear in the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from handoutpress.content import YamlReader
from handoutpress.healthtext import EMAIL_ADDRESS, WEB_ADDRESS

#: ISO 15924 scripts written without spaces between words: a word is found as a substring.
UNSPACED_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Thai", "Laoo", "Khmr", "Mymr"})
TERM_KEYS = {"use", "forms", "note", "drug"}


@dataclass(frozen=True)
class Term:
    """One English term and what the language writes for it."""

    english: str
    use: str  #: the chosen word or phrase, shown in messages
    forms: tuple[str, ...] = ()  #: other forms that count (case, number, gender)
    note: str = ""
    drug: bool = False  #: a generic drug name: kept bold where the English has it bold

    @property
    def words(self) -> tuple[str, ...]:
        """Every form that counts, the chosen one first."""
        return tuple(dict.fromkeys((self.use, *self.forms)))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    #: (word, why it must not appear: shown in the message)
    forbidden: tuple[tuple[str, str], ...] = ()

    def mentioned(self, english: str) -> list[Term]:
        """The terms the English names, each once, in the order they first appear. A word inside a
        web or e-mail address (www.dystonia-foundation.org) is no mention: the translation copies
        the address as it is, and the address check holds it to that."""
        if not self.terms:
            return []
        prose = EMAIL_ADDRESS.sub(" ", WEB_ADDRESS.sub(" ", english))
        matches = _english_pattern(tuple(t.english for t in self.terms)).finditer(prose)
        return list(dict.fromkeys(self.terms[int(m.lastgroup[1:])] for m in matches if m.lastgroup))


@functools.lru_cache(maxsize=32)
def _english_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every term (compiled once per glossary): a whole word or phrase, any case,
    any spacing, an -s or -es plural; longer terms first, so the longest term at a place is found.
    Each alternative starts with a literal word, so a failed try costs little: linear time."""
    order = sorted(range(len(terms)), key=lambda i: -len(terms[i]))
    phrases = {i: r"\s+".join(map(re.escape, terms[i].split())) for i in order}
    alternatives = "|".join(f"(?P<t{i}>{phrases[i]}(?:e?s)?)" for i in order)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def folded(text: str) -> str:
    """Text as words are compared: NFC, case folded, every run of spaces one space."""
    return unicodedata.normalize("NFC", " ".join(unicodedata.normalize("NFC", text).casefold().split()))


def _word_character(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def contains(text: str, word: str, script: str) -> bool:
    """Whether `text` (folded) has `word` (folded): as a whole word, or anywhere in a script
    written without spaces."""
    if not word:
        return False
    if script in UNSPACED_SCRIPTS:
        return word in text
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _word_character(before) and not _word_character(after):
            return True
        start = text.find(word, start + 1)
    return False


def follows(text: str, term: Term, script: str) -> bool:
    """Whether a translation uses the term's chosen word or one of its forms."""
    here = folded(text)
    return any(contains(here, folded(word), script) for word in term.words)


def forbidden_in(text: str, glossary: Glossary, script: str) -> Iterator[tuple[str, str]]:
    """Each forbidden word the translation has, with the reason."""
    here = folded(text)
    for word, why in glossary.forbidden:
        if contains(here, folded(word), script):
            yield word, why


def bold_spans(text: str) -> list[str]:
    """The text inside each `**...**` pair (the bold-marks rule checks that they pair up)."""
    return text.split("**")[1::2]


# Reading the glossary from translation.yaml, every problem with its line.


def read_glossary(
    reader: YamlReader, terms_node: yaml.Node | None, forbidden_node: yaml.Node | None
) -> Glossary:
    """The `glossary:` and `forbidden:` mappings of a review record; each problem is noted in
    `reader` with its line (a malformed glossary is reported like malformed content)."""
    terms = _terms(reader, terms_node)
    forbidden = _forbidden(reader, forbidden_node)
    chosen = {folded(word): term for term in terms for word in term.words}
    for word, (_, key) in forbidden.items():
        if (term := chosen.get(folded(word))) is not None:
            reader.problem(key, f"forbidden.{word}", f"is also a word of glossary.{term.english}")
    return Glossary(tuple(terms), tuple((word, why) for word, (why, _) in forbidden.items()))


def _empty(node: yaml.Node | None) -> bool:
    """`glossary:` with nothing under it yet (as `init` writes it)."""
    return node is None or node.tag == "tag:yaml.org,2002:null"


def _entries(
    reader: YamlReader, node: yaml.Node, where: str, expected: str
) -> Iterator[tuple[yaml.Node, str, yaml.Node]]:
    """The (key node, key text, value node) of a mapping whose keys are words; a key written twice,
    in any case, is reported at its second place."""
    if not isinstance(node, yaml.MappingNode):
        reader.problem(node, where, expected)
        return
    seen: dict[str, int] = {}
    for key, value in node.value:
        text = reader.plain(key, where)
        if text is None:
            continue
        if folded(text) in seen:
            first = seen[folded(text)]
            reader.problem(key, f"{where}.{text}", f"listed twice (first on line {first}): keep one")
            continue
        seen[folded(text)] = key.start_mark.line + 1
        yield key, text, value


def _terms(reader: YamlReader, node: yaml.Node | None) -> list[Term]:
    if _empty(node):
        return []
    assert node is not None
    expected = "expected English terms mapped to your words (see TRANSLATING.md)"
    terms = []
    for _, english, value in _entries(reader, node, "glossary", expected):
        term = _term(reader, english, value, f"glossary.{english}")
        if term is not None:
            terms.append(term)
    return terms


def _term(reader: YamlReader, english: str, node: yaml.Node, where: str) -> Term | None:
    """`term: word`, or `term: {use: word, forms: [...], note: ..., drug: true}`."""
    if isinstance(node, yaml.ScalarNode):
        use = reader.plain(node, where)
        return Term(english, use) if use else None
    if not isinstance(node, yaml.MappingNode):
        reader.problem(node, where, "expected your word, or use: with forms:, note:, drug:")
        return None
    fields = reader.mapping(node, where, {"use"}, TERM_KEYS - {"use"})
    if fields is None or "use" not in fields:
        return None
    use = reader.plain(fields["use"], f"{where}.use")
    forms: list[str] = []
    if "forms" in fields:
        listed = fields["forms"]
        if not isinstance(listed, yaml.SequenceNode) or not listed.value:
            reader.problem(listed, f"{where}.forms", "expected a list of words: [form, form]")
        else:
            for i, item in enumerate(listed.value):
                form = reader.plain(item, f"{where}.forms[{i}]")
                if form:
                    forms.append(form)
    note = reader.plain(fields["note"], f"{where}.note") if "note" in fields else ""
    drug = False
    if "drug" in fields:
        flag = fields["drug"]
        if not isinstance(flag, yaml.ScalarNode) or flag.tag != "tag:yaml.org,2002:bool":
            reader.problem(flag, f"{where}.drug", "expected true or false")
        else:
            drug = flag.value.lower() in ("true", "yes", "on")
    if not use:
        return None
    return Term(english, use, tuple(forms), note or "", drug)


def _forbidden(reader: YamlReader, node: yaml.Node | None) -> dict[str, tuple[str, yaml.Node]]:
    """word -> (why, the node of the word)."""
    if _empty(node):
        return {}
    assert node is not None
    expected = "expected words mapped to why they must not appear (Botox: a brand name ...)"
    out = {}
    for key, word, value in _entries(reader, node, "forbidden", expected):
        where = f"forbidden.{word}"
        if _empty(value):
            reader.problem(key, where, "say why it must not appear, and what to write instead")
        elif (why := reader.plain(value, where)) is not None:
            out[word] = (why, key)
    return out
