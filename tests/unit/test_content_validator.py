"""The draft validator: what a reviewer would reject, in words the model can act on."""

from __future__ import annotations

import pytest

from tests.conversation import course_exercises
from tests.fake_generator import existing_duplicate, valid_draft, wrong_answer, wrong_language
from tools.content.validator import Rules, fingerprints, validate_draft
from tools.exercises import parse_exercise

TYPES = ["multiple_choice", "fill_blank", "translate", "word_order"]


def rules(kind: str, level: str = "A1", existing: dict | None = None) -> Rules:
    return Rules(kind, level, "es", "en", existing or {})


def starter_fingerprints() -> dict[str, str]:
    found = {}
    for item in course_exercises():
        model = parse_exercise({k: v for k, v in item.items() if k not in ("lesson", "level")})
        found.update(dict.fromkeys(fingerprints(model), item["id"]))
    return found


@pytest.mark.parametrize("item", course_exercises(), ids=lambda item: item["id"])
def test_every_starter_exercise_passes(item):
    data = {k: v for k, v in item.items() if k not in ("id", "lesson", "level")}
    verdict = validate_draft(data, rules(item["type"], item.get("level", "A1")), item["id"])
    assert verdict.ok, verdict.findings


@pytest.mark.parametrize("kind", TYPES)
def test_a_valid_draft_becomes_the_tutors_model(kind):
    verdict = validate_draft(valid_draft(kind, 7), rules(kind), "gen-1")
    assert verdict.ok
    assert verdict.exercise.id == "gen-1" and verdict.exercise.type == kind


@pytest.mark.parametrize(
    ("kind", "finding"),
    [
        ("multiple_choice", "answer 'encanta' is not among the options"),
        ("fill_blank", "exactly one blank ___ (found 0)"),
        ("word_order", "the tokens do not rebuild the first answer"),
        ("translate", "the answer is in en, expected es"),
    ],
)
def test_semantic_mistakes_are_named(kind, finding):
    verdict = validate_draft(wrong_answer(kind, 3), rules(kind), "gen-1")
    assert not verdict.ok
    assert any(finding in f for f in verdict.findings), verdict.findings


@pytest.mark.parametrize(
    ("kind", "finding"),
    [
        ("fill_blank", "the sentence is in en, expected es: 'We like bread at home.'"),
        ("translate", "the answer is in en, expected es"),
        ("word_order", "the sentence is in en, expected es"),
        ("multiple_choice", "the explanation is in es, expected en"),
    ],
)
def test_text_in_the_wrong_language_is_found(kind, finding):
    verdict = validate_draft(wrong_language(kind, 3), rules(kind), "gen-1")
    assert any(finding in f for f in verdict.findings), verdict.findings


def test_an_instruction_all_in_the_target_language_is_found():
    draft = {**valid_draft("translate", 1), "prompt": "Traduce la frase: la casa es de mi madre"}
    verdict = validate_draft(draft, rules("translate"), "gen-1")
    assert any("the prompt is all in es" in f for f in verdict.findings)


def test_schema_errors_name_the_field():
    draft = valid_draft("multiple_choice", 1)
    del draft["explanation"]
    draft["colour"] = "red"
    findings = validate_draft(draft, rules("multiple_choice"), "gen-1").findings
    assert "explanation: Field required" in findings
    assert "colour: Extra inputs are not permitted" in findings


def test_unparseable_replies_and_other_types_are_rejected():
    broken = validate_draft('{"prompt": "Me gusta', rules("fill_blank"), "gen-1")
    assert broken.findings[0].startswith("the reply is not valid JSON")
    other = validate_draft(valid_draft("translate", 1), rules("fill_blank"), "gen-1")
    assert other.findings == ["expected a fill_blank exercise, got 'translate'"]
    assert validate_draft(None, rules("fill_blank"), "gen-1").findings == [
        "the reply is not a JSON object with the exercise's fields"
    ]


@pytest.mark.parametrize(("level", "ok"), [("A1", False), ("B1", True)])
def test_sentences_are_kept_short_for_the_level(level, ok):
    long = "Me gusta mucho el pan con queso y la fruta por la mañana en casa."
    draft = {**valid_draft("translate", 1), "answers": [long]}
    verdict = validate_draft(draft, rules("translate", level), "gen-1")
    assert verdict.ok is ok
    if not ok:
        assert "has 15 words; keep A1 sentences to 10 words or fewer" in verdict.findings[0]


def test_two_right_options_are_ambiguous():
    draft = {**valid_draft("multiple_choice", 1), "answers": ["gusta", "gustan"]}
    verdict = validate_draft(draft, rules("multiple_choice"), "gen-1")
    assert verdict.findings == [
        "only one option may be right, but ['gusta', 'gustan'] are all accepted answers"
    ]


@pytest.mark.parametrize("kind", TYPES)
def test_repeating_an_existing_exercise_is_a_finding(kind):
    verdict = validate_draft(
        existing_duplicate(kind), rules(kind, existing=starter_fingerprints()), "g"
    )
    assert any("duplicates the existing exercise '" in f for f in verdict.findings)
    fresh = validate_draft(valid_draft(kind, 9), rules(kind, existing=starter_fingerprints()), "g")
    assert fresh.ok, fresh.findings
