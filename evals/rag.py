"""Retrieval eval: recall@1, recall@5 and MRR of each retriever over learner questions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.ingest import sync_folder
from knowledge.store import SEARCH_MODES, KnowledgeStore
from tools.resources import packaged

DATASET = packaged("evals", "datasets", "rag_questions.yaml")
OFF_TOPIC = packaged("evals", "datasets", "rag_off_topic.yaml")
EVAL_TENANT = "eval"
CHUNK_DEPTH = 30


@dataclass
class Question:
    """A learner question and the note(s) that answer it."""

    question: str
    language: str
    gold: list[str]


@dataclass
class RetrieverScore:
    """One retriever's numbers over the dataset."""

    name: str
    recall_at_1: float
    recall_at_5: float
    mrr: float
    latency_ms_p50: float
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)


@dataclass
class ScoreFloor:
    """Where one embedding model's best-passage scores put the "not in the notes" floor."""

    embeddings: str
    on_topic_p5: float
    on_topic_p50: float
    off_topic_p95: float
    off_topic_max: float
    suggested: float
    current: float
    on_topic_refused: float  # share of answerable questions the current floor turns away
    off_topic_answered: float  # share of off-topic questions the current floor lets through


def load_questions(path: Path = DATASET, *, gold: bool = True) -> list[Question]:
    """Questions from YAML: a list of {question, language, gold: [doc ids]} (gold optional)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for n, item in enumerate(data, 1):
        if (
            not isinstance(item, dict)
            or not item.get("question")
            or (gold and not item.get("gold"))
        ):
            raise ValueError(f"{path}: question {n} needs `question`" + (" and `gold`" * gold))
        questions.append(
            Question(item["question"], item.get("language", "?"), list(item.get("gold") or []))
        )
    return questions


def doc_ranking(sources: list[str]) -> list[str]:
    """Document ids in the order their first chunk appears (source file name without suffix)."""
    return list(dict.fromkeys(Path(source).stem for source in sources))


def _rank_of_gold(ranking: list[str], gold: list[str]) -> int | None:
    return next((rank for rank, doc in enumerate(ranking, 1) if doc in gold), None)


def score(
    name: str, questions: list[Question], rankings: list[list[str]], latencies: list[float]
) -> RetrieverScore:
    """Recall@1/@5 (a question counts when one of its gold notes is there) and MRR."""
    ranks = [_rank_of_gold(r, q.gold) for q, r in zip(questions, rankings, strict=True)]

    def summary(indices: list[int]) -> dict[str, float]:
        n = len(indices) or 1
        return {
            "recall@1": sum(1 for i in indices if ranks[i] == 1) / n,
            "recall@5": sum(1 for i in indices if ranks[i] and ranks[i] <= 5) / n,
            "mrr": sum(1 / ranks[i] for i in indices if ranks[i]) / n,
        }

    overall = summary(list(range(len(questions))))
    languages = sorted({q.language for q in questions})
    latencies = sorted(latencies)
    return RetrieverScore(
        name=name,
        recall_at_1=overall["recall@1"],
        recall_at_5=overall["recall@5"],
        mrr=overall["mrr"],
        latency_ms_p50=latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        by_language={
            lang: summary([i for i, q in enumerate(questions) if q.language == lang])
            for lang in languages
        },
        misses=[
            {"question": q.question, "gold": q.gold, "got": r[:3]}
            for q, r, rank in zip(questions, rankings, ranks, strict=True)
            if not rank or rank > 5
        ],
    )


def evaluate(
    store: KnowledgeStore,
    folder: Path,
    questions: list[Question],
    kb: str = "es-grammar",
    tenant: str = EVAL_TENANT,
) -> list[RetrieverScore]:
    """Index `folder` (idempotently) and score each search mode of the store."""
    sync_folder(store, folder, tenant=tenant, kb=kb)
    results = []
    for mode in SEARCH_MODES:
        rankings, latencies = [], []
        for question in questions:
            start = time.perf_counter()
            hits = store.search(
                question.question, tenant=tenant, knowledge_bases=[kb], k=CHUNK_DEPTH, mode=mode
            )
            latencies.append(time.perf_counter() - start)
            rankings.append(doc_ranking([hit.source for hit in hits]))
        name = {"dense": store.embeddings_name, "bm25": "bm25"}.get(
            mode, f"hybrid: {store.embeddings_name} + bm25"
        )
        results.append(score(name, questions, rankings, latencies))
    return results


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def score_floor(
    store: KnowledgeStore,
    questions: list[Question],
    off_topic: list[Question],
    current: float,
    kb: str = "es-grammar",
    tenant: str = EVAL_TENANT,
) -> ScoreFloor:
    """The best-passage scores of answerable and off-topic questions, and a floor between them.

    Run after `evaluate` (which indexes the notes). Scores are the ones the retrieval graph
    compares with RAG_MIN_SCORE, so each embedding model gets its own floor.
    """

    def best(question: Question) -> float:
        hits = store.search(question.question, tenant=tenant, knowledge_bases=[kb], k=6)
        return max((hit.score for hit in hits), default=0.0)

    on = [best(q) for q in questions]
    off = [best(q) for q in off_topic]
    on_p5, off_p95 = _percentile(on, 0.05), _percentile(off, 0.95)
    # Halfway between the two when they separate; otherwise keep the answerable questions.
    suggested = (on_p5 + off_p95) / 2 if off_p95 < on_p5 else on_p5
    return ScoreFloor(
        embeddings=store.embeddings_name,
        on_topic_p5=on_p5,
        on_topic_p50=_percentile(on, 0.5),
        off_topic_p95=off_p95,
        off_topic_max=max(off),
        suggested=round(suggested, 3),
        current=current,
        on_topic_refused=sum(score < current for score in on) / len(on),
        off_topic_answered=sum(score >= current for score in off) / len(off),
    )
