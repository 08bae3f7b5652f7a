"""The retrieval graph: rewrite → retrieve → filter → answer (model) or extract (no model)."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from graphs.rag.context import RagContext
from graphs.rag.nodes import extract, filter_passages, generate, not_found, retrieve, rewrite
from graphs.rag.state import RagInput, RagOutput, RagState


def _answer_route(state: RagState, runtime: Runtime[RagContext]) -> str:
    if not state.get("found"):
        return "not_found"
    return "generate" if runtime.context.llm() is not None else "extract"


builder = StateGraph(
    RagState, context_schema=RagContext, input_schema=RagInput, output_schema=RagOutput
)
builder.add_node("rewrite", rewrite)
builder.add_node("retrieve", retrieve)
builder.add_node("filter", filter_passages)
builder.add_node("generate", generate)
builder.add_node("extract", extract)
builder.add_node("not_found", not_found)
builder.add_edge(START, "rewrite")
builder.add_edge("rewrite", "retrieve")
builder.add_edge("retrieve", "filter")
builder.add_conditional_edges("filter", _answer_route, ["generate", "extract", "not_found"])
for node in ("generate", "extract", "not_found"):
    builder.add_edge(node, END)

graph = builder.compile(name="rag")
