"""The first and last nodes of every turn: load the learner, then record and trim history."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.intents import TUTOR
from graphs.tutor.nodes.common import current_item, db, present
from graphs.tutor.state import State
from tools.course import load_item
from tools.learners import get_learner, learner_profile


async def receive(state: State, runtime: Runtime[Context]) -> dict:
    """Start a turn: clear last turn's replies, load the learner, record the message."""
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        profile = learner_profile(learner)
    return {
        "replies": None,
        "learner": profile,
        "intent": None,
        "messages": [HumanMessage(state["text"])],
    }


async def finish(state: State, runtime: Runtime[Context]) -> dict:
    """End a turn: remind of a waiting exercise, keep the replies in history, trim it."""
    update: dict = {}
    ref = current_item(state)
    replies = list(state.get("replies") or [])
    if ref and state.get("intent") in TUTOR.side and state["learner"].get("onboarded"):
        async with db(runtime) as session:
            item = await load_item(session, **ref)
        if item is not None:
            again = present(item, state["activity"])
            again["text"] = "↩️ Back to your exercise:\n" + again["text"]
            update["replies"] = [again]
            replies.append(again)
    said = "\n\n".join(r["text"] for r in replies)
    history = [*state.get("messages", []), AIMessage(said)] if said else state.get("messages", [])
    new_messages = [AIMessage(said)] if said else []
    excess = len(history) - runtime.context.history_messages
    removals = [RemoveMessage(id=m.id) for m in history[:excess] if m.id] if excess > 0 else []
    update["messages"] = removals + new_messages
    return update
