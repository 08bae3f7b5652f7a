"""Semantic intent classification: a message's nearest labelled examples, in embedding space.

Any graph can classify with it: give it labelled example messages per intent and a function
that embeds texts as unit vectors. The example vectors are computed once and saved beside the
examples (with a fingerprint of them), so a process starts without embedding hundreds of texts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Ranking:
    """Intents with their scores (cosine similarity, higher is closer), best first."""

    scores: tuple[tuple[str, float], ...]

    @property
    def intent(self) -> str:
        """The best intent."""
        return self.scores[0][0]

    @property
    def score(self) -> float:
        """The best intent's score."""
        return self.scores[0][1]

    @property
    def margin(self) -> float:
        """How far the best intent leads the second."""
        return self.score - self.scores[1][1] if len(self.scores) > 1 else self.score

    def top(self, n: int) -> list[str]:
        """The `n` likeliest intents."""
        return [intent for intent, _ in self.scores[:n]]


def fingerprint(examples: Mapping[str, Sequence[str]], model: str) -> str:
    """A hash of the examples and the embedding model: saved vectors are valid while it holds."""
    payload = json.dumps({"model": model, "examples": examples}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ExampleIndex:
    """Labelled example messages as unit vectors."""

    labels: np.ndarray  # (n,) intent of each example
    vectors: np.ndarray  # (n, d) float32, unit length
    fingerprint: str

    @classmethod
    def build(cls, examples: Mapping[str, Sequence[str]], embed: Embed, model: str) -> ExampleIndex:
        """Embed every example."""
        labels = [intent for intent, texts in examples.items() for _ in texts]
        texts = [text for group in examples.values() for text in group]
        vectors = np.asarray(embed(texts), dtype=np.float32)
        return cls(np.asarray(labels), vectors, fingerprint(examples, model))

    def save(self, path: Path) -> None:
        """Write the vectors (half precision: ample for ranking) with their labels."""
        np.savez_compressed(
            path,
            labels=self.labels,
            vectors=self.vectors.astype(np.float16),
            fingerprint=np.asarray(self.fingerprint),
        )

    @classmethod
    def load(cls, path: Path) -> ExampleIndex:
        """Read vectors written by `save`."""
        with np.load(path) as data:
            vectors = data["vectors"].astype(np.float32)
            return cls(data["labels"], vectors, str(data["fingerprint"]))

    @classmethod
    def cached(
        cls, examples: Mapping[str, Sequence[str]], embed: Embed, model: str, path: Path
    ) -> ExampleIndex:
        """The saved index when it matches the examples, else a fresh one (and a warning)."""
        wanted = fingerprint(examples, model)
        if path.exists():
            index = cls.load(path)
            if index.fingerprint == wanted:
                return index
            log.warning("%s is stale (the examples changed): embedding them now", path.name)
        return cls.build(examples, embed, model)


class SemanticClassifier:
    """Scores each intent by the mean similarity of its `k` examples nearest the message."""

    def __init__(self, index: ExampleIndex, embed: Embed, *, k: int = 3) -> None:
        self.index = index
        self.embed = embed
        self.k = k
        self.intents = tuple(dict.fromkeys(index.labels.tolist()))
        self._rows = {i: np.flatnonzero(index.labels == i) for i in self.intents}

    def rank(self, text: str, among: set[str] | None = None) -> Ranking:
        """Every intent (or those `among`), best first."""
        return self.rank_vector(self.embed([text])[0], among)

    def rank_vector(self, vector: np.ndarray, among: set[str] | None = None) -> Ranking:
        """Rank a message already embedded."""
        similarities = self.index.vectors @ vector
        scores = []
        for intent in self.intents:
            if among is not None and intent not in among:
                continue
            nearest = np.sort(similarities[self._rows[intent]])[-self.k :]
            scores.append((intent, float(nearest.mean())))
        scores.sort(key=lambda pair: pair[1], reverse=True)
        return Ranking(tuple(scores))
