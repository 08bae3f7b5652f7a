"""Retrieval quality over the learner questions: the numbers `lingograph eval rag` reports."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app as cli
from evals.rag import OFF_TOPIC, evaluate, load_questions, score_floor
from knowledge.ingest import BUILTIN_DIR
from knowledge.store import get_store
from tests.conftest import TEST_CHROMA


def test_every_question_points_at_a_shipped_note():
    notes = {p.stem for p in (BUILTIN_DIR / "es-grammar").glob("*.md")}
    questions = load_questions()
    assert len(notes) >= 30 and len(questions) >= 60
    assert {q.language for q in questions} == {"en", "es"}
    assert all(set(q.gold) <= notes for q in questions)
    assert notes <= {doc for q in questions for doc in q.gold}, "every note has questions"


def test_hybrid_retrieval_finds_the_right_note():
    store = get_store(str(TEST_CHROMA), None, "e5-small")
    scores = {
        s.name.split(":")[0]: s
        for s in evaluate(store, BUILTIN_DIR / "es-grammar", load_questions(), tenant="default")
    }
    hybrid, dense, lexical = scores["hybrid"], scores["e5-small"], scores["bm25"]
    # Floors sit a little under the measured values (0.82 / 0.98 / 0.89 for hybrid).
    assert hybrid.recall_at_5 >= 0.95 and hybrid.recall_at_1 >= 0.75 and hybrid.mrr >= 0.83
    assert dense.recall_at_5 >= 0.9 and lexical.recall_at_5 >= 0.9
    assert hybrid.mrr > max(dense.mrr, lexical.mrr), "fusion is why search defaults to hybrid"
    assert all(lang["recall@5"] >= 0.9 for lang in hybrid.by_language.values())


def test_the_score_floor_separates_answerable_from_off_topic_questions():
    store = get_store(str(TEST_CHROMA), None, "e5-small")
    questions, off_topic = load_questions(), load_questions(OFF_TOPIC, gold=False)
    assert len(off_topic) >= 20 and not any(q.gold for q in off_topic)
    floor = score_floor(store, questions, off_topic, current=0.83, tenant="default")
    assert floor.off_topic_p95 < floor.on_topic_p5, "e5-small separates the two"
    assert floor.off_topic_p95 < floor.suggested < floor.on_topic_p5
    # The shipped RAG_MIN_SCORE turns away few answerable and lets through few off-topic ones.
    assert floor.on_topic_refused <= 0.1 and floor.off_topic_answered <= 0.1


def test_eval_rag_command_prints_the_comparison(tmp_path: Path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "gustar.md").write_text("# Gustar\n\nMe gusta el café; me gustan los libros.\n")
    (folder / "numbers.md").write_text("# Numbers\n\nUno, dos, tres, cuatro, cinco.\n")
    dataset = tmp_path / "q.yaml"
    dataset.write_text(
        "- {question: 'me gustan o me gusta', language: es, gold: [gustar]}\n"
        "- {question: 'how do I count to five', language: en, gold: [numbers]}\n"
    )
    out = tmp_path / "rag.json"
    result = CliRunner().invoke(
        cli,
        [
            "eval",
            "rag",
            "--dataset",
            str(dataset),
            "--folder",
            str(folder),
            "--chroma",
            str(tmp_path / "chroma"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "recall@5" in result.output and "bm25" in result.output
    assert "RAG_MIN_SCORE" in result.output
    saved = json.loads(out.read_text())
    assert "bm25" in [r["name"] for r in saved["retrievers"]]
    assert saved["score_floors"][0]["embeddings"] == "e5-small"
    missing = CliRunner().invoke(cli, ["eval", "rag", "--dataset", str(tmp_path / "no.yaml")])
    assert missing.exit_code == 2
