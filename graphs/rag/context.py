"""Per-run configuration of the retrieval graph: store location, embeddings, model, limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from pydantic.json_schema import SkipJsonSchema

from graphs.fields import from_settings
from knowledge.store import KnowledgeStore, get_store
from tools.models import configured_model


@dataclass(kw_only=True)
class RagContext:
    """Runtime context for a retrieval run; every field has a documented default."""

    chroma_path: str | None = from_settings(
        lambda s: str(s.chroma_path), "Local Chroma folder (used when chroma_url is empty)."
    )
    chroma_url: str | None = from_settings("chroma_url", "A Chroma server URL.")
    embeddings: str = from_settings("embeddings", "e5-small (bundled) or provider:model.")
    model: str | None = from_settings(
        "lingograph_model", "provider:model that writes answers; none means extracts."
    )
    fallback_models: list[str] = from_settings(
        lambda s: list(s.lingograph_fallback_models),
        "provider:model list tried in order when a model call fails.",
    )
    openai_base_url: str | None = from_settings(
        "openai_base_url", "OpenAI-compatible server for openai: models."
    )
    min_score: float = from_settings(
        "rag_min_score", "Passages less similar than this are dropped."
    )
    k: int = field(default=6, metadata={"description": "Passages retrieved before filtering."})
    rewrite: bool = field(
        default=True,
        metadata={"description": "Rewrite follow-up questions into standalone queries."},
    )
    chat_model: SkipJsonSchema[BaseChatModel | None] = field(
        default=None, metadata={"description": "A ready chat model instance; overrides model."}
    )

    def store(self) -> KnowledgeStore:
        """The knowledge store (shared per process)."""
        path = None if self.chroma_url else self.chroma_path
        return get_store(path, self.chroma_url, self.embeddings, self.openai_base_url)

    def llm(self) -> Runnable | None:
        """The answering model with its fallbacks, or None."""
        return configured_model(
            self.model, self.fallback_models, self.openai_base_url, self.chat_model
        )
