"""The shipped starter course is complete and every exercise is servable."""

from collections import Counter

import yaml

from knowledge.seed import STARTER_COURSE
from tests.conversation import course_exercises
from tools.exercises import parse_exercise
from tools.grading import grade_exercise


def lessons():
    return [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((STARTER_COURSE / "lessons").glob("*.yaml"))
    ]


def test_at_least_eight_lessons_and_eighty_exercises_of_four_types():
    all_lessons = lessons()
    exercises = [e for lesson in all_lessons for e in lesson["exercises"]]
    assert len(all_lessons) >= 8 and len(exercises) >= 80
    assert set(Counter(e["type"] for e in exercises)) >= {
        "multiple_choice",
        "translate",
        "fill_blank",
        "word_order",
    }
    assert [ls["position"] for ls in all_lessons] == list(range(1, len(all_lessons) + 1))
    assert all(ls["level"] in ("A1", "A2") and ls["intro"].strip() for ls in all_lessons)
    assert sum(ls["level"] == "A1" for ls in all_lessons) >= 8


def test_every_exercise_validates_has_an_explanation_and_accepts_its_own_answers():
    items = course_exercises()
    assert len({i["id"] for i in items}) == len(items), "exercise ids must be unique"
    for item in items:
        model = parse_exercise({k: v for k, v in item.items() if k not in ("level", "lesson")})
        assert len(model.explanation) > 10
        for answer in model.answers:
            assert grade_exercise(model, answer).verdict == "correct", (item["id"], answer)


def test_ten_placement_questions_from_a1_to_a2():
    placement = [i for i in course_exercises() if i["lesson"] == 0]
    assert len(placement) == 10
    assert {q["level"] for q in placement} == {"A1", "A2"}


def test_vocabulary_in_every_lesson():
    assert all(len(lesson["vocabulary"]) >= 5 for lesson in lessons())
