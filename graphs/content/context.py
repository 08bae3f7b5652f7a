"""Per-run configuration of the content graph: database, generator model, retry limit."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from pydantic.json_schema import SkipJsonSchema

from graphs.fields import from_settings
from tools.errors import NotConfigured
from tools.models import load_chat_model
from tools.settings import Settings

NEEDS_A_MODEL = (
    "content generation needs a chat model: set LINGOGRAPH_GENERATOR_MODEL (or LINGOGRAPH_MODEL) "
    "to provider:model, e.g. openai:gpt-4o-mini (with OPENAI_API_KEY); for a local "
    "OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama's /v1) also set OPENAI_BASE_URL"
)


class GeneratorNotConfigured(NotConfigured):
    """No generator model is configured; the message says how to configure one."""

    def __init__(self) -> None:
        super().__init__("generator_not_configured", NEEDS_A_MODEL)


def generator_spec(settings: Settings) -> str | None:
    """The configured generator as provider:model: LINGOGRAPH_GENERATOR_MODEL, else the tutor's."""
    return settings.lingograph_generator_model or settings.lingograph_model


@dataclass(kw_only=True)
class Context:
    """Runtime context for a content run; every field has a documented default."""

    database_url: str = from_settings(
        "database_url", "App database (sqlite:///... or postgresql://...)."
    )
    generator_model: str | None = from_settings(
        generator_spec, "provider:model that writes drafts (structured output)."
    )
    openai_base_url: str | None = from_settings(
        "openai_base_url", "OpenAI-compatible server for openai: models."
    )
    max_attempts: int = from_settings(
        "content_max_attempts", "Tries per exercise before its draft is rejected."
    )
    concurrency: int = from_settings("content_concurrency", "Drafts written at once.")
    structured_output: str = from_settings(
        "content_structured_output",
        "auto (the provider's default), json_schema, function_calling or json_mode.",
    )
    chat_model: SkipJsonSchema[BaseChatModel | None] = field(
        default=None,
        metadata={"description": "A ready chat model instance; overrides generator_model."},
    )

    def writers(self) -> asyncio.Semaphore:
        """The gate keeping at most `concurrency` drafts in flight in this run.

        Not the run config's max_concurrency: that gate also queues the checkpoint writes of
        finished tasks behind unstarted ones, so a crash would lose every finished draft.
        """
        if getattr(self, "_writers", None) is None:
            self._writers = asyncio.Semaphore(max(1, self.concurrency))
        return self._writers

    def generator_llm(self) -> BaseChatModel:
        """The model that writes drafts; raises GeneratorNotConfigured when there is none."""
        if self.chat_model is not None:
            return self.chat_model
        if not self.generator_model:
            raise GeneratorNotConfigured()
        return load_chat_model(self.generator_model, self.openai_base_url)
