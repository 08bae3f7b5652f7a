"""Content runs for the API and the CLI: start, follow, resume and review the content graph."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from api.checkpointer import open_checkpointer
from graphs.content.context import Context, GeneratorNotConfigured, generator_spec
from graphs.content.graph import builder as content_builder
from graphs.fields import context_from
from tools.content.drafts import Decision, check_decisions, draft_view, run_drafts
from tools.content.runs import active_run, create_run, new_run_id, run_view, update_run
from tools.content.specs import spec_by_id
from tools.db import session_scope
from tools.db.models import ContentRun
from tools.db.types import utcnow
from tools.errors import Conflict, Invalid, NotFound
from tools.settings import Settings

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5  # how often a running batch writes its progress to its row

OnSlot = Callable[[dict], None]


class ContentRuns:
    """Runs the compiled content graph; one thread per run, the run id is the thread id."""

    def __init__(
        self,
        graph: CompiledStateGraph,
        settings: Settings,
        *,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.graph = graph
        self.settings = settings
        self.chat_model = chat_model
        self._live: dict[str, asyncio.Task] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def database_url(self) -> str:
        """The app database."""
        return self.settings.database_url

    def model_name(self) -> str:
        """The generator model's name; NotConfigured, saying how to set one, when there is none."""
        if self.chat_model is not None:
            return "injected"
        spec = generator_spec(self.settings)
        if not spec:
            raise GeneratorNotConfigured()
        return spec

    def context(self, concurrency: int) -> Context:
        """The content graph's run context from the settings."""
        return context_from(
            Context, self.settings, concurrency=concurrency, chat_model=self.chat_model
        )

    async def start(self, spec_id: int, concurrency: int | None = None) -> dict[str, Any]:
        """Record a new run for a spec (checking the model first, so nothing half-starts)."""
        model = self.model_name()
        async with session_scope(self.database_url) as session:
            spec = await spec_by_id(session, spec_id)
            busy = await active_run(session, spec_id)
            if busy is not None:
                raise Conflict(
                    "spec_busy",
                    f"spec {spec_id} already has run {busy.id} ({busy.status}); finish or "
                    "review it first",
                )
            run = await create_run(
                session,
                new_run_id(),
                spec,
                model,
                concurrency or self.settings.content_concurrency,
            )
            return run_view(run)

    async def get(self, run_id: str) -> ContentRun:
        """A run's row; NotFound when there is none."""
        async with session_scope(self.database_url) as session:
            run = await session.get(ContentRun, run_id)
        if run is None:
            raise NotFound("run_not_found", f"there is no content run {run_id!r}")
        return run

    async def in_review(self, run_id: str) -> ContentRun:
        """A run's row when it waits for review; Conflict when it does not."""
        run = await self.get(run_id)
        if run.status != "review":
            raise Conflict(
                "run_not_in_review", f"run {run_id} is {run.status}, not waiting for review"
            )
        return run

    async def drafts(self, run_id: str) -> list[dict[str, Any]]:
        """A run's stored exercises (drafts, approved, rejected and published)."""
        await self.get(run_id)
        async with session_scope(self.database_url) as session:
            return [draft_view(row) for row in await run_drafts(session, run_id)]

    async def waiting(self, run_id: str) -> list[dict[str, Any]]:
        """The drafts of a run still waiting for a decision."""
        async with session_scope(self.database_url) as session:
            return [draft_view(row) for row in await run_drafts(session, run_id, ("draft",))]

    async def run(
        self, run_id: str, graph_input: Any = None, *, on_slot: OnSlot | None = None
    ) -> dict[str, Any]:
        """Drive the run's thread until it waits for review or ends; None resumes it.

        A task that finished before a crash is replayed from its saved writes, not regenerated.
        """
        lock = self._locks.setdefault(run_id, asyncio.Lock())
        async with lock:
            run = await self.get(run_id)
            config = {"configurable": {"thread_id": run_id}}
            if graph_input is None and not (await self.graph.aget_state(config)).values:
                graph_input = {"spec_id": run.spec_id}  # stopped before its first checkpoint
            done, written = 0, time.monotonic()
            heartbeat = asyncio.create_task(self._heartbeat(run_id))
            try:
                async for chunk in self.graph.astream(
                    graph_input,
                    config,
                    context=self.context(run.concurrency),
                    stream_mode="updates",
                    durability="sync",
                ):
                    for result in (chunk.get("draft") or {}).get("results", []):
                        done += 1
                        if on_slot:
                            on_slot(result)
                    if done and time.monotonic() - written > PROGRESS_EVERY_SECONDS:
                        await self._progress(run_id, done)
                        written = time.monotonic()
            except asyncio.CancelledError:
                await self._fail(run_id, "stopped when the process shut down; resume the run")
                raise
            except Exception as exc:
                log.exception("content run %s failed", run_id)
                await self._fail(run_id, f"{type(exc).__name__}: {exc}")
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
        return run_view(await self.get(run_id))

    async def _heartbeat(self, run_id: str) -> None:
        """Touch the run's row while it runs, so other processes can tell it is alive."""
        while True:
            await asyncio.sleep(self.settings.content_stale_seconds / 3)
            try:
                async with session_scope(self.database_url) as session:
                    await update_run(session, run_id)
            except Exception:  # a missed beat only makes the run look stopped sooner
                log.warning("content run %s: heartbeat not written", run_id, exc_info=True)

    async def _progress(self, run_id: str, done: int) -> None:
        async with session_scope(self.database_url) as session:
            run = await session.get(ContentRun, run_id)
            if run is not None and done > run.counts.get("done", 0):
                await update_run(session, run_id, counts={"done": done})

    async def _fail(self, run_id: str, error: str) -> None:
        async with session_scope(self.database_url) as session:
            await update_run(session, run_id, status="failed", errors=[error])

    async def reopen(self, run_id: str) -> dict[str, Any]:
        """Mark a stopped run running again before resuming it with `run(run_id, None)`.

        Stopped means failed, or running with no task of this process on it (a crash).
        """
        self.model_name()
        run = await self.get(run_id)
        live = run_id in self._live
        if not (run.status == "failed" or (run.status == "running" and not live)):
            state = "running in this process" if live else run.status
            raise Conflict("run_not_resumable", f"run {run_id} is {state}")
        silent = (utcnow() - run.updated_at).total_seconds()
        if run.status == "running" and silent < self.settings.content_stale_seconds:
            wait = self.settings.content_stale_seconds - silent
            raise Conflict(
                "run_not_resumable",
                f"run {run_id} is running in another process (last heard from {silent:.0f} s "
                f"ago); if that process has stopped, resume it in {wait:.0f} s",
            )
        snapshot = await self.graph.aget_state({"configurable": {"thread_id": run_id}})
        if snapshot.values and not snapshot.next:
            raise Conflict("run_not_resumable", f"run {run_id} has nothing left to do")
        async with session_scope(self.database_url) as session:
            return run_view(await update_run(session, run_id, status="running"))

    async def review(self, run_id: str, decisions: list[Decision]) -> dict[str, Any]:
        """Apply reviewers' decisions by resuming the graph at its review interrupt."""
        await self.in_review(run_id)
        async with session_scope(self.database_url) as session:
            errors, _ = await check_decisions(session, run_id, decisions)
        if errors:
            raise Invalid("invalid_decisions", errors)
        config = {"configurable": {"thread_id": run_id}}
        snapshot = await self.graph.aget_state(config)
        if not snapshot.interrupts:  # stopped between storing drafts and asking: get there
            await self.run(run_id, None)
        answer = {"decisions": [d.model_dump(exclude_none=True) for d in decisions]}
        view = await self.run(run_id, Command(resume=answer))
        state = await self.graph.aget_state(config)
        if state.values.get("review_errors"):
            raise Invalid("invalid_decisions", state.values["review_errors"])
        return view

    def launch(self, run_id: str, work: Any) -> None:
        """Run a coroutine for a run in the background of this process."""
        task = asyncio.create_task(work, name=f"content-run-{run_id}")
        self._live[run_id] = task
        task.add_done_callback(lambda _: self._live.pop(run_id, None))

    async def close(self) -> None:
        """Stop background runs (each is marked failed, resumable later)."""
        tasks = list(self._live.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.asynccontextmanager
async def open_content(
    settings: Settings, *, chat_model: BaseChatModel | None = None
) -> AsyncIterator[ContentRuns]:
    """Content runs on their own saver, for the CLI (the API shares the tutor's)."""
    settings.export_provider_keys()
    async with open_checkpointer(settings.database_url) as saver:
        graph = content_builder.compile(checkpointer=saver, name="content")
        yield ContentRuns(graph, settings, chat_model=chat_model)
