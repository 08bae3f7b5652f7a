"""Knowledge-base ingestion throughput and query latency at 20,000 chunks.

Synthetic grammar-note-like documents (Spanish examples, English prose) go through the real
path: chunking, multilingual-e5 embedding, Chroma upserts. In the same run, two baselines:
Chroma writes with precomputed vectors (the store alone), and the same queries against the
36 shipped grammar notes (a small collection). Queries are the learner questions of the
retrieval eval, in all three search modes.

    .venv/bin/python bench/knowledge.py [--chunks 20000] [--queries 200] [--words 60]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.rag import load_questions  # noqa: E402
from knowledge.documents import parse_document  # noqa: E402
from knowledge.ingest import BUILTIN_DIR, sync_folder  # noqa: E402
from knowledge.store import SEARCH_MODES, KnowledgeStore, make_client  # noqa: E402

TOPICS = ["ser", "estar", "gustar", "por", "para", "tener", "hay", "saber", "conocer", "ir"]
SPANISH = (
    "yo tú él ella nosotros ellos casa perro gato libro mesa ciudad playa café agua comida "
    "hablar comer vivir trabajar estudiar viajar cantar leer escribir abrir mañana tarde noche "
    "siempre nunca también muy mucho poco grande pequeño rojo alto bajo feliz cansado rico"
).split()
ENGLISH = (
    "the verb is used when you talk about a place feeling state identity origin time plural "
    "singular subject object pronoun before after sentence example learner mistake rule form "
    "present past future question answer because usually sometimes always never"
).split()


def synthetic_document(n: int, sections: int, words: int, rng: random.Random) -> bytes:
    """A Markdown note with `sections` sections of about `words` words each."""
    topic = TOPICS[n % len(TOPICS)]
    parts = [f"# Note {n}: {topic}\n"]
    for s in range(sections):
        prose = " ".join(rng.choice(ENGLISH) for _ in range(words * 2 // 3))
        example = " ".join(rng.choice(SPANISH) for _ in range(words // 3))
        parts.append(f"## Section {s} about {topic}\n{prose}.\n- *{example}.* — example.\n")
    return "\n".join(parts).encode()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest(store: KnowledgeStore, chunks: int, words: int) -> tuple[float, float, int]:
    """Ingest synthetic notes of 10 sections each; returns (seconds, embed seconds, chunks)."""
    rng = random.Random(7)
    embed_seconds = 0.0
    original = store.embed

    def timed_embed(texts):
        nonlocal embed_seconds
        start = time.perf_counter()
        vectors = original(texts)
        embed_seconds += time.perf_counter() - start
        return vectors

    timed_embed.embed_query = original.embed_query
    store.embed = timed_embed
    documents = [
        parse_document(f"note-{n:05d}.md", synthetic_document(n, 10, words, rng))
        for n in range(chunks // 10)
    ]
    start = time.perf_counter()
    done = 0
    for offset in range(0, len(documents), 50):
        report = store.ingest("bench", "big", documents[offset : offset + 50])
        done += report.chunks_written
        if offset % 500 == 0:
            rate = done / (time.perf_counter() - start)
            print(f"  … {done} chunks, {rate:.1f} chunks/s", flush=True)
    store.embed = original
    return time.perf_counter() - start, embed_seconds, done


def store_only(client, chunks: int, dim: int) -> float:
    """Chroma upserts of precomputed vectors: the store's own share of ingestion."""
    store = KnowledgeStore(client)
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((chunks, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    meta = {
        "tenant": "bench",
        "knowledge_base": "raw",
        "source": "s",
        "title": "t",
        "content_hash": "h",
        "level": "",
        "language": "",
        "section": "x",
    }
    start = time.perf_counter()
    store.add_chunks(
        "bench",
        "raw",
        [f"c{i}" for i in range(chunks)],
        [f"chunk {i}" for i in range(chunks)],
        [meta] * chunks,
        embeddings=list(vectors),
    )
    return time.perf_counter() - start


def query_latencies(
    store: KnowledgeStore, tenant: str, kb: str, questions: list[str]
) -> dict[str, list[float]]:
    """Per-mode search latencies (first query per mode excluded: it builds the BM25 index)."""
    found: dict[str, list[float]] = {}
    for mode in SEARCH_MODES:
        store.search(questions[0], tenant=tenant, knowledge_bases=[kb], k=5, mode=mode)
        times = []
        for question in questions:
            start = time.perf_counter()
            store.search(question, tenant=tenant, knowledge_bases=[kb], k=5, mode=mode)
            times.append((time.perf_counter() - start) * 1000)
        found[mode] = times
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--words", type=int, default=60, help="Words per synthetic section.")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lingograph-bench-kb-"))
    client = make_client(folder)
    store = KnowledgeStore(client)
    questions = [q.question for q in load_questions()]
    questions = (questions * (args.queries // len(questions) + 1))[: args.queries]

    print(f"Ingesting {args.chunks} synthetic chunks (~{args.words} words each) …", flush=True)
    seconds, embed_seconds, written = ingest(store, args.chunks, args.words)
    raw_seconds = store_only(client, written, 384)
    print(f"Querying ({len(questions)} learner questions per mode) …", flush=True)
    big = query_latencies(store, "bench", "big", questions)
    sync_folder(store, BUILTIN_DIR / "es-grammar", tenant="bench", kb="grammar")
    small_chunks = sum(s.chunks for s in store.sources("bench", "grammar"))
    small = query_latencies(store, "bench", "grammar", questions)

    print()
    print("| ingestion | chunks | seconds | chunks/s |")
    print("|---|---|---|---|")
    print(
        f"| full path (chunk + e5 embed + upsert) | {written} | {seconds:.1f} "
        f"| {written / seconds:.1f} |"
    )
    print(
        f"| of which embedding | {written} | {embed_seconds:.1f} | {written / embed_seconds:.1f} |"
    )
    print(
        f"| baseline: Chroma upsert, precomputed vectors | {written} | {raw_seconds:.1f} "
        f"| {written / raw_seconds:.0f} |"
    )
    print()
    print("| query (k=5) | collection | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for mode in SEARCH_MODES:
        print(
            f"| {mode} | {written} chunks | {pct(big[mode], 0.5):.1f} "
            f"| {pct(big[mode], 0.99):.1f} |"
        )
        print(
            f"| {mode} (baseline) | {small_chunks} chunks | {pct(small[mode], 0.5):.1f} "
            f"| {pct(small[mode], 0.99):.1f} |"
        )
    print()
    print(f"Peak RSS: {peak_rss_mb():.0f} MB; Chroma folder: {folder}")


if __name__ == "__main__":
    main()
