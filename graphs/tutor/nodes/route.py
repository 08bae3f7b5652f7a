"""The intent router: commands and a pending exercise decide first, then rules, then a model."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime
from langgraph.types import Command

from graphs.tutor.context import Context
from graphs.tutor.intents import TUTOR, asks_instead_of_answering, classify, looks_like_question
from graphs.tutor.nodes.common import current_item, db
from graphs.tutor.nodes.onboarding_answers import SKIP_PLACEMENT
from graphs.tutor.prompts import CLASSIFIER
from graphs.tutor.state import State
from tools.course import load_item
from tools.language import language_name
from tools.text import normalize

log = logging.getLogger(__name__)

# A Literal built from the registry, so LangGraph draws route's edge to every node.
Node = TUTOR.node_literal()


async def classify_with_model(text: str, state: State, runtime: Runtime[Context]) -> str:
    """Ask the router model for an intent; "unknown" when there is none or it fails."""
    model = runtime.context.router_llm()
    if model is None:
        return "unknown"
    learner = state["learner"]
    target = language_name(learner.get("target_language"))
    system = CLASSIFIER.format(
        target=target,
        native=language_name(learner.get("native_language")),
        level=learner.get("level") or "A1",
    )
    schema = TUTOR.choice_schema(target=target)
    try:
        choice = await model.with_structured_output(schema).ainvoke(
            [("system", system), ("human", text)]
        )
    except Exception:  # a router failure must not lose the learner's message
        log.exception("intent model failed; falling back to rules")
        return "unknown"
    return choice.intent if isinstance(choice, schema) else "unknown"


async def route(state: State, runtime: Runtime[Context]) -> Command[Node]:
    """Decide which node handles this message."""
    text = state["text"]
    learner = state["learner"]
    if not text.strip() and state.get("attachments"):
        return Command(goto=TUTOR.node_for("attachment"), update={"intent": "attachment"})
    pending = current_item(state) is not None
    intent = classify(text, exercise_pending=pending)
    if not learner.get("onboarded"):
        placement = pending and state["activity"]["kind"] == "placement"
        if placement and intent == "answer" and await _asks_instead(text, state, runtime):
            intent = "question"
        if intent in ("help", "stop") or (
            placement
            and intent in ("answer", "skip", "hint")
            and (normalize(text) not in SKIP_PLACEMENT)
        ):
            pass
        else:
            intent = "onboarding"
    elif intent == "affirm":
        intent = state.get("offer") or "lesson"
    elif intent == "unknown":
        intent = await classify_with_model(text, state, runtime)
    elif intent == "answer" and await _asks_instead(text, state, runtime):
        intent = "question"
    return Command(goto=TUTOR.node_for(intent), update={"intent": intent})


async def _asks_instead(text: str, state: State, runtime: Runtime[Context]) -> bool:
    """A question like "how does gustar work?" mid-exercise is answered, not graded."""
    if not looks_like_question(text):
        return False  # spares a database read on the usual answer
    async with db(runtime) as session:
        item = await load_item(session, **current_item(state))
    if item is None:
        return False
    model = item.model
    expected = [*model.answers, *getattr(model, "options", []), *getattr(model, "tokens", [])]
    return asks_instead_of_answering(text, expected)
