"""A question back when the router is unsure what a message means: never a silent guess."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.intents import TUTOR
from graphs.tutor.nodes.common import reply
from graphs.tutor.state import State

FALLBACK_CHOICES = ["lesson", "review", "help"]


async def clarify(state: State, runtime: Runtime[Context]) -> dict:
    """Ask what the learner meant, offering the likeliest intents as buttons."""
    asked = state.get("clarify") or {}
    choices = asked.get("choices") or FALLBACK_CHOICES
    buttons = TUTOR.titles(choices) or TUTOR.titles(FALLBACK_CHOICES)
    if "answer" in choices:
        text = "Is that your answer to the exercise, or did you mean something else?"
    else:
        text = "Sorry, I'm not sure what you mean. Did you want one of these?"
    return {"replies": [reply(text, buttons)]}
