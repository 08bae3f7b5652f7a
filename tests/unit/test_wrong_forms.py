"""A real word in place of another is wrong, with the reason; true typos still pass."""

import pytest

from tools.exercises import FillBlank, Translate
from tools.grading import grade_exercise, grade_text
from tools.lexicon import Lexicon, spanish


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return spanish()


@pytest.mark.parametrize(
    ("answer", "expected", "reason", "note"),
    [
        pytest.param(
            "me llama Carlos", "Me llamo Carlos.", "person",
            "*llama* is the él/ella/usted form; with *me* use *llamo*.", id="person-with-pronoun",
        ),
        pytest.param(
            "hablaron", "hablamos", "person",
            "*hablaron* is the ellos/ellas/ustedes form; this answer needs the nosotros form, "
            "*hablamos*.", id="person-without-pronoun",
        ),
        pytest.param(
            "se acuesta tarde", "Se acuestan tarde.", "person",
            "*acuesta* is the él/ella/usted form; with *se* use *acuestan*.", id="stem-change",
        ),
        pytest.param(
            "comemos", "comimos", "tense",
            "*comemos* is the present; this answer needs the preterite: *comimos*.", id="tense",
        ),
        pytest.param(
            "Yo estoy estudiante", "Yo soy estudiante", "ser/estar",
            "*estoy* is a form of *estar*; here it's *ser*: *soy*", id="ser-for-estar",
        ),
        pytest.param(
            "los chicas", "las chicas", "gender",
            "*chicas* is feminine, so it takes *las*, not *los*.", id="article-gender",
        ),
        pytest.param(
            "los chicas", "los chicos", "gender",
            "*chicas* is feminine; *los* needs *chicos*.", id="noun-gender",
        ),
        pytest.param(
            "el libros", "los libros", "number",
            "*libros* is plural, so it takes *los*, not *el*.", id="article-number",
        ),
        pytest.param(
            "la casa blanco", "la casa blanca", "gender",
            "*blanco* is masculine; *casa* needs *blanca*.", id="adjective-gender",
        ),
        pytest.param(
            "Me lamo Ana", "Me llamo Ana.", "word",
            "*lamo* is a different Spanish word, not a misspelling of *llamo*.", id="other-word",
        ),
    ],
)  # fmt: skip
def test_a_real_wrong_form_is_rejected_with_its_reason(lexicon, answer, expected, reason, note):
    grade = grade_text(answer, [expected], lexicon=lexicon)
    assert (grade.verdict, grade.reason) == ("wrong", reason)
    assert note in grade.note


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Me llamo Carlso", "Me llamo Carlos."),
        ("estudainte", "estudiante"),
        ("trabajmos", "trabajamos"),
        ("Soy estudiantte", "Soy estudiante"),
    ],
)
def test_a_misspelling_that_is_no_word_is_still_a_typo(lexicon, answer, expected):
    assert grade_text(answer, [expected], lexicon=lexicon).verdict == "typo"


def test_accents_alone_are_still_accepted_with_a_note(lexicon):
    assert grade_text("hablo", ["habló"], lexicon=lexicon).verdict == "accent"


def test_a_missing_accent_does_not_hide_a_wrong_person(lexicon):
    grade = grade_text("comi", ["comió"], lexicon=lexicon)
    assert grade.reason == "person" and "*comió*" in grade.note


def test_english_answers_are_not_checked_against_the_spanish_lexicon(lexicon):
    ex = Translate(
        id="t", prompt="p", text="Gracias.", direction="to_native", answers=["Thank you"],
        explanation="e",
    )  # fmt: skip
    assert grade_exercise(ex, "Thank yo", lexicon=lexicon).verdict == "wrong"  # too short
    assert grade_exercise(ex, "Thnak you", lexicon=lexicon).verdict == "typo"


def test_fill_blank_names_the_person_the_blank_needs(lexicon):
    ex = FillBlank(
        id="fb", prompt="p", sentence="Mis padres ___ muy contentos.", answers=["están"],
        explanation="estar",
    )  # fmt: skip
    grade = grade_exercise(ex, "esta", lexicon=lexicon)
    assert grade.reason == "person" and "*están*" in grade.note


def test_the_lexicon_knows_inflected_forms_accents_aside(lexicon):
    assert len(lexicon) > 800_000
    assert all(w in lexicon for w in ("llamo", "llama", "comimos", "chicas", "fuimos"))
    assert ("comí", "comer") in lexicon.entries("comi")
    assert "estudainte" not in lexicon


def test_a_small_lexicon_finds_every_spelling_of_a_bare_key():
    small = Lexicon([("está", "estar"), ("esta", "este"), ("estas", "este"), ("es", "ser")])
    assert small.forms("esta") == {"está", "esta"}
    assert small.lemmas("está", exact=True) == {"estar"}
    assert "e" not in small and len(small) == 4


def test_the_reason_reaches_the_learner():
    from graphs.tutor.nodes.grading import feedback

    grade = grade_text("me llama Carlos", ["Me llamo Carlos."], lexicon=spanish())
    text = feedback(grade, skipped=False, explanation="*Me llamo* + name.", brief=False)
    assert text.startswith("❌ Not quite. *llama* is the él/ella/usted form; with *me* use")
    assert "*Me llamo Carlos.*" in text


def test_a_blank_takes_its_person_from_the_sentence_before_it(lexicon):
    ex = FillBlank(
        id="fb", prompt="p", sentence="Hola, me ___ Carlos.", answers=["llamo"], explanation="e"
    )
    assert grade_exercise(ex, "llama", lexicon=lexicon).note == (
        "*llama* is the él/ella/usted form; with *me* use *llamo*."
    )
