"""One turn at a time per thread: take the inbox batch, run the graph, send the replies."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select

from api.dispatch import store
from api.dispatch.channels import WINDOW_HOURS, Channel
from api.runner import Runner
from channels.base import InboundMessage, OutboundMessage, SendError, StatusUpdate
from tools.db import session_scope
from tools.db.models import ChannelIdentity, OutboxMessage
from tools.db.types import utcnow
from tools.settings import Settings

log = logging.getLogger(__name__)

BUSY_NOTICE = "⏳ One moment, I'm still answering your previous message."
SORRY = (
    "Sorry, something went wrong on my side and I couldn't answer that. Please try "
    "again in a moment."
)


class JobQueue(Protocol):
    """Where per-thread processing and sends run: in this process or on queue workers."""

    async def schedule_thread(self, thread_id: str) -> None: ...

    async def schedule_send(self, outbox_id: int) -> None: ...


@dataclass
class Accepted:
    """What a webhook delivery added."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0


class Dispatcher:
    """Turns stored inbound messages into graph turns and provider sends."""

    def __init__(self, runner: Runner, settings: Settings, channels: dict[str, Channel]) -> None:
        self.runner = runner
        self.settings = settings
        self.channels = channels
        self.queue: JobQueue = InlineQueue(self)

    async def accept(self, messages: list[InboundMessage]) -> Accepted:
        """Store verified messages (duplicates dropped) and schedule their threads."""
        accepted, threads = Accepted(), []
        for message in messages:
            learner_id, thread_id = await self.runner.identify(message)
            async with session_scope(self.settings.database_url) as session:
                busy = self.settings.busy_mode == "reject" and await store.thread_busy(
                    session, thread_id
                )
                row_id = await store.store_inbound(
                    session,
                    message,
                    thread_id,
                    learner_id,
                    status="rejected" if busy else "received",
                )
                if row_id is not None and busy:
                    channel = self.channels[message.channel]
                    payloads = channel.render(
                        OutboundMessage(text=BUSY_NOTICE), channel.recipient(message)
                    )
                    notice_ids = await store.record_sends(
                        session,
                        channel=message.channel,
                        thread_id=thread_id,
                        recipient=channel.recipient(message),
                        key_prefix=f"busy{row_id}",
                        payloads=payloads,
                    )
            if row_id is None:
                accepted.duplicates += 1
                log.info("duplicate %s message %s ignored", message.channel, message.message_id)
            elif busy:
                accepted.rejected += 1
                for outbox_id in notice_ids:
                    await self.queue.schedule_send(outbox_id)
            else:
                accepted.stored += 1
                if thread_id not in threads:
                    threads.append(thread_id)
        for thread_id in threads:
            await self.queue.schedule_thread(thread_id)
        return accepted

    async def process_thread(self, thread_id: str) -> None:
        """Answer every waiting message of a thread, one turn at a time, then send."""
        while True:
            async with session_scope(self.settings.database_url) as session:
                rows = await store.take_batch(session, thread_id, self.settings.busy_mode)
            if not rows:
                break
            messages = [InboundMessage.model_validate(r.payload) for r in rows]
            channel = self.channels[messages[0].channel]
            recipient = channel.recipient(messages[-1])
            turn_id = rows[0].turn_id
            error = None
            try:
                result = await self.runner.run_turn(
                    thread_id, rows[0].learner_id, messages, turn_id
                )
                replies = result.replies
            except Exception as exc:  # a broken turn still gets an answer, and is recorded
                log.exception("turn %s of thread %s failed", turn_id, thread_id)
                error, replies = f"{type(exc).__name__}: {exc}", [OutboundMessage(text=SORRY)]
            payloads = [p for reply in replies for p in channel.render(reply, recipient)]
            async with session_scope(self.settings.database_url) as session:
                await store.record_sends(
                    session,
                    channel=channel.name,
                    thread_id=thread_id,
                    recipient=recipient,
                    key_prefix=turn_id,
                    payloads=payloads,
                )
                await store.finish_batch(session, rows, error=error)
            await self.send_pending(thread_id)
        await self.send_pending(thread_id)

    async def send_pending(self, thread_id: str) -> None:
        """Send the thread's queued replies in order; stop at one that must wait."""
        async with session_scope(self.settings.database_url) as session:
            ids = [row.id for row in await store.pending_sends(session, thread_id)]
        for outbox_id in ids:
            if not await self.send_one(outbox_id):
                break

    async def send_one(self, outbox_id: int) -> bool:
        """Send one outbox row with retries; False if it must be tried again later."""
        async with session_scope(self.settings.database_url) as session:
            row = await session.get(OutboxMessage, outbox_id)
            if row is None or row.status not in ("pending", "sending"):
                return True
            channel = self.channels[row.channel]
            payload, templated = row.payload, False
            if channel.window_limited and not await self._in_window(session, row):
                template = channel.template_for(row.recipient)
                if template is None:
                    row.status = "held"
                    row.last_error = (
                        f"outside the {WINDOW_HOURS}-hour window and no template "
                        "is configured; not sent as free text"
                    )
                    log.warning("held send %s to %s: %s", row.id, row.recipient, row.last_error)
                    return True
                payload, templated = template, True
            row.status, row.attempts = "sending", row.attempts + 1
        try:
            result = await self._send_with_retries(channel, payload)
        except SendError as exc:
            async with session_scope(self.settings.database_url) as session:
                row = await session.get(OutboxMessage, outbox_id)
                row.status = "pending" if exc.retryable else "failed"
                row.last_error = f"{exc.status or 'network'}: {exc}"
            log.warning("send %s failed (%s): %s", outbox_id, exc.status, exc)
            return not exc.retryable
        async with session_scope(self.settings.database_url) as session:
            row = await session.get(OutboxMessage, outbox_id)
            store.mark_sent(row, result.provider_message_id, utcnow())
            if templated:
                row.last_error = "sent as the configured template (outside the 24-hour window)"
        return True

    async def _send_with_retries(self, channel: Channel, payload: dict):
        attempts = self.settings.send_max_attempts
        for attempt in range(1, attempts + 1):
            try:
                return await channel.sender.send(payload)
            except SendError as exc:
                if not exc.retryable or attempt == attempts:
                    raise
                wait = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else (self.settings.send_backoff_seconds * 2 ** (attempt - 1))
                )
                await asyncio.sleep(min(wait, 30))
        raise AssertionError("unreachable")

    async def _in_window(self, session, row: OutboxMessage) -> bool:
        last = await session.scalar(
            select(ChannelIdentity.last_inbound_at).where(
                ChannelIdentity.channel == row.channel, ChannelIdentity.sender == row.recipient
            )
        )
        return last is not None and utcnow() - last < timedelta(hours=WINDOW_HOURS)

    async def record_statuses(self, statuses: list[StatusUpdate]) -> int:
        """Apply delivery reports to the sends they concern; returns how many matched."""
        matched = 0
        async with session_scope(self.settings.database_url) as session:
            for status in statuses:
                matched += await store.apply_status(session, status)
        return matched

    async def recover(self) -> int:
        """Schedule threads left with unanswered messages or unsent replies; returns how many."""
        async with session_scope(self.settings.database_url) as session:
            threads = await store.threads_with_work(session)
        for thread_id in threads:
            await self.queue.schedule_thread(thread_id)
        if threads:
            log.info("recovering %d threads with unfinished work", len(threads))
        return len(threads)


class InlineQueue:
    """Runs thread jobs as tasks of this process, never two at once for one thread."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._running: dict[str, asyncio.Task] = {}
        self._again: set[str] = set()

    async def schedule_thread(self, thread_id: str) -> None:
        """Start processing the thread, or make the running job look again when done."""
        if thread_id in self._running:
            self._again.add(thread_id)
            return
        self._running[thread_id] = asyncio.create_task(self._work(thread_id))

    async def schedule_send(self, outbox_id: int) -> None:
        """Send one outbox row in the background."""
        task = asyncio.create_task(self.dispatcher.send_one(outbox_id))
        self._running[f"send:{outbox_id}"] = task
        task.add_done_callback(lambda _: self._running.pop(f"send:{outbox_id}", None))

    async def _work(self, thread_id: str) -> None:
        try:
            while True:
                self._again.discard(thread_id)
                try:
                    await self.dispatcher.process_thread(thread_id)
                except Exception:
                    log.exception(
                        "processing thread %s failed; it is retried on restart", thread_id
                    )
                    return
                if thread_id not in self._again:
                    return
        finally:
            self._running.pop(thread_id, None)

    async def drain(self) -> None:
        """Wait until every scheduled job has finished."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)
