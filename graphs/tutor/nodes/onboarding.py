"""Onboarding: target language, native language, then a placement quiz or a start at A1."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.intents import classify, looks_like_question
from graphs.tutor.nodes.common import db, now_of, reply
from graphs.tutor.nodes.conversation import notes_answer
from graphs.tutor.nodes.onboarding_steps import Turn, step_for
from graphs.tutor.state import State
from tools.learners import get_learner


async def onboarding(state: State, runtime: Runtime[Context]) -> dict:
    """Move the learner one step through onboarding; a grammar question on the way is answered."""
    aside = await _grammar_aside(state, runtime)
    result = await _step(state, runtime, understood=aside is not None)
    if aside:
        # A first message gets the welcome before the answer.
        at = 1 if state.get("onboarding_step") is None else 0
        result["replies"].insert(at, reply(aside))
    return result


async def _grammar_aside(state: State, runtime: Runtime[Context]) -> str | None:
    text = state["text"]
    if not looks_like_question(text) or classify(text, exercise_pending=False) != "question":
        return None
    return await notes_answer(state, runtime)


async def _step(state: State, runtime: Runtime[Context], understood: bool) -> dict:
    now = now_of(state)
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        turn = Turn(state=state, session=session, learner=learner, now=now, understood=understood)
        return await step_for(state)(turn)
