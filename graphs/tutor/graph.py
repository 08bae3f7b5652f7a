"""The tutor graph's wiring. Compiled without a checkpointer: the API adds its saver."""

from langgraph.graph import END, START, StateGraph

from graphs.tutor import nodes
from graphs.tutor.context import Context
from graphs.tutor.state import InputState, State

HANDLERS = {
    "attachment": nodes.attachment,
    "onboarding": nodes.onboarding,
    "greet": nodes.greet,
    "lesson": nodes.lesson,
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
}

builder = StateGraph(State, input_schema=InputState, context_schema=Context)
builder.add_node("receive", nodes.receive)
builder.add_node("route", nodes.route)
builder.add_node("grade", nodes.grade)
builder.add_node("advance", nodes.advance)
builder.add_node("finish", nodes.finish)
for name, node in HANDLERS.items():
    builder.add_node(name, node)
    builder.add_edge(name, "finish")
builder.add_edge(START, "receive")
builder.add_edge("receive", "route")
builder.add_edge("advance", "finish")
builder.add_edge("finish", END)

graph = builder.compile(name="tutor")
