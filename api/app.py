"""The FastAPI application factory: pools, saver and compiled graphs live in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from langchain_core.language_models import BaseChatModel

from api.errors import install_error_handlers
from api.routers import channels, content, health, knowledge, web
from api.services import open_services
from tools.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    chat_model: BaseChatModel | None = None,
    generator_model: BaseChatModel | None = None,
) -> FastAPI:
    """Build the app; `chat_model` and `generator_model` replace configured models (tests)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(
            settings, chat_model=chat_model, generator_model=generator_model
        ) as services:
            app.state.services = services
            app.state.checkpointer = services.checkpointer
            app.state.graphs = services.graphs
            app.state.runner = services.runner
            app.state.dispatcher = services.dispatcher
            model = settings.lingograph_model or ("injected" if chat_model else "none")
            log.info(
                "Lingograph ready (database %s, model %s, jobs %s)",
                "postgres" if settings.is_postgres else "sqlite",
                model,
                settings.queue_backend,
            )
            yield

    app = FastAPI(title="Lingograph", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(web.router)
    app.include_router(channels.router)
    app.include_router(knowledge.router)
    app.include_router(content.router)
    return app
