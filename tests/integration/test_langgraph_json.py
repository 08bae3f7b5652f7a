"""Every graph langgraph.json lists loads from its path and runs a turn on an in-memory saver."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from graphs.content.context import Context as ContentContext
from graphs.rag.context import RagContext
from graphs.tutor.context import Context
from knowledge.store import get_store
from tests.conftest import TEST_CHROMA
from tests.content_support import make_spec
from tests.fake_generator import DraftPlan, FakeWriter
from tests.studio import studio_blocking_checks
from tools.db import session_scope
from tools.learners import resolve_identity

ROOT = Path(__file__).resolve().parents[2]
GRAPHS = json.loads((ROOT / "langgraph.json").read_text())["graphs"]


def load(spec: str):
    path, _, attribute = spec.partition(":")
    module_spec = importlib.util.spec_from_file_location(f"lg_{Path(path).stem}", ROOT / path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module, getattr(module, attribute)


def test_langgraph_json_lists_the_tutor():
    assert "tutor" in GRAPHS


async def run_tutor(graph, sqlite_url: str) -> None:
    async with session_scope(sqlite_url) as session:
        identity = await resolve_identity(session, "studio", "dev")
    result = await graph.ainvoke(
        {"text": "hi", "learner_id": identity.learner_id},
        {"configurable": {"thread_id": "studio-1"}},
        context=Context(database_url=sqlite_url, tutor_model=None),
    )
    assert result["replies"]


async def run_rag(graph, sqlite_url: str) -> None:
    get_store.cache_clear()  # a fresh process opens the store on its first question
    result = await graph.ainvoke(
        {"question": "how does gustar work?"},
        {"configurable": {"thread_id": "studio-2"}},
        context=RagContext(chroma_path=str(TEST_CHROMA), chroma_url=None, model=None),
    )
    assert result["found"] and result["citations"][0]["source"] == "gustar.md"


async def run_content(graph, sqlite_url: str) -> None:
    spec_id = await make_spec(sqlite_url, {"translate": 2})
    config = {"configurable": {"thread_id": "studio-3"}}
    writer = FakeWriter(script=DraftPlan())
    context = ContentContext(database_url=sqlite_url, chat_model=writer)
    waiting = await graph.ainvoke({"spec_id": spec_id}, config, context=context)
    drafts = waiting["__interrupt__"][0].value["drafts"]
    approve = [{"id": draft["id"], "action": "approve"} for draft in drafts]
    done = await graph.ainvoke(Command(resume=approve), config, context=context)
    assert len(drafts) == 2 and done["published"] == 2


SAMPLE_RUNS = {"tutor": run_tutor, "rag": run_rag, "content": run_content}


@pytest.mark.parametrize("name", sorted(GRAPHS))
async def test_graph_loads_and_runs(name, sqlite_url):
    assert name in SAMPLE_RUNS, f"add a sample run for the {name!r} graph"
    module, compiled = load(GRAPHS[name])
    assert compiled.checkpointer is None, "graph modules must compile without a checkpointer"
    graph = module.builder.compile(checkpointer=InMemorySaver())
    with studio_blocking_checks():  # `langgraph dev` fails runs that block the event loop
        await SAMPLE_RUNS[name](graph, sqlite_url)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_studio_can_show_the_graphs_run_context(name):
    _, compiled = load(GRAPHS[name])
    fields = compiled.get_context_jsonschema()["properties"]
    assert "openai_base_url" in fields, "the model settings are editable in Studio"
    assert "chat_model" not in fields, "a model instance is for code, not for Studio's form"
