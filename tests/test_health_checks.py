"""The checks that know medicine (issue 20): the glossary and its forbidden words, numbers, addresses
and bold drug names. Each fails on a planted mistake, at the line of the translation, with the words
TRANSLATING.md promises, and passes on the shipped catalogs; `pybabel compile` reports the same.

A Spanish catalog of a small project of its own holds the English a health text has (a dose, a
range, a phone number, a web and an e-mail address, a drug in bold, glossary terms). The oracles:
the catalog text (the line a problem must name), the glossary written here, and Babel's own report.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from handoutpress import checkers
from handoutpress.build import Project
from handoutpress.catalogs import catalog_languages
from handoutpress.cli import main
from handoutpress.healthtext import addresses, missing_numbers
from handoutpress.lint import quoted

from .conftest import MINI_SPANISH, REPO, add_language, make_mini

PO = "locales/es/LC_MESSAGES/handouts.po"
HEALTH = """\
kind: type
title: Health facts
summary: Facts with numbers.
written: 2026-11-25
review:
  status: draft
sources: [one]
sections:
  - heading: Doses
    body:
      - Take **levodopa** 3 times a day.
      - Botulinum toxin shots work for 2-3 months.
      - Call 1-800-555-0100 or write to help@example.org.
      - Read more about dystonia at https://www.example.org/dystonia.
      - Dystonia is common.
"""
SPANISH = {
    **MINI_SPANISH,
    "Health facts": "Datos de salud",
    "Facts with numbers.": "Datos con números.",
    "Doses": "Dosis",
    "Take **levodopa** 3 times a day.": "Tome **levodopa** 3 veces al día.",
    "Botulinum toxin shots work for 2-3 months.":
        "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.",
    "Call 1-800-555-0100 or write to help@example.org.":
        "Llame al 1-800-555-0100 o escriba a help@example.org.",
    "Read more about dystonia at https://www.example.org/dystonia.":
        "Lea más sobre la distonía en https://www.example.org/dystonia.",
    "Dystonia is common.": "La distonía es frecuente.",
}  # fmt: skip
GLOSSARY = """\
status: draft
glossary:
  dystonia: distonía
  botulinum toxin:
    use: toxina botulínica
    forms: [toxinas botulínicas]
    note: Not the brand name.
  levodopa:
    use: levodopa
    drug: true
forbidden:
  Botox: a brand name; write toxina botulínica
"""


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_mini(tmp_path_factory.mktemp("health") / "mini")
    (project.handouts_dir / "health.yaml").write_text(HEALTH)
    add_language(project, "es", SPANISH)
    (project.locales_dir / "es" / "translation.yaml").write_text(GLOSSARY)
    return project


@pytest.fixture
def health(prepared: Project, tmp_path: Path) -> Project:
    """The project, in a folder of this test's own."""
    shutil.copytree(prepared.root, tmp_path / "mini")
    return Project(tmp_path / "mini")


def plant(project: Project, old: str, new: str) -> str:
    """Replace one translation; returns the catalog's new text."""
    po = project.root / PO
    text = po.read_text()
    assert text.count(f'msgstr "{old}"') == 1, old
    text = text.replace(f'msgstr "{old}"', f'msgstr "{new}"')
    po.write_text(text)
    return text


def at(text: str, msgstr: str) -> str:
    """`locales/es/LC_MESSAGES/handouts.po:N`, N the line of the translation `msgstr`."""
    line = 'msgstr "' + msgstr + '"'
    return f"{PO}:{text.splitlines().index(line) + 1}"


def check(project: Project, capsys, *args: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["--root", str(project.root), "check", *args])
    return code, capsys.readouterr().err.splitlines()


def test_the_health_text_as_translated_passes(health, capsys) -> None:
    assert check(health, capsys, "--strict") == (0, [])


SLIPS = [
    pytest.param(
        "La distonía es frecuente.",
        "La enfermedad es frecuente.",
        "does not follow the glossary: 'dystonia' is 'distonía' in translation of 'Dystonia is common.'",
        id="glossary-word-missing",
    ),
    pytest.param(
        "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.",
        "Las inyecciones de toxina sirven de 2 a 3 meses.",
        "does not follow the glossary: 'botulinum toxin' is 'toxina botulínica' in translation of "
        "'Botulinum toxin shots work for 2-3 months.'",
        id="glossary-term-replaced",
    ),
    pytest.param(
        "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.",
        "Las inyecciones de toxina botulínica (Botox) sirven de 2 a 3 meses.",
        "forbidden word 'Botox' (a brand name; write toxina botulínica) in translation of "
        "'Botulinum toxin shots work for 2-3 months.'",
        id="forbidden-word",
    ),
    pytest.param(
        "Tome **levodopa** 3 veces al día.",
        "Tome **levodopa** tres veces al día.",
        "number 3 of the English missing (keep every number, in digits) in translation of "
        "'Take **levodopa** 3 times a day.'",
        id="number-dropped",
    ),
    pytest.param(
        "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.",
        "Las inyecciones de toxina botulínica sirven unos 3 meses.",
        "number 2 of the English missing (keep every number, in digits) in translation of "
        "'Botulinum toxin shots work for 2-3 months.'",
        id="range-end-dropped",
    ),
    pytest.param(
        "Llame al 1-800-555-0100 o escriba a help@example.org.",
        "Llame al 1-800-555-0199 o escriba a help@example.org.",
        "number 0100 of the English missing (keep every number, in digits) in translation of "
        "'Call 1-800-555-0100 or write to help@example.org.'",
        id="phone-number-changed",
    ),
    pytest.param(
        "Tome **levodopa** 3 veces al día.",
        "Tome levodopa **3 veces** al día.",
        "the drug name 'levodopa' is bold in the English but not here: write **levodopa** in "
        "translation of 'Take **levodopa** 3 times a day.'",
        id="bold-drug-name-lost",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), SLIPS)
def test_each_slip_is_a_warning_at_its_line_and_an_error_with_strict(
    health, capsys, old, new, message
) -> None:
    text = plant(health, old, new)
    where = at(text, new)
    assert check(health, capsys) == (0, [f"{where}: warning: {message}"])
    assert check(health, capsys, "--strict") == (1, [f"{where}: {message}"])


def test_a_changed_address_is_an_error_and_the_english_one_is_missing(health, capsys) -> None:
    """A changed web address sends a patient to a stranger's site: the links rule's error (the
    build refuses it), and the English address is missing (a warning of its own)."""
    old = "Lea más sobre la distonía en https://www.example.org/dystonia."
    new = "Lea más sobre la distonía en https://www.example.org/distonia."
    text = plant(health, old, new)
    where, english = (
        at(text, new),
        quoted("Read more about dystonia at https://www.example.org/dystonia."),
    )
    assert check(health, capsys) == (
        1,
        [
            f"{where}: link or address 'https://www.example.org/distonia' that the English does "
            f"not have in translation of {english}",
            f"{where}: warning: address 'https://www.example.org/dystonia' of the English missing "
            f"(copy it exactly) in translation of {english}",
        ],
    )


def test_a_changed_email_address_is_named_too(health, capsys) -> None:
    old = "Llame al 1-800-555-0100 o escriba a help@example.org."
    new = "Llame al 1-800-555-0100 o escriba a ayuda@example.org."
    text = plant(health, old, new)
    where, english = at(text, new), "'Call 1-800-555-0100 or write to help@example.org.'"
    assert check(health, capsys)[1] == [
        f"{where}: link or address 'ayuda@example.org' that the English does not have in "
        f"translation of {english}",
        f"{where}: warning: address 'help@example.org' of the English missing (copy it exactly) "
        f"in translation of {english}",
    ]


@pytest.mark.parametrize(
    "new",
    [
        "Las inyecciones de toxinas botulínicas sirven de 2 a 3 meses.",  # a listed form
        "LAS INYECCIONES DE TOXINA BOTULÍNICA SIRVEN DE 2 A 3 MESES.",  # any case
        "Las inyecciones de toxina botuli\u0301nica sirven de 2 a 3 meses.",  # NFD, as some editors save
        "Las inyecciones de toxina botulínica sirven de 2-3 meses.",
    ],
)
def test_forms_case_and_normalisation_follow_the_glossary(health, capsys, new) -> None:
    plant(health, "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.", new)
    assert check(health, capsys, "--strict") == (0, [])


def test_a_glossary_warning_does_not_stop_the_build_an_error_does(health, capsys) -> None:
    """Decided in TRANSLATING.md: what a reviewer must look at is printed; wrong words are not."""
    plant(health, "La distonía es frecuente.", "La enfermedad es frecuente.")
    out = health.root / "dist"
    args = ["--root", str(health.root), "build", "--jobs", "1", "--lang", "es", "--out", str(out)]
    assert main([*args, "--handout", "health"]) == 0
    assert (out / "es" / "health.pdf").is_file()
    plant(health, "Datos de salud", "Datos de salud en https://evil.example")
    assert main([*args, "--handout", "health", "--force"]) == 1


def test_every_malformed_glossary_line_is_named_at_once(health, capsys) -> None:
    record = health.locales_dir / "es" / "translation.yaml"
    text = """\
status: draft
glossary:
  dystonia: distonía
  Dystonia: distonía
  botulinum toxin:
    forms: toxinas botulínicas
  levodopa:
    use: levodopa
    drug: yes please
    colour: red
  MRI: [resonancia]
forbidden:
  Botox:
  distonía: not this one
"""
    record.write_text(text)
    path = "locales/es/translation.yaml"
    code, lines = check(health, capsys)
    assert code == 1
    assert lines == [
        f"{path}:4: glossary.Dystonia: listed twice (first on line 3): keep one",
        f"{path}:6: glossary.botulinum toxin: missing key 'use'",
        f"{path}:9: glossary.levodopa.drug: expected true or false",
        f"{path}:10: glossary.levodopa.colour: unknown key 'colour' (allowed: drug, forms, note, use)",
        f"{path}:11: glossary.MRI: expected your word, or use: with forms:, note:, drug:",
        f"{path}:13: forbidden.Botox: say why it must not appear, and what to write instead",
        f"{path}:14: forbidden.distonía: is also a word of glossary.dystonia",
    ]


def test_the_shipped_catalogs_follow_their_glossaries(capsys) -> None:
    """Every shipped catalog passes every check, the glossary's included, with --strict."""
    capsys.readouterr()
    assert main(["--root", str(REPO), "check", "--strict"]) == 0
    assert capsys.readouterr().err == ""


def test_each_shipped_glossary_term_is_one_the_english_names() -> None:
    """A term the English never names is checked nowhere (a term written "shot (injection)" was):
    each term of each shipped glossary is found in the template's English."""
    from handoutpress.catalogs import read_template
    from handoutpress.reviews import load_review

    english = [m.id for m in read_template(REPO / "locales" / "handouts.pot") if m.id]
    unused = []
    for code in catalog_languages(REPO / "locales"):
        glossary = load_review(REPO / "locales", code).glossary
        for term in glossary.terms:
            if not any(term in glossary.mentioned(text) for text in english):
                unused.append(f"{code}: {term.english}")
    assert unused == []


# The same problems from `pybabel compile`, which finds the glossary from the current directory.


def babel_problems(project: Project) -> tuple[int, list[tuple[int, str]]]:
    """Exit code and (msgid line, message) of each problem `pybabel compile` reports."""
    pybabel = Path(sys.executable).with_name("pybabel")
    done = subprocess.run(
        [str(pybabel), "compile", "-d", "locales", "-D", "handouts", "--statistics"],
        cwd=project.root,
        capture_output=True,
        text=True,
    )
    found = re.findall(rf"^error: {re.escape(PO)}:(\d+): (.*)$", done.stderr, re.M)
    return done.returncode, [(int(line), message) for line, message in found]


def test_pybabel_compile_reports_what_check_does(health, capsys) -> None:
    for old, new in [
        ("La distonía es frecuente.", "La enfermedad es frecuente."),
        ("Tome **levodopa** 3 veces al día.", "Tome levodopa **tres veces** al día."),
        ("Llame al 1-800-555-0100 o escriba a help@example.org.", "Llame a help@example.org."),
        ("Primera parte", "Primera parte {clinic_fax}"),
        (
            "Las inyecciones de toxina botulínica sirven de 2 a 3 meses.",
            "Las inyecciones de Botox (toxina botulínica) sirven de 2 a 3 meses.",
        ),
    ]:
        text = plant(health, old, new)
    lines = text.splitlines()
    code, reported = check(health, capsys)
    assert code == 1 and len(reported) == 6
    from_check = []
    for line in reported:
        number, message = re.fullmatch(
            rf"{PO}:(\d+): (?:warning: )?(.*) in translation of .*", line
        ).groups()
        msgid = int(number) - 1  # one-line entries: the msgid (Babel's line) is above the msgstr
        assert lines[msgid - 1].startswith("msgid ")
        from_check.append((msgid, message))
    status, from_babel = babel_problems(health)
    assert status == 1
    assert sorted(from_babel) == sorted(from_check)
    # Babel compiles the catalog all the same: its errors are a report, not a refusal.
    assert (health.root / "locales/es/LC_MESSAGES/handouts.mo").is_file()


def test_pybabel_compile_says_once_that_a_glossary_cannot_be_read(health) -> None:
    (health.locales_dir / "es" / "translation.yaml").write_text("glossary:\n  dystonia: [x]\n")
    status, found = babel_problems(health)
    assert status == 1
    assert [message for _, message in found] == [
        "glossary not applied: locales/es/translation.yaml:2: glossary.dystonia: expected your "
        "word, or use: with forms:, note:, drug:"
    ]


def test_every_entry_checker_is_registered_for_babel() -> None:
    """pyproject.toml's `babel.checkers` entry points (as installed) are ENTRY_CHECKERS."""
    ours = {e.load() for e in entry_points(group="babel.checkers") if e.name.startswith("handouts_")}
    assert ours == set(checkers.ENTRY_CHECKERS)


# The numbers and addresses of a text, against what CLDR says each language writes.


@pytest.mark.parametrize(
    ("english", "translation", "code"),
    [
        ("every 3 months", "cada 3 meses", "es"),
        ("every 3 months", "كل ٣ أشهر", "ar"),  # Arabic-Indic digits
        ("every 3 months", "हर ३ महीने", "hi"),  # Devanagari digits
        ("every 3 months", "هر ۳ ماه", "fa"),  # extended Arabic-Indic (Persian) digits
        ("0.5 mg", "0,5 mg", "es"),  # CLDR: Spanish decimal comma
        ("0.5 mg", "\u0660\u066b\u0665 ملغ", "ar"),  # Arabic-Indic 0.5, with its decimal separator
        ("10,000 steps", "10.000 pasos", "es"),  # Spanish group separator
        ("10,000 steps", "10 000 шагов", "ru"),  # Russian groups with a (no-break) space
        ("10,000 steps", "10\u202f000 pas", "fr"),
        ("10,000 steps", "10000 pas", "fr"),
        ("2-3 weeks", "de 2 a 3 semanas", "es"),  # a range is two numbers
        ("2-3 weeks", "2\u20133 semanas", "es"),  # an en dash
        ("since 2019", "desde 2019", "es"),  # a year
        ("Call 1-800-555-0100", "Llame al 1 800 555 0100", "es"),
    ],
)
def test_numbers_kept_in_any_digits_and_separators_the_language_writes(
    english, translation, code
) -> None:
    assert missing_numbers(english, translation, code) == []


@pytest.mark.parametrize(
    ("english", "translation", "code", "missing"),
    [
        ("every 3 months", "cada tres meses", "es", ["3"]),
        ("0.5 mg", "5 mg", "es", ["0.5"]),
        ("10,000 steps", "1.000 pasos", "es", ["10000"]),
        ("2-3 weeks", "3 semanas", "es", ["2"]),
        ("at age 65", "a los 56 años", "es", ["65"]),
        ("every 3 months", "كل ٤ أشهر", "ar", ["3"]),
    ],
)
def test_a_number_dropped_or_changed_is_missing(english, translation, code, missing) -> None:
    assert missing_numbers(english, translation, code) == missing


def test_addresses_end_where_the_sentence_does() -> None:
    text = "See www.example.org/a, https://example.org/b. Or write to help@example.org."
    assert addresses(text) == ["www.example.org/a", "https://example.org/b", "help@example.org"]


def test_the_glossary_is_found_in_a_script_without_spaces() -> None:
    """Chinese is written without spaces: a term is found inside a run of characters."""
    from babel.messages.catalog import Catalog

    from handoutpress.glossary import Glossary, Term
    from handoutpress.locales import language

    catalog = Catalog(locale="zh_Hans")
    glossary = Glossary((Term("dystonia", "肌张力障碍"),))
    checkers.attach(catalog, language("zh_Hans"), glossary)
    message = catalog.add("Dystonia is common.", "肌张力障碍很常见。")
    checkers.follows_glossary(catalog, message)  # found, though no space stands beside it
    message = catalog.add("Dystonia is rare.", "这种病很少见。")
    with pytest.raises(checkers.TranslationWarning, match="'dystonia' is '肌张力障碍'"):
        checkers.follows_glossary(catalog, message)


def test_a_term_inside_an_address_is_no_mention_of_it() -> None:
    """ "www.dystonia-foundation.org" names no glossary term: the translation copies the address,
    so a translation that keeps it and never writes "distonía" follows the glossary."""
    from handoutpress.glossary import Glossary, Term

    glossary = Glossary((Term("dystonia", "distonía"),))
    assert glossary.mentioned("Learn more: www.dystonia-foundation.org or help@dystonia.example") == []
    assert glossary.mentioned("Dystonia: www.dystonia-foundation.org") == [glossary.terms[0]]


def test_a_word_inside_a_longer_word_is_not_the_glossary_word(health, capsys) -> None:
    """In a language written with spaces a form must be a whole word: "distonías" is not
    "distonía" unless the glossary lists it."""
    text = plant(health, "La distonía es frecuente.", "Las distonías son frecuentes.")
    assert check(health, capsys)[1] == [
        f"{at(text, 'Las distonías son frecuentes.')}: warning: does not follow the glossary: "
        "'dystonia' is 'distonía' in translation of 'Dystonia is common.'"
    ]


def test_the_glossary_examples_of_translating_md_are_read_as_written(tmp_path) -> None:
    """TRANSLATING.md's two glossary examples are valid translation.yaml (the second is a part of
    a glossary), and say what they mean."""
    from handoutpress.reviews import load_review

    section = (REPO / "TRANSLATING.md").read_text().split("### The glossary", 1)[1].split("\n## ")[0]
    first, second = re.findall(r"```yaml\n(.*?)```", section, re.S)
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "translation.yaml").write_text(first)
    glossary = load_review(tmp_path, "xx").glossary
    assert [(t.english, t.use, t.forms, t.drug) for t in glossary.terms] == [
        ("dystonia", "distonía", (), False),
        ("botulinum toxin", "toxina botulínica", ("toxinas botulínicas",), False),
        ("levodopa", "levodopa", (), True),
    ]
    assert glossary.forbidden == (("Botox", "a brand name; write toxina botulínica"),)
    (tmp_path / "xx" / "translation.yaml").write_text("glossary:\n" + second)
    terms = load_review(tmp_path, "xx").glossary.terms
    assert [t.english for t in terms] == ["dystonia", "care team"]
