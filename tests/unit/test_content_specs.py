"""Curriculum spec files and the exercise schema registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.content import schemas
from tools.content.specs import SpecError, read_spec_file
from tools.exercises import parse_exercise

EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "specs" / "es-en-a1-food.yaml"


def test_the_example_spec_reads():
    (spec,) = read_spec_file(EXAMPLE)
    assert (spec.language, spec.level, spec.lesson) == ("es", "A1", "food-gustar")
    assert spec.exercises == {"multiple_choice": 4, "fill_blank": 4, "translate": 4}
    assert "el pan" in spec.vocabulary_focus and "gustar" in spec.notes


def test_a_file_may_list_several_specs(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(
        "specs:\n"
        "  - {language: es, level: a1, topic: Hi, lesson: greetings, exercises: {translate: 2}}\n"
        "  - {language: es, level: A2, topic: Past, lesson: preterite,\n"
        "     exercises: {word_order: 1}}\n"
    )
    first, second = read_spec_file(path)
    assert first.level == "A1" and second.exercises == {"word_order": 1}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("language: es\nlevel: Z9\ntopic: t\nlesson: l\nexercises: {translate: 1}", "level must"),
        ("language: es\nlevel: A1\ntopic: t\nlesson: l\nexercises: {essay: 1}", "unknown exercise"),
        ("language: es\nlevel: A1\ntopic: t\nlesson: l\nexercises: {translate: 0}", "at least 1"),
        ("language: es\nlevel: A1\ntopic: t\nexercises: {translate: 1}", "lesson: Field required"),
        ("- just\n- a list", "expected a spec mapping"),
        ("language: [unclosed", "not valid YAML"),
    ],
)
def test_bad_specs_say_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(SpecError, match="bad.yaml") as raised:
        read_spec_file(path)
    assert message in str(raised.value)


def test_the_registry_exports_a_versioned_json_schema_per_type():
    exported = schemas.export()
    assert set(exported) == {"multiple_choice", "fill_blank", "translate", "word_order"}
    for kind, entry in exported.items():
        assert entry["version"] >= 1
        assert entry["schema"]["properties"]["type"]["const"] == kind
        assert "id" in entry["schema"]["required"]


def test_the_generator_fills_the_same_model_without_the_slug():
    entry = schemas.schema_for("multiple_choice")
    draft = entry.draft_schema()
    assert "id" not in draft["properties"] and "id" not in draft["required"]
    assert draft["title"] == "multiple_choice" and draft["additionalProperties"] is False
    filled = {
        "prompt": "Choose: Me ___ el pan.",
        "options": ["gusta", "gustan"],
        "answers": ["gusta"],
        "explanation": "One thing: *gusta*.",
    }
    served = parse_exercise({**filled, "id": "gen-1", "type": "multiple_choice"})
    assert served.model_dump(exclude={"id"}) == {**filled, "type": "multiple_choice"}
    with pytest.raises(ValueError, match="known types: multiple_choice"):
        schemas.schema_for("essay")
