"""A lexical BM25 retriever over the same chunks, the baseline dense retrieval must beat."""

from __future__ import annotations

import re

from rank_bm25 import BM25Okapi

from tools.text import strip_accents

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lowercased, accent-folded word tokens (learners often type without accents)."""
    return _TOKEN.findall(strip_accents(text.casefold()))


class BM25Index:
    """Okapi BM25 over (id, text, metadata) chunks."""

    def __init__(self, chunks: list[tuple[str, str, dict]]) -> None:
        self.chunks = chunks
        corpus = [
            tokenize(f"{m.get('title', '')} {m.get('section', '')} {t}") for _, t, m in chunks
        ]
        self._bm25 = BM25Okapi(corpus)

    def search(self, query: str, k: int = 10) -> list[tuple[str, str, dict, float]]:
        """The `k` best chunks with their BM25 scores."""
        scores = self._bm25.get_scores(tokenize(query))
        order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)[:k]
        return [(*self.chunks[i], float(scores[i])) for i in order]
