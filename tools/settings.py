"""Settings, read from the environment (and a `.env` file) with documented defaults.

The one source of configuration for every layer: graph contexts take their defaults from it,
and the service passes its own `Settings` object down.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from tools.db.url import backend_of, is_postgres


class Settings(BaseSettings):
    """Everything the service reads from its environment; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the embedded SQLite file and Chroma store; relative paths are "
        "taken from the working directory.",
    )
    database_url: str = Field(
        default="",
        description="App data, checkpoints and the job queue: sqlite:///path or "
        "postgresql://user@host/db (postgres:// and postgresql+psycopg:// too); "
        "default DATA_DIR/lingograph.db.",
    )
    lingograph_model: str | None = Field(
        default=None, description="Chat model as provider:model, e.g. openai:gpt-4o-mini."
    )
    lingograph_router_model: str | None = Field(
        default=None, description="Model for intent classification; defaults to LINGOGRAPH_MODEL."
    )
    lingograph_fallback_models: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated provider:model list tried on errors."
    )
    openai_api_key: str | None = None
    openai_base_url: str | None = Field(
        default=None, description="Any OpenAI-compatible server (vLLM, llama.cpp, Ollama...)."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    default_timezone: str = Field(
        default="UTC", description="Timezone for streaks of learners who have not set theirs."
    )
    max_message_chars: int = Field(default=2000, description="Longest inbound message accepted.")
    history_messages: int = Field(
        default=20, description="Chat messages kept in a thread's state; older ones are trimmed."
    )
    checkpoint_prune_every: int = Field(
        default=10,
        ge=0,
        description="Every N turns, drop all but a thread's latest checkpoint; 0 keeps them all.",
    )
    log_level: str = "info"
    admin_api_key: str | None = Field(
        default=None,
        description="Bearer key for /v1/knowledge and /v1/content; unset disables those APIs.",
    )

    # Knowledge bases (retrieval).
    embeddings: str = Field(
        default="e5-small",
        description="Embedding model: e5-small (bundled, offline), or provider:model, "
        "e.g. openai:text-embedding-3-small.",
    )
    chroma_path: Path | None = Field(
        default=None, description="Local Chroma folder (embedded default); default DATA_DIR/chroma."
    )
    chroma_url: str | None = Field(
        default=None, description="A Chroma server, e.g. http://chroma:8000; overrides CHROMA_PATH."
    )
    rag_min_score: float = Field(
        default=0.83,
        description="Cosine floor for a passage to count as answering a question (e5-small).",
    )

    # Content generation.
    lingograph_generator_model: str | None = Field(
        default=None,
        description="provider:model that writes exercise drafts; defaults to LINGOGRAPH_MODEL.",
    )
    content_max_attempts: int = Field(
        default=3, ge=1, description="Tries per exercise before a draft is rejected."
    )
    content_concurrency: int = Field(
        default=5, ge=1, description="Drafts generated at once in a content run."
    )
    content_stale_seconds: float = Field(
        default=30,
        gt=0,
        description="A running content run silent this long is taken as stopped (resumable).",
    )
    content_structured_output: Literal["auto", "json_schema", "function_calling", "json_mode"] = (
        Field(
            default="auto",
            description="How the generator is asked for JSON; auto is the provider's default.",
        )
    )

    # Channels: webhooks are verified against PUBLIC_BASE_URL + path (proxies rewrite hosts).
    public_base_url: str | None = Field(
        default=None,
        description="The public https URL providers call, e.g. https://tutor.example.com.",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = Field(
        default=None, description="The WhatsApp sender, e.g. whatsapp:+14155238886."
    )
    twilio_api_base: str = "https://api.twilio.com"
    twilio_template_content_sid: str | None = Field(
        default=None, description="Approved template (ContentSid) for sends outside 24 hours."
    )
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_access_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    whatsapp_template_name: str | None = Field(
        default=None, description="Approved template name for sends outside 24 hours."
    )
    whatsapp_template_language: str = "en"
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    messenger_app_secret: str | None = None
    messenger_verify_token: str | None = None
    messenger_page_token: str | None = None
    messenger_api_base: str = "https://graph.facebook.com/v21.0"

    # Processing of channel messages.
    busy_mode: Literal["batch", "reject", "enqueue"] = Field(
        default="batch",
        description="Messages during a run: one batched turn, a busy reply, or a turn each.",
    )
    job_queue: Literal["auto", "inline", "procrastinate"] = Field(
        default="auto", description="auto: procrastinate on PostgreSQL, in-process on SQLite."
    )
    worker_in_api: bool = Field(
        default=True, description="The API process also runs queue jobs (set false with workers)."
    )
    worker_concurrency: int = Field(default=4, ge=1)
    worker_stalled_seconds: float = Field(
        default=30, gt=0, description="A worker silent this long is dead; its jobs are retried."
    )
    send_max_attempts: int = Field(default=5, ge=1)
    send_backoff_seconds: float = Field(default=0.5, ge=0)

    @property
    def queue_backend(self) -> str:
        """Where channel jobs run: "procrastinate" or "inline"."""
        if self.job_queue == "auto":
            return "procrastinate" if self.is_postgres else "inline"
        return self.job_queue

    @model_validator(mode="after")
    def _place_data(self) -> Settings:
        """Put the embedded database and Chroma folder under DATA_DIR unless set explicitly."""
        self.data_dir = self.data_dir.expanduser()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'lingograph.db'}"
        backend_of(self.database_url)  # a clear error now, not a wrong database later
        if self.chroma_path is None:
            self.chroma_path = self.data_dir / "chroma"
        return self

    @field_validator("lingograph_fallback_models", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "lingograph_model",
        "lingograph_router_model",
        "lingograph_generator_model",
        "openai_base_url",
        "admin_api_key",
        "chroma_url",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def export_provider_keys(self) -> None:
        """Make keys read from `.env` visible to provider SDKs, which read os.environ."""
        if self.openai_api_key:
            os.environ.setdefault("OPENAI_API_KEY", self.openai_api_key)

    @property
    def is_postgres(self) -> bool:
        """Whether app data, checkpoints and the queue live in PostgreSQL."""
        return is_postgres(self.database_url)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
