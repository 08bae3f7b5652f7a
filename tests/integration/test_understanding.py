"""The router on messages written in other words than its commands, offline."""

from __future__ import annotations

import pytest

from evals.routing import evaluate as route_all
from evals.routing import failures, gate, load_split, split_path
from graphs.semantic import ExampleIndex, fingerprint
from graphs.tutor.understanding import (
    EMBEDDING_MODEL,
    INDEX_FILE,
    read_examples,
    tutor_understander,
)
from tools.attempts import Expected

TRANSLATE = Expected(["Me llamo Ana."], [], "es")


@pytest.fixture(scope="module")
def understand():
    return tutor_understander()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how many words do I actually know by now?", "progress"),
        ("could you quiz me again on the words I got wrong last week", "review"),
        ("what's the price of the pro version", "upgrade"),
        ("I'd like to switch my level to something harder", "settings"),
        ("ok I'm ready for the next unit", "lesson"),
        ("what does 'madrugar' mean?", "question"),
    ],
)
def test_fresh_phrasings_reach_their_intent(understand, text, intent):
    assert understand(text).intent == intent


def test_off_topic_chatter_is_asked_about_not_guessed(understand):
    result = understand("who is going to win the election in my country")
    assert result.source == "clarify" and result.intent == "unknown"
    assert len(result.choices) == 3


def test_gibberish_barely_ahead_of_the_off_topic_examples_is_asked_about(understand):
    assert understand("zxq blorp wibble").source == "clarify"


def test_emoji_alone_is_asked_about(understand):
    assert understand("🙃🙃").source == "clarify"


@pytest.mark.parametrize("text", ["Me llamo Juan", "me llamo ana", "llamo"])
def test_attempts_mid_exercise_are_graded(understand, text):
    assert understand(text, exercise=TRANSLATE).intent == "answer"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("wait, what's my streak at right now?", "progress"),
        ("no idea honestly, just show me", "skip"),
        ("please stop messaging me", "stop"),
    ],
)
def test_asides_mid_exercise_are_not_graded(understand, text, intent):
    assert understand(text, exercise=TRANSLATE).intent == intent


def test_the_shipped_vectors_match_the_examples():
    index = ExampleIndex.load(INDEX_FILE)
    assert index.fingerprint == fingerprint(read_examples(), EMBEDDING_MODEL), (
        "intent_examples.yaml changed: run `lingograph route --rebuild-index`"
    )


def test_the_test_split_passes_the_routing_gate(understand):
    report = route_all(understand, load_split(split_path("test")))
    assert failures(report, gate()) == []
    assert report.answer_vs_command()["attempt → graded"] >= 50
