"""The tutor graph's wiring. Compiled without a checkpointer: the API adds its saver."""

from langgraph.graph import END, START, StateGraph

from graphs.tutor import nodes
from graphs.tutor.context import Context
from graphs.tutor.intents import TUTOR
from graphs.tutor.state import InputState, State

# One handler per node an intent routes to; a node without one fails here, at import.
HANDLERS = TUTOR.check_handlers(
    {
        "attachment": nodes.attachment,
        "onboarding": nodes.onboarding,
        "greet": nodes.greet,
        "lesson": nodes.lesson,
        "grade": nodes.grade,
        "hint": nodes.hint,
        "review": nodes.review,
        "progress": nodes.progress,
        "practice": nodes.practice,
        "question": nodes.question,
        "explain": nodes.explain,
        "settings": nodes.settings,
        "upgrade": nodes.upgrade,
        "help": nodes.help_,
        "stop": nodes.stop,
        "opt_in": nodes.opt_in,
        "clarify": nodes.clarify,
    }
)
# These choose their own next node (a Command); every other handler ends the turn.
ROUTES_ITSELF = {"grade"}

builder = StateGraph(State, input_schema=InputState, context_schema=Context)
builder.add_node("receive", nodes.receive)
builder.add_node("route", nodes.route)
builder.add_node("advance", nodes.advance)
builder.add_node("finish", nodes.finish)
for name, handler in HANDLERS.items():
    builder.add_node(name, handler)
    if name not in ROUTES_ITSELF:
        builder.add_edge(name, "finish")
builder.add_edge(START, "receive")
builder.add_edge("receive", "route")
builder.add_edge("advance", "finish")
builder.add_edge("finish", END)

graph = builder.compile(name="tutor")
