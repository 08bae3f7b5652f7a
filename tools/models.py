"""Chat models from provider:model strings, with an ordered fallback list."""

from __future__ import annotations

from functools import lru_cache

from langchain.chat_models import init_chat_model
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable


def _split(spec: str) -> tuple[str, str]:
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ValueError(
            f"model {spec!r} must be written provider:model, e.g. openai:gpt-4o-mini or "
            "anthropic:claude-sonnet-4-5 (any provider init_chat_model supports)"
        )
    return provider, model


# The SDK would otherwise read OPENAI_BASE_URL itself; a run's own base_url must decide.
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"


def load_chat_model(spec: str, base_url: str | None = None) -> BaseChatModel:
    """A LangChain chat model for "provider:model"; `base_url` points openai: at any server.

    `base_url` is the run's setting (OPENAI_BASE_URL reaches it through the settings); None
    means OpenAI itself, whatever the process environment says.
    """
    provider, model = _split(spec)
    if provider != "openai":
        return _load(provider, model, None)
    return _load(provider, model, base_url or OPENAI_DEFAULT_BASE_URL)


@lru_cache(maxsize=32)
def _load(provider: str, model: str, base_url: str | None) -> BaseChatModel:
    kwargs = {"base_url": base_url} if base_url else {}
    try:
        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as exc:
        raise ValueError(
            f"provider {provider!r} needs its LangChain package installed: {exc}"
        ) from exc


def with_fallbacks(
    primary: BaseChatModel, fallbacks: list[str], base_url: str | None = None
) -> Runnable:
    """`primary`, then each fallback model in order when a call raises."""
    if not fallbacks:
        return primary
    return primary.with_fallbacks([load_chat_model(spec, base_url) for spec in fallbacks])


def configured_model(
    spec: str | None,
    fallbacks: list[str],
    base_url: str | None = None,
    instance: BaseChatModel | None = None,
) -> Runnable | None:
    """A ready `instance`, else `spec` with its fallbacks, else None (no model configured)."""
    if instance is not None:
        return instance
    if not spec:
        return None
    return with_fallbacks(load_chat_model(spec, base_url), fallbacks, base_url)
