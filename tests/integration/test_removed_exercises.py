"""An exercise removed from the course while an activity waits on it is skipped, never a crash."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import delete

from graphs.tutor.context import Context
from graphs.tutor.graph import builder
from tests.conversation import texts
from tools.db import session_scope
from tools.db.models import Exercise
from tools.learners import resolve_identity

REMOVED = "That exercise is no longer available; let's move on."


class Session:
    """A learner on the tutor graph with a lesson just started, and the lesson's queue."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.graph = builder.compile(checkpointer=InMemorySaver())
        self.context = Context(
            database_url=url, tutor_model=None, router_model=None, chat_model=None
        )

    async def start_lesson(self) -> list[dict]:
        async with session_scope(self.url) as session:
            identity = await resolve_identity(session, "test", "learner-1")
        self.learner_id = identity.learner_id
        self.config = {"configurable": {"thread_id": identity.thread_id}}
        for text in ("hi", "es", "en", "scratch"):
            await self.say(text)
        replies = await self.say("lesson")
        assert "*Exercise 1/10*" in texts(replies)
        return replies

    async def say(self, text: str) -> list[dict]:
        result = await self.graph.ainvoke(
            {"text": text, "learner_id": self.learner_id}, self.config, context=self.context
        )
        return result["replies"]

    async def remove(self, first: int, last: int | None = None) -> None:
        """Delete the lesson's exercises `first`..`last` (0-based, inclusive) from the course."""
        queue = (await self.graph.aget_state(self.config)).values["activity"]["queue"]
        ids = [ref["item_id"] for ref in queue[first : (last if last is not None else first) + 1]]
        async with session_scope(self.url) as session:
            await session.execute(delete(Exercise).where(Exercise.id.in_(ids)))


async def test_an_answer_to_a_removed_exercise_moves_on(sqlite_url):
    learner = Session(sqlite_url)
    await learner.start_lesson()
    await learner.remove(0)
    replies = await learner.say("el libro rojo")
    assert replies[0]["text"] == REMOVED
    assert "*Exercise 2/10*" in texts(replies)


async def test_continuing_a_lesson_skips_a_removed_exercise(sqlite_url):
    learner = Session(sqlite_url)
    await learner.start_lesson()
    await learner.remove(0)
    replies = await learner.say("lesson")
    assert replies[0]["text"].startswith("Let's continue *Lesson 1")
    assert replies[1]["text"].startswith("*Exercise 2/10*")


async def test_continuing_a_lesson_whose_exercises_are_all_removed_completes_it(sqlite_url):
    learner = Session(sqlite_url)
    await learner.start_lesson()
    await learner.remove(0, 9)
    replies = await learner.say("lesson")
    assert "complete: 0/0 correct" in texts(replies)
    assert (await learner.graph.aget_state(learner.config)).values["activity"] is None


async def test_a_hint_for_a_removed_exercise_moves_on(sqlite_url):
    learner = Session(sqlite_url)
    await learner.start_lesson()
    await learner.remove(0)
    replies = await learner.say("hint")
    assert replies[0]["text"] == REMOVED
    assert replies[1]["text"].startswith("*Exercise 2/10*")
    graded = await learner.say("el perro es muy grande")
    assert "*Exercise 3/10*" in texts(graded)


async def test_nothing_to_review_does_not_show_a_removed_exercise(sqlite_url):
    learner = Session(sqlite_url)
    await learner.start_lesson()
    await learner.remove(0)
    replies = await learner.say("review")
    assert replies[0]["text"].startswith("✨ Nothing to review right now.")
    assert "*Exercise" not in texts(replies)
