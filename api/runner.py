"""The one place that maps a channel message to a learner's thread and runs the graph."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from api.checkpointer import prune_thread
from api.thread_locks import ThreadLocks
from channels.base import InboundMessage, OutboundMessage
from tools.db import session_scope
from tools.db.models import TurnRecord
from tools.learners import resolve_identity, thread_id_for
from tools.streaks import valid_timezone

log = logging.getLogger(__name__)
MAX_TRACKED_THREADS = 100_000


@dataclass
class TurnResult:
    """What one graph turn said back, and which messages it answered."""

    thread_id: str
    replies: list[OutboundMessage]
    messages: int = 1
    intent: str | None = None
    nodes: list[str] = field(default_factory=list)
    verdict: str | None = None
    latency_ms: float = 0.0


@dataclass
class _Lane:
    """Messages waiting for one thread, and the lock that keeps its runs one at a time."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: list[tuple[InboundMessage, asyncio.Future]] = field(default_factory=list)
    users: int = 0


def replies_from(result: dict[str, Any]) -> list[OutboundMessage]:
    """Replies of a finished turn, or the prompt of an interrupt the graph stopped at."""
    replies = [OutboundMessage.model_validate(r) for r in result.get("replies") or []]
    for interrupt in result.get("__interrupt__", ()):
        value = interrupt.value
        if isinstance(value, dict) and "text" in value:
            replies.append(OutboundMessage.model_validate(value))
        else:
            replies.append(OutboundMessage(text=str(value)))
    return replies


class Runner:
    """Runs a compiled graph per (channel, sender) thread, one run at a time per thread."""

    def __init__(
        self,
        graph: CompiledStateGraph,
        database_url: str,
        *,
        context_factory: Callable[[], Any],
        default_timezone: str = "UTC",
        prune_every: int = 0,
        record_turns: bool = True,
        thread_locks: ThreadLocks | None = None,
    ) -> None:
        self.graph = graph
        self.database_url = database_url
        self.context_factory = context_factory
        self.default_timezone = default_timezone
        self.prune_every = prune_every
        self.record_turns = record_turns
        self.thread_locks = thread_locks or ThreadLocks("")
        self._turns_unpruned: OrderedDict[str, int] = OrderedDict()
        self._lanes: dict[str, _Lane] = {}
        self._background: set[asyncio.Task] = set()

    async def identify(self, message: InboundMessage) -> tuple[int, str]:
        """The learner id and thread id for a message's sender (created on first contact)."""
        timezone = (
            message.timezone
            if message.timezone and valid_timezone(message.timezone)
            else self.default_timezone
        )
        async with session_scope(self.database_url) as session:
            identity = await resolve_identity(
                session,
                message.channel,
                message.sender,
                display_name=message.display_name,
                timezone=timezone,
                now=message.received_at,
            )
            return identity.learner_id, identity.thread_id

    async def handle(self, message: InboundMessage) -> TurnResult:
        """Run the turn that answers `message`; messages that arrive mid-run share the next turn."""
        # Queue before the first await, so a thread's messages keep their arrival order.
        thread_id = thread_id_for(message.channel, message.sender)
        lane = self._lanes.setdefault(thread_id, _Lane())
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        lane.waiting.append((message, future))
        lane.users += 1
        try:
            try:
                learner_id, _ = await self.identify(message)
            except BaseException:
                if (message, future) in lane.waiting:
                    lane.waiting.remove((message, future))
                raise
            async with lane.lock:
                if not future.done():
                    batch, lane.waiting = lane.waiting, []
                    # Shielded: a client that hangs up must not leave a turn half-applied.
                    await asyncio.shield(self._run_batch(thread_id, learner_id, batch))
            return await future
        finally:
            lane.users -= 1
            if lane.users == 0:
                self._lanes.pop(thread_id, None)

    async def _run_batch(
        self, thread_id: str, learner_id: int, batch: list[tuple[InboundMessage, asyncio.Future]]
    ) -> None:
        try:
            # Another API process may be running this thread: wait for it to finish.
            async with self.thread_locks.hold(thread_id):
                result = await self.run_turn(thread_id, learner_id, [m for m, _ in batch])
        except Exception as exc:
            log.exception("turn failed for thread %s", thread_id)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(result)

    async def run_turn(
        self,
        thread_id: str,
        learner_id: int,
        messages: list[InboundMessage],
        turn_id: str | None = None,
    ) -> TurnResult:
        """Invoke the graph once for the messages, resuming it if it waits at an interrupt.

        With a `turn_id`, a turn the thread has already completed (a replay after a crash
        between the run and recording its replies) returns the stored replies instead.
        """
        config = {"configurable": {"thread_id": thread_id}}
        text = "\n".join(m.text for m in messages if m.text)
        snapshot = await self.graph.aget_state(config)
        if turn_id and snapshot.values.get("turn_id") == turn_id and not snapshot.next:
            return TurnResult(thread_id, replies_from(snapshot.values), len(messages))
        if snapshot.interrupts:
            graph_input: Any = Command(resume=text)
        else:
            graph_input = {
                "text": text,
                "learner_id": learner_id,
                "now": messages[-1].received_at.isoformat(),
                "attachments": [m.model_dump(mode="json") for x in messages for m in x.media],
                # Always set, so the last channel turn's id never sticks to a later turn.
                "turn_id": turn_id,
            }
        started = time.perf_counter()
        result, nodes, verdict = await self._stream(graph_input, config)
        if self.record_turns:
            await self._record(
                thread_id,
                learner_id,
                messages,
                text,
                result,
                nodes,
                verdict,
                (time.perf_counter() - started) * 1000,
            )
        latency_ms = (time.perf_counter() - started) * 1000
        if self._prune_due(thread_id):
            self._in_background(self._prune(thread_id))
        return TurnResult(
            thread_id=thread_id,
            replies=replies_from(result),
            messages=len(messages),
            intent=result.get("intent"),
            nodes=nodes,
            verdict=verdict,
            latency_ms=latency_ms,
        )

    async def _stream(self, graph_input: Any, config: dict) -> tuple[dict, list[str], str | None]:
        """Run the graph; its final state, the nodes it visited, and a grading verdict if any."""
        result: dict[str, Any] = {}
        nodes: list[str] = []
        verdict = None
        async for mode, chunk in self.graph.astream(
            graph_input,
            config,
            context=self.context_factory(),
            durability="exit",
            stream_mode=["updates", "values"],
        ):
            if mode == "values":
                result = dict(chunk)
                continue
            for node, update in chunk.items():
                if node == "__interrupt__":
                    result["__interrupt__"] = update
                    continue
                nodes.append(node)
                if node == "grade" and isinstance(update, dict) and update.get("last_graded"):
                    verdict = update["last_graded"]["verdict"]
        if "__interrupt__" in result:
            result = {**result, "replies": []}
        return result, nodes, verdict

    async def _record(
        self,
        thread_id: str,
        learner_id: int,
        messages: list[InboundMessage],
        text: str,
        result: dict,
        nodes: list[str],
        verdict: str | None,
        latency_ms: float,
    ) -> None:
        async with session_scope(self.database_url) as session:
            session.add(
                TurnRecord(
                    thread_id=thread_id,
                    learner_id=learner_id,
                    channel=messages[0].channel,
                    text=text,
                    intent=result.get("intent"),
                    nodes=nodes,
                    verdict=verdict,
                    replies=[r.model_dump() for r in replies_from(result)],
                    latency_ms=latency_ms,
                )
            )

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _prune_due(self, thread_id: str) -> bool:
        if not self.prune_every or self.graph.checkpointer is None:
            return False
        turns = self._turns_unpruned.pop(thread_id, 0) + 1
        if turns < self.prune_every:
            self._turns_unpruned[thread_id] = turns
            # Forgetting a quiet thread's count only delays its pruning.
            while len(self._turns_unpruned) > MAX_TRACKED_THREADS:
                self._turns_unpruned.popitem(last=False)
            return False
        return True

    async def _prune(self, thread_id: str) -> None:
        # After the reply, off the learner's clock; a failure only delays it to the next turn.
        try:
            await prune_thread(self.graph.checkpointer, thread_id)
        except Exception:
            log.warning("pruning checkpoints of thread %s failed", thread_id, exc_info=True)

    async def drain(self) -> None:
        """Wait for background work (checkpoint pruning) to finish."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
