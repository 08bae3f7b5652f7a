"""Routing eval: learner messages labelled with what they mean, scored against the router.

The data (evals/routing/{dev,test}.yaml) was written by people who had not seen the rules;
thresholds are tuned on `dev` only, and the gate reads `test`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from graphs.tutor.understanding import Understander, Understanding, timed
from tools.attempts import Expected
from tools.language import guess_language
from tools.resources import packaged

ROUTING_DIR = packaged("evals", "routing")
GATE_FILE = ROUTING_DIR / "gate.yaml"
# What a clarifying question is right for: a message that means nothing the tutor does.
CLARIFY_IS_RIGHT = {"unknown"}


class ExerciseIn(BaseModel):
    """The exercise waiting when the message was sent."""

    model_config = ConfigDict(extra="ignore")
    type: str
    prompt: str = ""
    answers: list[str]
    options: list[str] = Field(default_factory=list)
    language: str = "es"


class LabelledMessage(BaseModel):
    """One learner message and what it means."""

    model_config = ConfigDict(extra="ignore")
    text: str
    intent: str
    lang: str | None = None
    exercise: ExerciseIn | None = None

    def expected(self) -> Expected | None:
        """The router's view of the waiting exercise."""
        if self.exercise is None:
            return None
        answers_english = self.exercise.type == "translate" and _english(self.exercise.answers)
        language = "en" if answers_english else self.exercise.language
        return Expected(self.exercise.answers, self.exercise.options, language)


def _english(answers: list[str]) -> bool:
    return any(guess_language(answer) == "en" for answer in answers)


def split_path(split: str) -> Path:
    """The file of a split ("dev" or "test")."""
    return ROUTING_DIR / f"{split}.yaml"


def load_split(path: Path) -> list[LabelledMessage]:
    """The labelled messages of a split file."""
    data = yaml.safe_load(path.read_text())
    return [LabelledMessage.model_validate(m) for m in data["messages"]]


@dataclass
class Outcome:
    """One message, what it means, and what the router made of it."""

    message: LabelledMessage
    understanding: Understanding
    ms: float

    @property
    def predicted(self) -> str:
        """The intent the router chose ("clarify" when it asked back)."""
        return "clarify" if self.understanding.source == "clarify" else self.understanding.intent

    @property
    def correct(self) -> bool:
        """Whether the router did the right thing."""
        if self.predicted == "clarify":
            return self.message.intent in CLARIFY_IS_RIGHT
        return self.predicted == self.message.intent


@dataclass
class RoutingReport:
    """Accuracy, per-intent precision and recall, confusions and cost of one split."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of messages routed right."""
        return sum(o.correct for o in self.outcomes) / max(1, len(self.outcomes))

    @property
    def opt_out_recall(self) -> float:
        """Share of requests to stop messages that opted the learner out."""
        stops = [o for o in self.outcomes if o.message.intent == "stop"]
        return sum(o.predicted == "stop" for o in stops) / max(1, len(stops))

    @property
    def clarified(self) -> float:
        """Share of messages answered with a clarifying question."""
        return sum(o.predicted == "clarify" for o in self.outcomes) / max(1, len(self.outcomes))

    def per_intent(self) -> dict[str, dict[str, float]]:
        """Precision, recall and support per labelled intent."""
        labels = sorted({o.message.intent for o in self.outcomes})
        table = {}
        for label in labels:
            truth = [o for o in self.outcomes if o.message.intent == label]
            asked = label in CLARIFY_IS_RIGHT
            chosen = [
                o
                for o in self.outcomes
                if o.predicted == label or (asked and o.predicted == "clarify")
            ]
            hits = sum(o.correct for o in truth)
            table[label] = {
                "precision": sum(o.correct for o in chosen) / len(chosen) if chosen else 0.0,
                "recall": hits / len(truth),
                "support": len(truth),
            }
        return table

    def confusion(self) -> dict[str, Counter]:
        """For each labelled intent, what the router chose and how often."""
        matrix: dict[str, Counter] = defaultdict(Counter)
        for outcome in self.outcomes:
            matrix[outcome.message.intent][outcome.predicted] += 1
        return dict(matrix)

    def answer_vs_command(self) -> dict[str, int]:
        """Mid-exercise: attempts taken as attempts or not, and other messages graded or not."""
        pending = [o for o in self.outcomes if o.message.exercise is not None]
        attempts = [o for o in pending if o.message.intent == "answer"]
        others = [o for o in pending if o.message.intent != "answer"]
        return {
            "attempt → graded": sum(o.predicted == "answer" for o in attempts),
            "attempt → not graded": sum(o.predicted != "answer" for o in attempts),
            "other → graded": sum(o.predicted == "answer" for o in others),
            "other → not graded": sum(o.predicted != "answer" for o in others),
        }

    def latency(self) -> dict[str, float]:
        """p50 and p99 of the router's cost per message, in milliseconds."""
        times = sorted(o.ms for o in self.outcomes)
        if not times:
            return {"p50": 0.0, "p99": 0.0}
        return {
            "p50": times[len(times) // 2],
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        }

    def errors(self) -> list[Outcome]:
        """The messages routed wrong."""
        return [o for o in self.outcomes if not o.correct]


def gate() -> dict[str, float]:
    """The minimum accuracy and opt-out recall on the test split."""
    return {k: float(v) for k, v in yaml.safe_load(GATE_FILE.read_text()).items()}


def failures(report: RoutingReport, minimums: dict[str, float]) -> list[str]:
    """The gated numbers under their minimum, as "name value < minimum"."""
    values = {"accuracy": report.accuracy, "opt_out_recall": report.opt_out_recall}
    return [
        f"{name} {values[name]:.3f} < {minimum:.3f}"
        for name, minimum in minimums.items()
        if values[name] < minimum
    ]


def evaluate(understander: Understander, messages: list[LabelledMessage]) -> RoutingReport:
    """Route every message and score it."""
    report = RoutingReport()
    for message in messages:
        understanding, ms = timed(understander, message.text, exercise=message.expected())
        report.outcomes.append(Outcome(message, understanding, ms))
    return report


def calibrate(
    understander: Understander, messages: list[LabelledMessage], grid: list[float]
) -> dict[str, float]:
    """Per-intent thresholds that route the most dev messages right (one pass per intent).

    Where several thresholds route equally well, the middle one is kept.
    """
    embed = understander.classifier.embed
    cache = {m.text: embed([m.text]) for m in messages}

    def embed_once(texts: list[str]):
        return cache[texts[0]] if len(texts) == 1 and texts[0] in cache else embed(texts)

    understander.classifier.embed = embed_once  # the grid re-routes each message many times
    try:
        chosen: dict[str, float] = {}
        for intent in understander.classifier.intents:
            scores = {}
            for value in grid:
                understander.thresholds.per_intent[intent] = value
                scores[value] = evaluate(understander, messages).accuracy
            # The middle of the best plateau: furthest from where dev starts to go wrong.
            best = [value for value, score in scores.items() if score == max(scores.values())]
            chosen[intent] = understander.thresholds.per_intent[intent] = best[len(best) // 2]
        return chosen
    finally:
        understander.classifier.embed = embed
