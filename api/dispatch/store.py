"""Inbox and outbox rows: store once, take per-thread batches, record and track sends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from channels.base import InboundMessage, StatusUpdate
from tools.db.models import InboxMessage, OutboxMessage
from tools.db.types import utcnow

OPEN_INBOX = ("received", "processing")


async def insert_ignoring_duplicates(
    session: AsyncSession, table: Table, values: dict
) -> int | None:
    """Insert a row unless a unique key already has it; the new id, or None for a duplicate."""
    dialect = session.bind.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.values(**values).on_conflict_do_nothing().returning(table.c.id)
    return (await session.execute(statement)).scalar_one_or_none()


async def store_inbound(
    session: AsyncSession,
    message: InboundMessage,
    thread_id: str,
    learner_id: int,
    *,
    status: str = "received",
) -> int | None:
    """Keep a verified inbound message; None when this delivery was seen before."""
    return await insert_ignoring_duplicates(
        session,
        InboxMessage.__table__,
        {
            "channel": message.channel,
            "provider_message_id": message.message_id,
            "thread_id": thread_id,
            "learner_id": learner_id,
            "payload": message.model_dump(mode="json"),
            "status": status,
            "received_at": utcnow(),
        },
    )


async def thread_busy(session: AsyncSession, thread_id: str) -> bool:
    """Whether a turn of the thread is running (its messages are being processed)."""
    row = await session.scalar(
        select(InboxMessage.id)
        .where(InboxMessage.thread_id == thread_id, InboxMessage.status == "processing")
        .limit(1)
    )
    return row is not None


async def take_batch(session: AsyncSession, thread_id: str, mode: str) -> list[InboxMessage]:
    """The messages of the thread's next turn, marked processing under one turn id.

    A batch left processing by a crash is taken again as it was, so its turn id (and
    so its replies' idempotency keys) stay the same.
    """
    rows = list(
        await session.scalars(
            select(InboxMessage)
            .where(InboxMessage.thread_id == thread_id, InboxMessage.status.in_(OPEN_INBOX))
            .order_by(InboxMessage.id)
        )
    )
    unfinished = [r for r in rows if r.status == "processing"]
    if unfinished:
        return unfinished
    if mode == "enqueue":
        rows = rows[:1]
    if rows:
        turn_id = f"in{rows[0].id}"
        for row in rows:
            row.status, row.turn_id = "processing", turn_id
    return rows


async def finish_batch(
    session: AsyncSession, rows: list[InboxMessage], *, error: str | None = None
) -> None:
    """Mark a batch answered (or failed, with the reason)."""
    ids = [r.id for r in rows]
    await session.execute(
        update(InboxMessage)
        .where(InboxMessage.id.in_(ids))
        .values(status="failed" if error else "done", processed_at=utcnow(), error=error)
    )


async def record_sends(
    session: AsyncSession,
    *,
    channel: str,
    thread_id: str,
    recipient: str,
    key_prefix: str,
    payloads: list[dict],
) -> list[int]:
    """Queue a turn's provider payloads; a replay of the same turn adds nothing."""
    added = []
    for index, payload in enumerate(payloads):
        row_id = await insert_ignoring_duplicates(
            session,
            OutboxMessage.__table__,
            {
                "idempotency_key": f"{key_prefix}:{index}",
                "channel": channel,
                "thread_id": thread_id,
                "recipient": recipient,
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "created_at": utcnow(),
            },
        )
        if row_id is not None:
            added.append(row_id)
    return added


async def pending_sends(session: AsyncSession, thread_id: str) -> list[OutboxMessage]:
    """A thread's sends not yet made, oldest first."""
    query = select(OutboxMessage).where(
        OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.thread_id == thread_id
    )
    return list(await session.scalars(query.order_by(OutboxMessage.id)))


async def threads_with_work(session: AsyncSession) -> list[str]:
    """Threads with unanswered messages or unsent replies (after a crash or restart)."""
    inbox = select(InboxMessage.thread_id).where(InboxMessage.status.in_(OPEN_INBOX))
    outbox = select(OutboxMessage.thread_id).where(OutboxMessage.status.in_(("pending", "sending")))
    return sorted(set(await session.scalars(inbox.union(outbox))))


async def apply_status(session: AsyncSession, status: StatusUpdate) -> bool:
    """Record a provider's delivery report on the send it concerns; False if unknown."""
    row = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.channel == status.channel,
            OutboxMessage.provider_message_id == status.provider_message_id,
        )
    )
    if row is None:
        return False
    row.delivery_status = status.status
    if status.error:
        row.last_error = status.error
    return True


def mark_sent(row: OutboxMessage, provider_message_id: str | None, at: datetime) -> None:
    """Record a successful send."""
    row.status, row.provider_message_id, row.sent_at = "sent", provider_message_id, at
