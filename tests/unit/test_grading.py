import pytest

from tools.exercises import FillBlank, MultipleChoice, Translate, WordOrder
from tools.grading import damerau_distance, grade_exercise, grade_text

ACCEPTED = ["Me llamo Ana.", "Mi nombre es Ana.", "Soy Ana."]


@pytest.mark.parametrize(
    "answer",
    [
        "Me llamo Ana.",
        "me llamo ana",
        "  ME   LLAMO  ANA!!! ",
        "¡Me llamo Ana!",
        "Soy Ana",
        "mi nombre es ana",
        "Me llamo\tAna",
        "Ｍｅ ｌｌａｍｏ Ａｎａ",  # full-width forms
    ],
)
def test_case_punctuation_spacing_and_variants_are_correct(answer):
    assert grade_text(answer, ACCEPTED).verdict == "correct"


def test_decomposed_accents_equal_precomposed():
    assert grade_text("esta\u0301", ["está"]).verdict == "correct"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("esta", "está"), ("està", "está"), ("El nino", "El niño"), ("adios", "adiós")],
)
def test_missing_or_wrong_accent_is_accepted_with_a_note(answer, expected):
    grade = grade_text(answer, [expected])
    assert grade.verdict == "accent" and grade.accepted
    assert expected.split()[-1] in grade.note


def test_typo_note_shows_the_word_as_the_answer_writes_it():
    assert "*Carlos*" in grade_text("Me llamo Carlso", ["Me llamo Carlos."]).note


def test_missing_tilde_note_names_the_letter():
    assert "ñ" in grade_text("ano", ["año"]).note


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Me llamoo Ana", "Me llamo Ana."),  # "lamo" is a real word (lamer): see test_wrong_forms
        ("estudainte", "estudiante"),
        ("trabajmos", "trabajamos"),
        ("Soy estudiantte", "Soy estudiante"),
    ],
)
def test_one_letter_typo_in_a_longer_word_is_accepted_as_typo(answer, expected):
    grade = grade_text(answer, [expected])
    assert grade.verdict == "typo" and grade.accepted
    assert "spelling" in grade.note


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("gato", "pato"),  # short word: a different word, not a typo
        ("Me lamo Anna", "Me llamo Ana"),  # two slips
        ("estuddiantte", "estudiante"),  # two letters off
        ("Me llamo", "Me llamo Ana"),  # missing word
        ("", "hola"),
    ],
)
def test_everything_else_is_wrong(answer, expected):
    grade = grade_text(answer, [expected])
    assert grade.verdict == "wrong" and not grade.accepted
    assert grade.expected == expected


def test_a_real_word_is_never_taken_for_a_typo():
    assert grade_text("pero", ["perro"], confusables=frozenset({"pero"})).verdict == "wrong"
    assert grade_text("perrro", ["perro"], confusables=frozenset({"pero"})).verdict == "typo"


def test_damerau_counts_a_transposition_as_one_edit():
    assert damerau_distance("estudainte", "estudiante") == 1
    assert damerau_distance("abc", "abc") == 0


MC = MultipleChoice(
    id="mc",
    prompt="Good morning?",
    options=["Buenas noches", "Buenos días", "Adiós"],
    answers=["Buenos días"],
    explanation="días: morning",
)


@pytest.mark.parametrize("answer", ["2", "b", "B", "Buenos días", "buenos dias"])
def test_multiple_choice_by_number_letter_or_text(answer):
    assert grade_exercise(MC, answer).accepted


@pytest.mark.parametrize("answer", ["1", "a", "Adiós", "7", "Buenas noches"])
def test_multiple_choice_other_options_are_wrong(answer):
    grade = grade_exercise(MC, answer)
    assert grade.verdict == "wrong" and grade.expected == "Buenos días"


def test_word_order_by_sentence_or_numbers():
    ex = WordOrder(
        id="wo",
        prompt="Order",
        tokens=["Carlos", "llamo", "Me"],
        answers=["Me llamo Carlos."],
        explanation="e",
    )
    assert grade_exercise(ex, "me llamo carlos").verdict == "correct"
    assert grade_exercise(ex, "3 2 1").verdict == "correct"
    assert grade_exercise(ex, "1 2 3").verdict == "wrong"
    assert grade_exercise(ex, "Llamo me Carlos").verdict == "wrong"


def test_fill_blank_takes_the_word_or_the_whole_sentence():
    ex = FillBlank(
        id="fb", prompt="Fill", sentence="Yo ___ estudiante.", answers=["soy"], explanation="ser"
    )
    assert grade_exercise(ex, "soy").verdict == "correct"
    assert grade_exercise(ex, "Yo soy estudiante.").verdict == "correct"
    assert grade_exercise(ex, "Yo estoy estudiante").verdict == "wrong"


def test_fill_blank_takes_part_of_the_sentence_around_the_blank():
    ex = FillBlank(
        id="fb",
        prompt="Fill",
        sentence="Mis padres ___ muy contentos hoy.",
        answers=["están"],
        explanation="estar",
    )
    assert grade_exercise(ex, "están muy contentos").verdict == "correct"
    assert grade_exercise(ex, "padres están").verdict == "correct"
    assert grade_exercise(ex, "estan muy contentos hoy").verdict == "accent"
    assert grade_exercise(ex, "son muy contentos").verdict == "wrong"
    assert grade_exercise(ex, "muy contentos").verdict == "wrong"  # the blank left empty


def test_translate_into_english_accepts_contractions_listed():
    ex = Translate(
        id="t",
        prompt="Translate",
        text="Soy de México.",
        direction="to_native",
        answers=["I am from Mexico.", "I'm from Mexico."],
        explanation="e",
    )
    assert grade_exercise(ex, "I'm from Mexico").verdict == "correct"
    assert grade_exercise(ex, "im from mexico").verdict == "correct"
