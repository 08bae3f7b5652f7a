"""A channel turn replayed after a crash (its database writes done, its checkpoint not) counts
the learner's answer once."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import func, select

from graphs.tutor.context import Context
from graphs.tutor.graph import builder
from tools.db import session_scope
from tools.db.models import Attempt, LessonProgress
from tools.learners import resolve_identity


async def test_a_replayed_answer_turn_is_counted_once(database_url):
    async with session_scope(database_url) as session:
        identity = await resolve_identity(session, "whatsapp", "+15550001111")
    graph = builder.compile(checkpointer=InMemorySaver())
    thread = {"configurable": {"thread_id": identity.thread_id}}
    context = Context(database_url=database_url, tutor_model=None, router_model=None)

    async def turn(text: str, turn_id: str, config: dict = thread) -> dict:
        state = {"text": text, "learner_id": identity.learner_id, "turn_id": turn_id}
        return await graph.ainvoke(state, config, context=context)

    for n, text in enumerate(("hi", "es", "en", "scratch", "lesson")):
        await turn(text, f"wamid.{n}")
    before_answer = (await graph.aget_state(thread)).config
    first = await turn("Buenos días", "wamid.answer")
    # The crash: the answer's writes were committed, its checkpoint was not, so the queue
    # runs the same turn again from the checkpoint before it.
    again = await turn("Buenos días", "wamid.answer", before_answer)
    assert [r["text"] for r in again["replies"]] == [r["text"] for r in first["replies"]]

    async with session_scope(database_url) as session:
        attempts = await session.scalar(
            select(func.count()).where(Attempt.learner_id == identity.learner_id)
        )
        progress = await session.scalar(
            select(LessonProgress).where(LessonProgress.learner_id == identity.learner_id)
        )
    assert attempts == 1 and progress.answered == 1 and progress.correct == 1

    await turn("Me llamo Ana", "wamid.next")  # a new turn is counted as usual
    async with session_scope(database_url) as session:
        attempts = await session.scalar(
            select(func.count()).where(Attempt.learner_id == identity.learner_id)
        )
    assert attempts == 2
