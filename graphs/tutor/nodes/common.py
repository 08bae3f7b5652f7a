"""Small helpers every tutor node uses: replies, time, the database, the pending item."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime

from langgraph.runtime import Runtime
from sqlalchemy.ext.asyncio import AsyncSession

from channels.base import Button, OutboundMessage
from graphs.tutor.context import Context
from graphs.tutor.state import Activity, State
from tools.course import ServedExercise
from tools.db import session_scope
from tools.db.types import utcnow
from tools.exercises import MultipleChoice, WordOrder

NO_MODEL = (
    "{what} needs a language model, and none is configured on this server "
    "(the administrator can set LINGOGRAPH_MODEL, e.g. openai:gpt-4o-mini).\n"
    "Everything else works without one: *lesson* to learn, *review* to practise words you "
    "missed, *progress* to see how you're doing."
)
LABELS = {"lesson": "Exercise", "review": "Review", "placement": "Question"}


def reply(text: str, buttons: list[tuple[str, str]] | None = None) -> dict:
    """A reply bubble as stored in state; buttons are (id, title) pairs."""
    message = OutboundMessage(text=text, buttons=[Button(id=i, title=t) for i, t in buttons or []])
    return message.model_dump()


def now_of(state: State) -> datetime:
    """When the learner's message arrived (aware, UTC)."""
    raw = state.get("now")
    if not raw:
        return utcnow()
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        raise ValueError(f"now={raw!r} has no timezone; send an ISO-8601 time with an offset")
    return moment


def db(runtime: Runtime[Context]) -> AbstractAsyncContextManager[AsyncSession]:
    """A database session for this run (commits on success)."""
    return session_scope(runtime.context.database_url)


def current_item(state: State) -> dict | None:
    """The reference of the exercise waiting for an answer, if any."""
    activity = state.get("activity")
    if not activity or activity["index"] >= len(activity["queue"]):
        return None
    return activity["queue"][activity["index"]]


def present(item: ServedExercise, activity: Activity) -> dict:
    """The reply that puts an exercise in front of the learner."""
    model = item.model
    header = f"*{LABELS[activity['kind']]} {activity['index'] + 1}/{len(activity['queue'])}*"
    text = f"{header}\n{model.prompt}"
    if isinstance(model, WordOrder) and not all(t in model.prompt for t in model.tokens):
        text += "\nWords: " + " / ".join(model.tokens)
    buttons = None
    if isinstance(model, MultipleChoice):
        buttons = [(str(i), option) for i, option in enumerate(model.options, 1)]
    return reply(text, buttons)


MAIN_MENU = [("lesson", "Continue lesson"), ("review", "Review"), ("progress", "Progress")]
