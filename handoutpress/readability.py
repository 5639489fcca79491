"""Plain-language measures of a handout's English: reading grade, sentence lengths, words,
originality against the source article (no run of 8 words in common), and how much of a type
handout is its own (its 4-word runs that no other type handout prints).

The article itself is not shipped: `tests/data/article-8grams.txt` holds hashes of its 8-word runs,
enough to prove a handout does not copy it without republishing someone else's text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import textstat

from handoutpress.content import Handout, block_texts

WORD = re.compile(r"[a-z0-9']+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
RUN = 8
#: The run length of the own-text measure (issue 19): long enough that common phrases rarely match.
OWN_RUN = 4


def words(text: str) -> list[str]:
    """Words with case and punctuation folded, as the originality rule compares them."""
    return WORD.findall(text.lower().replace("\u2019", "'"))


def run_hash(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def runs(text: str) -> list[tuple[str, ...]]:
    w = words(text)
    return [tuple(w[i : i + RUN]) for i in range(len(w) - RUN + 1)]


def sentences(handout: Handout) -> list[str]:
    """The handout's sentences in reading order; a heading or bullet counts as one sentence."""
    out = [handout.title.msgid, handout.summary.msgid]
    for section in handout.sections:
        out.append(section.heading.msgid)
        for block in section.blocks:
            for item in block_texts(block):
                out += [s for s in SENTENCE_END.split(item.msgid.replace("**", "")) if s]
    return [s if s[-1] in ".!?" else s + "." for s in out]


@dataclass(frozen=True)
class Readability:
    handout: str
    words: int
    sentences: int
    grade: float
    average: float
    longest: int


def measure(handout: Handout) -> Readability:
    found = sentences(handout)
    lengths = [len(s.split()) for s in found]
    text = " ".join(found)
    return Readability(
        handout.id,
        sum(lengths),
        len(found),
        float(textstat.flesch_kincaid_grade(text)),
        sum(lengths) / len(lengths),
        max(lengths),
    )


def copied_runs(handout: Handout, source_hashes: set[str]) -> list[str]:
    """Runs of 8 words that the handout shares with the source (by hash)."""
    text = " ".join(t.msgid.replace("**", "") for t in handout.texts())
    return [" ".join(r) for r in runs(text) if run_hash(r) in source_hashes]


def printed_runs(handout: Handout, length: int = OWN_RUN) -> list[tuple[str, ...]]:
    """The handout's runs of `length` words as it prints them (shared sections and the items it
    adds to them included), lower-cased and without punctuation. A run stays inside one string:
    a heading and the paragraph under it are not read as one sentence."""
    found = []
    for text in handout.texts():
        w = words(text.msgid.replace("**", ""))
        found += [tuple(w[i : i + length]) for i in range(len(w) - length + 1)]
    return found


def own_text_share(handout: Handout, others: list[Handout]) -> float:
    """The share (0-1) of the handout's printed 4-word runs that none of `others` prints."""
    theirs = {run for other in others if other.id != handout.id for run in printed_runs(other)}
    mine = printed_runs(handout)
    return sum(run not in theirs for run in mine) / len(mine) if mine else 0.0
