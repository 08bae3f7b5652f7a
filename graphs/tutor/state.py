"""What a tutor thread remembers between turns (kept small: facts live in the database)."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


def merge_replies(current: list[dict] | None, new: list[dict] | None) -> list[dict]:
    """Append this node's replies; `None` starts a new turn with no replies."""
    if new is None:
        return []
    return [*(current or []), *new]


class InputState(TypedDict):
    """What a channel hands the graph for one turn."""

    text: str
    learner_id: int
    now: NotRequired[str]  # ISO-8601 time the message arrived; defaults to the current time
    # The channel's id for this turn (None on the web chat), so a replay is recognised.
    turn_id: NotRequired[str | None]
    attachments: NotRequired[list[dict]]  # media the learner sent: {"kind", "url", ...}


class Activity(TypedDict):
    """A run of exercises the learner is working through."""

    kind: str  # lesson | review | placement
    queue: list[dict]  # item references: {"item_type": ..., "item_id": ...}
    index: int
    correct: int
    answered: int
    lesson_id: NotRequired[int]
    title: NotRequired[str]


class State(InputState, total=False):
    """The tutor thread's state."""

    messages: Annotated[list[AnyMessage], add_messages]
    replies: Annotated[list[dict], merge_replies]
    learner: dict[str, Any]
    intent: str
    onboarding_step: str | None
    activity: Activity | None
    paused_lesson: Activity | None
    last_graded: dict[str, Any] | None
    offer: str | None  # what "yes" means after the last reply (e.g. "lesson")
    clarify: dict | None  # our question back: {"text": what they said, "choices": [intents]}
