"""How much a message sent mid-exercise looks like an attempt at it."""

from __future__ import annotations

import pytest

from tools.attempts import Expected, attempt_likeness

CHOICE = Expected(["soy"], ["soy", "estoy", "es"], "es")
ORDER = Expected(["me llamo ana"], ["llamo", "Ana", "me"], "es")
TRANSLATE = Expected(["Me llamo Ana."], [], "es")


@pytest.mark.parametrize(
    ("text", "expected", "at_least"),
    [
        ("2", CHOICE, 1.0),
        ("b", CHOICE, 1.0),
        ("option 3 i think", CHOICE, 1.0),
        ("the second one", CHOICE, 1.0),
        ("la primera", CHOICE, 1.0),
        ("3 1 2", ORDER, 1.0),
        ("me llamo ana", TRANSLATE, 0.9),
        ("Me llamo Juan", TRANSLATE, 0.8),
    ],
)
def test_attempts_look_like_attempts(text, expected, at_least):
    assert attempt_likeness(text, expected) >= at_least


@pytest.mark.parametrize(
    "text", ["can I have a hint please", "how am I doing so far?", "what's the weather like"]
)
def test_other_messages_do_not(text):
    assert attempt_likeness(text, TRANSLATE) < 0.45


def test_a_choice_out_of_range_is_only_half_an_attempt():
    assert attempt_likeness("7", CHOICE) == 0.5
