"""Turn a conversation the service recorded into a dataset entry, ready to annotate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import Learner, TurnRecord


async def export_conversation(
    session: AsyncSession, *, thread_id: str | None = None, learner_id: int | None = None
) -> dict:
    """A dataset conversation from recorded turns, with observed routes as expectations."""
    if (thread_id is None) == (learner_id is None):
        raise ValueError("give exactly one of thread_id or learner_id")
    query = select(TurnRecord).order_by(TurnRecord.id)
    query = (
        query.where(TurnRecord.thread_id == thread_id)
        if thread_id
        else query.where(TurnRecord.learner_id == learner_id)
    )
    turns = list(await session.scalars(query))
    if not turns:
        what = f"thread {thread_id}" if thread_id else f"learner {learner_id}"
        raise LookupError(f"no recorded turns for {what}")
    learner = await session.get(Learner, turns[0].learner_id)
    starts_new = turns[0].intent in ("onboarding", None) or learner.onboarded_at is None
    profile: dict = {"onboarded": not starts_new}
    if not starts_new:
        profile.update(
            target_language=learner.target_language,
            native_language=learner.native_language,
            level=learner.level,
            timezone=learner.timezone,
        )
    entries = []
    for turn in turns:
        expect: dict = {
            "intent": turn.intent,
            "nodes": [n for n in turn.nodes if n not in ("receive", "finish")],
        }
        if turn.verdict:
            expect["grade"] = turn.verdict
        expect["contains"] = []
        entries.append(
            {
                "user": turn.text,
                "expect": expect,
                "observed_reply": "\n\n".join(r["text"] for r in turn.replies),
            }
        )
    ident = thread_id or f"learner-{learner_id}"
    return {
        "id": f"export-{ident}",
        "description": f"Exported from {turns[0].channel} thread {turns[0].thread_id} "
        f"({turns[0].created_at:%Y-%m-%d}); check and annotate.",
        "tags": ["exported"],
        "profile": profile,
        "turns": entries,
    }
