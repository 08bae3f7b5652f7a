"""Everything a process needs to run turns: saver, compiled graphs, runner, dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver

from api.checkpointer import open_checkpointer
from api.content import ContentRuns
from api.dispatch.channels import Channel, build_channels
from api.dispatch.dispatcher import Dispatcher
from api.dispatch.jobs import ProcrastinateQueue, make_queue_app
from api.runner import Runner
from api.thread_locks import ThreadLocks
from graphs.content.graph import builder as content_builder
from graphs.fields import context_from
from graphs.rag.context import RagContext
from graphs.tutor.context import Context
from graphs.tutor.graph import builder as tutor_builder
from tools import lexicon
from tools.db import dispose_engines
from tools.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The long-lived parts of a running process."""

    settings: Settings
    checkpointer: BaseCheckpointSaver
    graphs: dict[str, Any]
    runner: Runner
    channels: dict[str, Channel]
    dispatcher: Dispatcher
    background: list[asyncio.Task] = field(default_factory=list)
    content: ContentRuns | None = None


def context_factory(settings: Settings, chat_model: BaseChatModel | None):
    """A function making the tutor's run context from this process's settings."""

    def context() -> Context:
        knowledge = context_from(RagContext, settings, chat_model=chat_model)
        return context_from(Context, settings, chat_model=chat_model, knowledge=knowledge)

    return context


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    chat_model: BaseChatModel | None = None,
    run_worker: bool | None = None,
    generator_model: BaseChatModel | None = None,
) -> AsyncIterator[Services]:
    """Open the saver and the job queue, compile the graphs, and close it all afterwards.

    `run_worker` (default: WORKER_IN_API) makes this process also run queue jobs;
    `generator_model` replaces the configured content generator (tests, benchmarks).
    """
    settings.export_provider_keys()
    async with (
        open_checkpointer(settings.database_url) as saver,
        ThreadLocks(settings.database_url) as thread_locks,
    ):
        graph = tutor_builder.compile(checkpointer=saver, name="tutor")
        runner = Runner(
            graph,
            settings.database_url,
            context_factory=context_factory(settings, chat_model),
            default_timezone=settings.default_timezone,
            prune_every=settings.checkpoint_prune_every,
            thread_locks=thread_locks,
        )
        channels = build_channels(settings)
        dispatcher = Dispatcher(runner, settings, channels)
        services = Services(settings, saver, {"tutor": graph}, runner, channels, dispatcher)
        content_graph = content_builder.compile(checkpointer=saver, name="content")
        services.graphs["content"] = content_graph
        services.content = ContentRuns(content_graph, settings, chat_model=generator_model)
        async with contextlib.AsyncExitStack() as stack:
            if settings.queue_backend == "procrastinate":
                app = make_queue_app(settings.database_url, lambda: dispatcher)
                await stack.enter_async_context(app.open_async())
                queue = ProcrastinateQueue(
                    app,
                    concurrency=settings.worker_concurrency,
                    stalled_seconds=settings.worker_stalled_seconds,
                )
                dispatcher.queue = queue
                if settings.worker_in_api if run_worker is None else run_worker:
                    services.background.append(asyncio.create_task(queue.run_worker()))
            # The first answer graded should not wait for the word lists to load.
            services.background.append(asyncio.create_task(asyncio.to_thread(lexicon.warm)))
            try:
                await dispatcher.recover()
                yield services
            finally:
                for task in services.background:
                    task.cancel()
                await asyncio.gather(*services.background, return_exceptions=True)
                drain = getattr(dispatcher.queue, "drain", None)
                if drain is not None:
                    await drain()
                await services.content.close()
                await runner.drain()
                for channel in channels.values():
                    await channel.aclose()
    await dispose_engines()
