import pytest

from graphs.tutor.intents import (
    asks_instead_of_answering,
    classify,
    is_affirmation,
    lesson_number,
)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hi", "greeting"),
        ("Hola!", "greeting"),
        ("buenos días", "greeting"),
        ("progress", "progress"),
        ("How am I doing?", "progress"),
        ("show my progress", "progress"),
        ("review", "review"),
        ("can we go over my mistakes", "review"),
        ("lesson", "lesson"),
        ("next lesson please", "lesson"),
        ("teach me", "lesson"),
        ("lesson 3", "lesson"),
        ("continue", "lesson"),
        ("let's talk", "practice"),
        ("I want to practice conversation", "practice"),
        ("¿cuándo uso ser y cuándo estar?", "question"),
        ("what does perro mean", "question"),
        ("how do you say dog?", "question"),
        ("level A2", "settings"),
        ("change my level", "settings"),
        ("timezone Europe/Madrid", "settings"),
        ("premium", "upgrade"),
        ("how much is the premium plan", "upgrade"),
        ("help", "help"),
        ("what can you do", "help"),
        ("STOP", "stop"),
        ("unsubscribe", "stop"),
        ("yes", "affirm"),
        ("ok", "affirm"),
        ("👍", "affirm"),
        ("explain", "explain"),
        ("why was my answer wrong", "explain"),
        ("me gusta el café", "unknown"),
        ("asdfgh", "unknown"),
    ],
)
def test_rules_without_a_pending_exercise(text, intent):
    assert classify(text, exercise_pending=False) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Where is the bank?", "answer"),  # a translation that happens to be a question
        ("hola", "answer"),
        ("yes", "answer"),
        ("2", "answer"),
        ("Me llamo Ana", "answer"),
        ("skip", "skip"),
        ("I don't know", "skip"),
        ("hint", "hint"),
        ("progress", "progress"),
        ("help", "help"),
        ("stop", "stop"),
        ("review", "review"),
        ("? why is it la and not el", "question"),
        ("explain why it is soy", "question"),
    ],
)
def test_pending_exercise_takes_answers_first(text, intent):
    assert classify(text, exercise_pending=True) == intent


def test_lesson_number_and_affirmation():
    assert lesson_number("Lesson 12") == 12
    assert lesson_number("lesson") is None
    assert is_affirmation("Sí") and is_affirmation("sounds good") and not is_affirmation("no")


@pytest.mark.parametrize(
    ("text", "expected", "asks"),
    [
        ("how does gustar work?", ["Me llamo Ana."], True),
        ("¿cuándo uso ser y cuándo estar?", ["soy"], True),
        ("¿Dónde está el banco?", ["¿Dónde está el banco?"], False),  # the answer is a question
        ("¿Dónde es el banco?", ["¿Dónde está el banco?"], False),
        ("is it buenos dias?", ["Buenas noches", "Buenos días"], False),  # a hesitant attempt
        ("¿estoy?", ["soy"], False),  # too short to be anything but a try
        ("yo soy de Colombia", ["soy"], False),  # not shaped like a question
    ],
)
def test_a_question_mid_exercise_is_told_from_an_attempt(text, expected, asks):
    assert asks_instead_of_answering(text, expected) is asks
