"""Reading a language out of a learner's free first message."""

import pytest

from graphs.tutor.nodes.onboarding_answers import named_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I want to learn Spanish", "es"),
        ("quiero aprender español", "es"),
        ("hola, es mi primera vez", None),  # "es" is a word here, not a language code
        ("hi", None),
        ("I speak English and want Spanish", None),  # two named: ask instead of guessing
    ],
)
def test_a_first_message_names_a_language_only_in_full(text, code):
    assert named_language(text, ["en", "es"]) == code
