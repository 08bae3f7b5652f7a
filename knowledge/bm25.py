"""A lexical BM25 retriever over the same chunks: half of hybrid search, and the eval baseline."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

from tools.text import strip_accents

_TOKEN = re.compile(r"\w+", re.UNICODE)
K1 = 1.5
B = 0.75
EPSILON = 0.25


def tokenize(text: str) -> list[str]:
    """Lowercased, accent-folded word tokens (learners often type without accents)."""
    return _TOKEN.findall(strip_accents(text.casefold()))


class BM25Index:
    """Okapi BM25 over (id, text, metadata) chunks, with an inverted index.

    Scoring touches only the postings of the query's terms, so a query costs what its terms
    occur in, not the size of the collection.
    """

    def __init__(self, chunks: list[tuple[str, str, dict]]) -> None:
        self.chunks = chunks
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        lengths = np.zeros(len(chunks), dtype=np.float32)
        for n, (_, text, meta) in enumerate(chunks):
            terms = tokenize(f"{meta.get('title', '')} {meta.get('section', '')} {text}")
            lengths[n] = len(terms)
            for term, count in Counter(terms).items():
                docs, freqs = postings[term]
                docs.append(n)
                freqs.append(count)
        average = float(lengths.mean()) if len(chunks) else 1.0
        self._norm = K1 * (1 - B + B * lengths / (average or 1.0))
        total = len(chunks)
        idf = {
            t: math.log((total - len(d) + 0.5) / (len(d) + 0.5)) for t, (d, _) in postings.items()
        }
        # Terms in over half the chunks would score negative; they get a small positive floor.
        floor = EPSILON * (sum(idf.values()) / len(idf)) if idf else 0.0
        self._postings = {
            term: (
                np.asarray(docs, dtype=np.int32),
                np.asarray(freqs, dtype=np.float32),
                idf[term] if idf[term] > 0 else floor,
            )
            for term, (docs, freqs) in postings.items()
        }

    def search(self, query: str, k: int = 10) -> list[tuple[str, str, dict, float]]:
        """The `k` best chunks with their BM25 scores (only chunks sharing a term)."""
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        for term in set(tokenize(query)):
            posting = self._postings.get(term)
            if posting is None:
                continue
            docs, freqs, idf = posting
            scores[docs] += idf * freqs * (K1 + 1) / (freqs + self._norm[docs])
        top = np.argpartition(-scores, k)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(*self.chunks[i], float(scores[i])) for i in top if scores[i] > 0]
