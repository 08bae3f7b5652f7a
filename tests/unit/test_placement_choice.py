"""The placement offer understands an answer in words, not only its buttons."""

from __future__ import annotations

import pytest

from graphs.tutor.nodes.onboarding_answers import placement_choice


@pytest.mark.parametrize(
    ("said", "choice"),
    [
        ("quiz", "quiz"),
        ("take the placement test", "quiz"),
        ("lets do the test", "quiz"),
        ("scratch", "scratch"),
        ("start at a1", "scratch"),
        ("lesson", "scratch"),
        ("skip the quiz", "scratch"),
        ("i want to start with the lessons", "scratch"),
        ("maybe", None),
    ],
)
def test_answers_in_words(said, choice):
    assert placement_choice(said) == choice
