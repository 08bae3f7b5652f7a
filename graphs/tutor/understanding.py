"""What a learner's message means: compliance, then rules, then the evidence of an attempt,
then the semantic classifier; below its calibrated thresholds, a question back to the learner.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import yaml

from graphs.semantic import ExampleIndex, Ranking, SemanticClassifier
from graphs.tutor.intents import (
    EXERCISE_ASIDES,
    GREETING,
    TUTOR,
    asks_instead_of_answering,
    looks_like_question,
    rule_intent,
)
from tools.attempts import Expected, attempt_likeness
from tools.consent import is_opt_in, is_opt_out
from tools.language import guess_language
from tools.resources import packaged
from tools.text import normalize

Source = Literal["compliance", "rules", "exercise", "semantic", "model", "clarify"]

EXAMPLES_FILE = packaged("graphs.tutor", "intent_examples.yaml")
INDEX_FILE = packaged("graphs.tutor", "intent_index.npz")
THRESHOLDS_FILE = packaged("graphs.tutor", "intent_thresholds.yaml")
EMBEDDING_MODEL = "e5-small"
_LATIN = re.compile(r"[A-Za-zÀ-ÿ0-9]")
# An attempt this close to an accepted answer or an option is graded whatever else it resembles.
CLEAR_ATTEMPT = 0.8
# Below this, a message that is not in the answer's language is no attempt without more evidence.
LIKELY_ATTEMPT = 0.45
# How much surer the classifier must be that a short or answer-language message is an aside.
ATTEMPT_SHAPED = 0.04
CLARIFY_CHOICES = 3
# An intent barely ahead of the off-topic examples is a guess (gibberish scores high on all).
UNKNOWN_MARGIN = 0.01
# Examples are short; a long message resembles many of them at once, so it must score higher.
LONG_MESSAGE_WORDS = 40
RAMBLING = 0.04


@dataclass(frozen=True)
class Understanding:
    """An intent, how sure the router is, and what decided it."""

    intent: str
    confidence: float
    source: Source
    choices: tuple[str, ...] = ()  # when asking back: the likeliest intents, best first
    ranking: Ranking | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Thresholds:
    """Per-intent floors for the semantic score, calibrated on the dev split."""

    default: float
    per_intent: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, intent: str) -> float:
        return self.per_intent.get(intent, self.default)

    @classmethod
    def read(cls, path=THRESHOLDS_FILE) -> Thresholds:
        """The shipped thresholds."""
        data = yaml.safe_load(path.read_text()) or {}
        return cls(float(data.get("default", 0.85)), dict(data.get("intents") or {}))


class Understander:
    """Turns a message (and the exercise waiting, if any) into an Understanding."""

    def __init__(self, classifier: SemanticClassifier, thresholds: Thresholds) -> None:
        self.classifier = classifier
        self.thresholds = thresholds
        # With no exercise waiting, "hint" and "skip" have nothing to be about.
        self.idle_intents = set(classifier.intents) - {"hint", "skip"}

    def __call__(self, text: str, *, exercise: Expected | None = None) -> Understanding:
        """What the message means."""
        consent = self._consent(text)
        if consent is not None:
            return consent
        rule = rule_intent(text, exercise_pending=exercise is not None)
        if rule is not None:
            return Understanding(rule, 1.0, "rules")
        if exercise is not None:
            if not normalize(text) or not _LATIN.search(text):
                # Emoji, or a script the tutor does not teach in: the grader answers it
                # (an emoji is not graded; other scripts are wrong), the exercise stays.
                return Understanding("answer", 0.0, "exercise")
            return self._mid_exercise(text, exercise)
        if not normalize(text):  # emoji or symbols alone: nothing to go on
            return Understanding("unknown", 0.0, "clarify", ("lesson", "review", "help"))
        ranking = self._rank(text, among=self.idle_intents)
        bar = self.thresholds[ranking.intent] + (RAMBLING if _long(text) else 0)
        off_topic = dict(ranking.scores).get("unknown", 0.0)
        near_off_topic = ranking.score - off_topic < UNKNOWN_MARGIN
        if ranking.score >= bar and ranking.intent != "unknown" and not near_off_topic:
            return Understanding(ranking.intent, ranking.score, "semantic", ranking=ranking)
        return self._clarify(ranking, exclude={"unknown", "affirm"})

    def _rank(self, text: str, among: set[str] | None = None) -> Ranking:
        """The ranking of the message, or of its request when a hello opens it."""
        ranking = self.classifier.rank(text, among)
        request = _request(text)
        if ranking.intent != "greeting" or request == text:
            return ranking
        asked = self.classifier.rank(request, among)
        confident = asked.intent != "unknown" and asked.score >= self.thresholds[asked.intent]
        return asked if confident else ranking

    def _consent(self, text: str) -> Understanding | None:
        if is_opt_out(text):
            return Understanding("stop", 1.0, "compliance")
        if is_opt_in(text):
            return Understanding("opt_in", 1.0, "compliance")
        return None

    def _mid_exercise(self, text: str, exercise: Expected) -> Understanding:
        likeness = attempt_likeness(text, exercise)
        short = len(normalize(text).split()) <= 2
        in_answer_language = bool(exercise.language) and guess_language(text) == exercise.language
        # Three words or more that resemble an answer are an attempt (short strings resemble
        # anything).
        if likeness >= CLEAR_ATTEMPT or (
            likeness >= LIKELY_ATTEMPT
            and not short
            and len(normalize(text).split()) >= 3
            and (in_answer_language or not looks_like_question(text))
        ):
            return Understanding("answer", likeness, "exercise")  # no embedding needed
        # A hello is never an attempt, unless the exercise asks for a greeting.
        if _greeting(text) and not any(_is_greeting(answer) for answer in exercise.answers):
            return Understanding("greeting", 1.0, "rules")
        ranking = self._rank(text)
        aside = Ranking(tuple(p for p in ranking.scores if p[0] in EXERCISE_ASIDES))
        # Short or answer-language messages are mostly attempts: an aside must be surer.
        attempt_shaped = short or in_answer_language or _long(text)
        bar = self.thresholds[aside.intent] + (ATTEMPT_SHAPED if attempt_shaped else 0)
        if aside.scores and aside.score >= bar:
            return Understanding(aside.intent, aside.score, "semantic", ranking=ranking)
        if asks_instead_of_answering(text, [*exercise.answers, *exercise.options]):
            return Understanding("question", aside.score, "exercise", ranking=ranking)
        if likeness >= LIKELY_ATTEMPT or in_answer_language or short:
            return Understanding("answer", likeness, "exercise", ranking=ranking)
        choices = ("answer", *aside.top(CLARIFY_CHOICES - 1))
        return Understanding("unknown", aside.score, "clarify", choices, ranking)

    def _clarify(self, ranking: Ranking, exclude: set[str]) -> Understanding:
        choices = tuple(i for i in ranking.top(len(ranking.scores)) if i not in exclude)
        return Understanding(
            "unknown", ranking.score, "clarify", choices[:CLARIFY_CHOICES], ranking
        )


def _greeting(text: str) -> bool:
    said = normalize(text)
    return len(said.split()) <= 3 and GREETING.match(said) is not None


def _is_greeting(answer: str) -> bool:
    """Whether an accepted answer is itself a greeting ("Yo soy Ana" is not: yo is "I")."""
    match = GREETING.match(normalize(answer))
    return match is not None and match.group(0) != "yo"


def _long(text: str) -> bool:
    return len(text.split()) > LONG_MESSAGE_WORDS


def _request(text: str) -> str:
    """The message without a leading hello: "hi! can you teach me?" asks for a lesson."""
    match = GREETING.match(normalize(text))
    rest = normalize(text)[match.end() :].strip() if match else ""
    return rest if len(rest.split()) >= 2 else text


def embed(texts: list[str]):
    """The bundled multilingual embeddings (no download, no key)."""
    # Imported on first use: it pulls in Chroma, which the graph's import should not pay for.
    from knowledge.embeddings import embed_queries

    return embed_queries(texts)


def read_examples(path=EXAMPLES_FILE) -> dict[str, list[str]]:
    """The labelled example messages, by intent."""
    examples = yaml.safe_load(path.read_text()) or {}
    TUTOR.check(examples)
    return {intent: [str(t) for t in texts] for intent, texts in examples.items()}


def build_index(path=INDEX_FILE) -> ExampleIndex:
    """Embed the examples and save them beside the examples file."""
    index = ExampleIndex.build(read_examples(), embed, EMBEDDING_MODEL)
    index.save(path)
    return index


@lru_cache(maxsize=1)
def tutor_understander() -> Understander:
    """The process's understander (its examples and vectors are read once)."""
    index = ExampleIndex.cached(read_examples(), embed, EMBEDDING_MODEL, INDEX_FILE)
    return Understander(SemanticClassifier(index, embed), Thresholds.read())


def timed(understander: Understander, text: str, **kwargs) -> tuple[Understanding, float]:
    """An understanding and the milliseconds it took (for `lingograph route` and benchmarks)."""
    started = time.perf_counter()
    result = understander(text, **kwargs)
    return result, (time.perf_counter() - started) * 1000
