"""Text in any script never crashes grading or routing."""

import pytest

from graphs.tutor.intents import classify
from tools.exercises import FillBlank, MultipleChoice, WordOrder
from tools.grading import grade_exercise, grade_text, looks_like_an_answer

ODD_TEXTS = [
    "😀🎉👍",
    "مرحبا كيف حالك",
    "שלום",
    "你好世界",
    "e\u0301\u0301\u0301",
    "\u200f\u200e",
    "\u0000\u0007",
    "‮reversed",
    "ﷺ",
    "𝕳𝖊𝖑𝖑𝖔",
    "a" * 5000,
    "?¿!¡",
    "Ñ" * 3,
    "🇪🇸 España",
    "\ufeffhola",
    "ǅ",
    "İstanbul",
    "ß",
    "1 2 3 4 5 6 7 8 9 10 11",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("pending", [True, False])
def test_routing_never_crashes(text, pending):
    assert classify(text, exercise_pending=pending)


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_grading_never_crashes(text):
    exercises = [
        MultipleChoice(id="m", prompt="p", options=["a", "b"], answers=["a"], explanation="e"),
        WordOrder(id="w", prompt="p", tokens=["b", "a"], answers=["a b"], explanation="e"),
        FillBlank(id="f", prompt="p", sentence="x ___ y", answers=["año"], explanation="e"),
    ]
    for exercise in exercises:
        assert grade_exercise(exercise, text).verdict in {"correct", "accent", "typo", "wrong"}
    grade_text(text, ["España"])


def test_emoji_alone_is_not_an_answer():
    assert not looks_like_an_answer("😀👍")
    assert looks_like_an_answer("🇪🇸 sí")
