"""Per-run configuration of the tutor graph: database, models and limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable
from pydantic.json_schema import SkipJsonSchema

from graphs.fields import from_settings, nested
from graphs.rag.context import RagContext
from tools.models import configured_model, load_chat_model


@dataclass(kw_only=True)
class Context:
    """Runtime context for a tutor run; every field has a documented default."""

    database_url: str = from_settings(
        "database_url", "App database (sqlite:///... or postgresql://...)."
    )
    tutor_model: str | None = from_settings(
        "lingograph_model", "provider:model for tutoring replies; none means no model."
    )
    router_model: str | None = from_settings(
        "lingograph_router_model",
        "provider:model for intent classification; defaults to tutor_model.",
    )
    fallback_models: list[str] = from_settings(
        lambda s: list(s.lingograph_fallback_models),
        "provider:model list tried in order when a model call fails.",
    )
    openai_base_url: str | None = from_settings(
        "openai_base_url", "OpenAI-compatible server for openai: models."
    )
    history_messages: int = from_settings(
        "history_messages", "Chat messages kept in state; older ones are trimmed."
    )
    default_timezone: str = from_settings(
        "default_timezone", "Timezone for learners who have not set one."
    )
    chat_model: SkipJsonSchema[BaseChatModel | None] = field(
        default=None,
        metadata={
            "description": "A ready chat model instance; overrides tutor_model and router_model."
        },
    )
    tenant: str = field(
        default="default",
        metadata={"description": "Tenant whose knowledge bases answer learners' questions."},
    )
    knowledge: RagContext = nested(
        RagContext, "Where and how the retrieval subgraph looks things up."
    )

    def tutor_llm(self) -> Runnable | None:
        """The tutoring model with its fallbacks, or None when no model is configured."""
        return configured_model(
            self.tutor_model, self.fallback_models, self.openai_base_url, self.chat_model
        )

    def router_llm(self) -> BaseChatModel | None:
        """The model that classifies what the rules cannot, or None."""
        if self.chat_model is not None:
            return self.chat_model
        spec = self.router_model or self.tutor_model
        return load_chat_model(spec, self.openai_base_url) if spec else None
