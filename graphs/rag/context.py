"""Per-run configuration of the retrieval graph: store location, embeddings, model, limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from api.settings import get_settings
from knowledge.store import KnowledgeStore, get_store
from tools.models import configured_model


@dataclass(kw_only=True)
class RagContext:
    """Runtime context for a retrieval run; every field has a documented default."""

    chroma_path: str | None = field(
        default_factory=lambda: str(get_settings().chroma_path),
        metadata={"description": "Local Chroma folder (used when chroma_url is empty)."},
    )
    chroma_url: str | None = field(
        default_factory=lambda: get_settings().chroma_url,
        metadata={"description": "A Chroma server URL."},
    )
    embeddings: str = field(
        default_factory=lambda: get_settings().embeddings,
        metadata={"description": "e5-small (bundled) or provider:model."},
    )
    model: str | None = field(
        default_factory=lambda: get_settings().lingograph_model,
        metadata={"description": "provider:model that writes answers; none means extracts."},
    )
    fallback_models: list[str] = field(
        default_factory=lambda: list(get_settings().lingograph_fallback_models),
        metadata={"description": "provider:model list tried in order when a model call fails."},
    )
    openai_base_url: str | None = field(
        default_factory=lambda: get_settings().openai_base_url,
        metadata={"description": "OpenAI-compatible server for openai: models."},
    )
    min_score: float = field(
        default_factory=lambda: get_settings().rag_min_score,
        metadata={"description": "Passages less similar than this are dropped."},
    )
    k: int = field(default=6, metadata={"description": "Passages retrieved before filtering."})
    rewrite: bool = field(
        default=True,
        metadata={"description": "Rewrite follow-up questions into standalone queries."},
    )
    chat_model: BaseChatModel | None = field(
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
