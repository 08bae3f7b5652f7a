"""The content graph's wiring. Compiled without a checkpointer: the API adds its saver."""

from langgraph.graph import END, START, StateGraph

from graphs.content import nodes
from graphs.content.context import Context
from graphs.content.state import InputState, State

builder = StateGraph(State, input_schema=InputState, context_schema=Context)
builder.add_node("load_spec", nodes.load_spec)
builder.add_node("draft", nodes.draft)
builder.add_node("dedupe", nodes.dedupe)
builder.add_node("store", nodes.store)
builder.add_node("review", nodes.review)
builder.add_node("publish", nodes.publish)
builder.add_edge(START, "load_spec")
builder.add_conditional_edges("load_spec", nodes.fan_out, ["draft"])
builder.add_edge("draft", "dedupe")
builder.add_edge("dedupe", "store")
builder.add_conditional_edges("store", nodes.after_store)
builder.add_conditional_edges("review", nodes.after_review)
builder.add_edge("publish", END)

graph = builder.compile(name="content")
