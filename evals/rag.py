"""Retrieval eval: recall@1, recall@5 and MRR of each retriever over learner questions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.ingest import sync_folder
from knowledge.store import SEARCH_MODES, KnowledgeStore

DATASET = Path(__file__).resolve().parent / "datasets" / "rag_questions.yaml"
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


def load_questions(path: Path = DATASET) -> list[Question]:
    """Questions from YAML: a list of {question, language, gold: [doc ids]}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise ValueError(f"{path}: expected a list of questions")
    questions = []
    for n, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("question") or not item.get("gold"):
            raise ValueError(f"{path}: question {n} needs `question` and `gold`")
        questions.append(Question(item["question"], item.get("language", "?"), list(item["gold"])))
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
