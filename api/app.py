"""The FastAPI application factory: pools, saver and compiled graphs live in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from langchain_core.language_models import BaseChatModel

from api.checkpointer import open_checkpointer
from api.errors import install_error_handlers
from api.routers import health, web
from api.runner import Runner
from api.settings import Settings, get_settings
from graphs.tutor.context import Context
from graphs.tutor.graph import builder as tutor_builder
from tools.db import dispose_engines

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, chat_model: BaseChatModel | None = None
) -> FastAPI:
    """Build the app; `chat_model` replaces the configured model (tests, embedding)."""
    settings = settings or get_settings()
    settings.export_provider_keys()

    def context() -> Context:
        return Context(
            database_url=settings.database_url,
            tutor_model=settings.lingograph_model,
            router_model=settings.lingograph_router_model,
            fallback_models=list(settings.lingograph_fallback_models),
            openai_base_url=settings.openai_base_url,
            history_messages=settings.history_messages,
            default_timezone=settings.default_timezone,
            chat_model=chat_model,
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_checkpointer(settings.database_url) as saver:
            app.state.checkpointer = saver
            graph = tutor_builder.compile(checkpointer=saver, name="tutor")
            app.state.graphs = {"tutor": graph}
            app.state.runner = Runner(
                graph,
                settings.database_url,
                context_factory=context,
                default_timezone=settings.default_timezone,
                prune_every=settings.checkpoint_prune_every,
            )
            model = settings.lingograph_model or ("injected" if chat_model else "none")
            log.info(
                "Lingograph ready (database %s, model %s)",
                "postgres" if settings.is_postgres else "sqlite",
                model,
            )
            try:
                yield
            finally:
                await app.state.runner.drain()
                await dispose_engines()

    app = FastAPI(title="Lingograph", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(web.router)
    return app
