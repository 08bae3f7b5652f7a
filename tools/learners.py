"""Learners and the channel identities that reach them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import ChannelIdentity, Learner

_THREAD_NAMESPACE = uuid.UUID("6b1c3f0e-2f5d-4d61-9a37-4f1f3c2a8e11")


def thread_id_for(channel: str, sender: str) -> str:
    """A short stable thread id for a channel sender (never the raw phone number)."""
    return uuid.uuid5(_THREAD_NAMESPACE, f"{channel}:{sender}").hex[:20]


async def resolve_identity(
    session: AsyncSession,
    channel: str,
    sender: str,
    *,
    display_name: str | None = None,
    timezone: str = "UTC",
    now: datetime | None = None,
) -> ChannelIdentity:
    """The identity for (channel, sender), creating it and a new learner on first contact."""
    query = select(ChannelIdentity).where(
        ChannelIdentity.channel == channel, ChannelIdentity.sender == sender
    )
    identity = await session.scalar(query)
    if identity is None:
        learner = Learner(display_name=display_name, timezone=timezone)
        identity = ChannelIdentity(
            channel=channel,
            sender=sender,
            learner=learner,
            thread_id=thread_id_for(channel, sender),
        )
        session.add(identity)
        try:
            await session.flush()
        except IntegrityError:
            # Two first messages raced and the other one created the identity; call this
            # first in a session so the rollback loses nothing else.
            await session.rollback()
            identity = await session.scalar(query)
    if now is not None:
        identity.last_inbound_at = now
    return identity


async def get_learner(session: AsyncSession, learner_id: int) -> Learner:
    """A learner by id (raises LookupError when there is none)."""
    learner = await session.get(Learner, learner_id)
    if learner is None:
        raise LookupError(f"no learner with id {learner_id}")
    return learner


def learner_profile(learner: Learner) -> dict:
    """The small JSON-able view of a learner that graph state carries for one turn."""
    return {
        "id": learner.id,
        "name": learner.display_name,
        "target_language": learner.target_language,
        "native_language": learner.native_language,
        "level": learner.level,
        "timezone": learner.timezone,
        "onboarded": learner.onboarded_at is not None,
        "opted_out": learner.opted_out,
        "premium": learner.premium_until is not None,
    }
