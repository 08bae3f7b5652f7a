"""The intent router: the understanding of a message, gated by onboarding; a model or a
question back to the learner when the understanding is unsure."""

from __future__ import annotations

import asyncio
import logging

from langgraph.runtime import Runtime
from langgraph.types import Command

from graphs.tutor.context import Context
from graphs.tutor.intents import TUTOR
from graphs.tutor.nodes.common import current_item, db
from graphs.tutor.nodes.onboarding_answers import SKIP_PLACEMENT
from graphs.tutor.prompts import CLASSIFIER
from graphs.tutor.state import State
from graphs.tutor.understanding import Understanding, tutor_understander
from tools.attempts import Expected
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
    if not text.strip() and state.get("attachments"):
        return Command(goto=TUTOR.node_for("attachment"), update={"intent": "attachment"})
    picked = _clarified(state)
    if picked is not None:
        intent, text = picked
        update = {"intent": intent, "text": text, "clarify": None}
        chosen = _onboarding_gate(Understanding(intent, 1.0, "rules"), text, state)
        return Command(goto=TUTOR.node_for(chosen), update=update)
    understanding = await _understand(text, state, runtime)
    intent = _onboarding_gate(understanding, text, state)
    update: dict = {"intent": intent, "clarify": None}
    if intent == "affirm":
        intent = update["intent"] = state.get("offer") or "lesson"
    elif intent == "unknown":
        chosen = await classify_with_model(text, state, runtime)
        if chosen != "unknown":
            intent = update["intent"] = chosen
        else:
            choices = list(understanding.choices) or ["lesson", "review", "help"]
            update["clarify"] = {"text": text, "choices": choices}
    return Command(goto=TUTOR.node_for(intent), update=update)


async def _understand(text: str, state: State, runtime: Runtime[Context]) -> Understanding:
    """The understanding of a message, with the waiting exercise (if any) as evidence."""
    expected = None
    ref = current_item(state)
    if ref is not None:
        async with db(runtime) as session:
            item = await load_item(session, **ref)
        learner = state["learner"]
        target = learner.get("target_language")
        # A waiting exercise removed from the course still waits: grading says it is gone.
        expected = (
            Expected.of(item.model, target, learner.get("native_language"))
            if item is not None
            else Expected([], language=target)
        )
    # Off the event loop: the first call reads the example vectors, every call runs the model.
    return await asyncio.to_thread(tutor_understander(), text, exercise=expected)


def _onboarding_gate(understanding: Understanding, text: str, state: State) -> str:
    """Until onboarded, only opt-out/in, asking for help and placement answers leave onboarding.

    A guess of the classifier does not: "inglés" answers the onboarding question.
    """
    intent = understanding.intent
    if state["learner"].get("onboarded"):
        return intent
    placement = current_item(state) is not None and state["activity"]["kind"] == "placement"
    if intent in ("help", "stop", "opt_in") and understanding.source in ("compliance", "rules"):
        return intent
    if placement and intent in ("answer", "skip", "hint"):
        return "onboarding" if normalize(text) in SKIP_PLACEMENT else intent
    return "onboarding"


def _clarified(state: State) -> tuple[str, str] | None:
    """(intent, original message) when the learner pressed a button of our last question."""
    asked = state.get("clarify")
    if not asked:
        return None
    choice = normalize(state["text"])
    return (choice, asked["text"]) if choice in asked["choices"] else None
