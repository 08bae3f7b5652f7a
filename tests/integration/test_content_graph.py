"""The content graph on SQLite and PostgreSQL: a mixed batch, review by interrupt, crash-resume."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager

import pytest
from langgraph.types import Command

from api.checkpointer import open_checkpointer
from api.content import ContentRuns
from graphs.content.context import Context
from graphs.content.graph import builder
from tests.content_support import make_spec, mixed_plan, run_exercises, run_row, spec_status
from tests.fake_generator import DraftPlan, FakeWriter
from tools.course import lesson_exercises
from tools.db import session_scope
from tools.db.models import Exercise
from tools.settings import Settings


@asynccontextmanager
async def content_graph(database_url: str):
    async with open_checkpointer(database_url) as saver:
        yield builder.compile(checkpointer=saver)


async def generate(database_url: str, plan: DraftPlan, graph, spec_id: int) -> tuple[str, dict]:
    run_id = f"content-{uuid.uuid4().hex[:12]}"
    config = {"configurable": {"thread_id": run_id}}
    context = Context(
        database_url=database_url,
        chat_model=FakeWriter(script=plan),
        max_attempts=3,
        concurrency=4,
    )
    result = await graph.ainvoke({"spec_id": spec_id}, config, context=context)
    return run_id, result


def resume(graph, run_id: str, database_url: str, decisions) -> object:
    config = {"configurable": {"thread_id": run_id}}
    context = Context(database_url=database_url, chat_model=FakeWriter(script=DraftPlan()))
    return graph.ainvoke(Command(resume={"decisions": decisions}), config, context=context)


async def test_a_mixed_batch_stores_only_valid_unique_drafts(database_url):
    spec_id = await make_spec(database_url)
    plan = mixed_plan(offset=0)
    async with content_graph(database_url) as graph:
        run_id, result = await generate(database_url, plan, graph, spec_id)

    calls = plan.calls_per_slot()
    assert max(calls.values()) == 3, "retries stop at CONTENT_MAX_ATTEMPTS"
    assert calls[3] == calls[10] == 3 and calls[0] == calls[8] == 1 and calls[4] == 2
    retry = next(c.prompt for c in plan.calls if c.slot == 4 and c.attempt == 2)
    assert "answer 'encanta' is not among the options" in retry, "findings go back to the model"
    retry = next(c.prompt for c in plan.calls if c.slot == 1 and c.attempt == 2)
    assert "the reply is not valid JSON" in retry
    retry = next(c.prompt for c in plan.calls if c.slot == 6 and c.attempt == 2)
    assert "duplicates the existing exercise" in retry

    rows = await run_exercises(database_url, run_id)
    assert [r.slug[-3:] for r in rows] == [
        "001",
        "002",
        "003",
        "005",
        "006",
        "007",
        "008",
        "010",
        "012",
    ]
    assert {(r.status, r.source, r.purpose) for r in rows} == {("draft", "generated", "lesson")}
    assert len({r.prompt for r in rows}) == len(rows)
    drafts = result["__interrupt__"][0].value["drafts"]
    assert [d["id"] for d in drafts] == [r.id for r in rows]

    run = await run_row(database_url, run_id)
    assert run.status == "review" and await spec_status(database_url, spec_id) == "review"
    counts = run.counts
    assert (counts["generated"], counts["valid_first_try"], counts["retried"]) == (12, 5, 5)
    assert (counts["rejected"], counts["duplicates"], counts["stored"]) == (2, 1, 9)
    assert counts["model_calls"] == 21 and counts["input_tokens"] == 21 * 120
    assert run.errors == [
        "slot 4 (word_order): rejected after 3 attempts: "
        "the tokens do not rebuild the first answer",
        "slot 11 (translate): rejected after 3 attempts: the answer is in en, expected es: "
        "'I like fruit at home.'",
        "slot 9: dropped, duplicates slot 1",
    ]


async def test_review_by_interrupt_publishes_into_the_lesson(database_url):
    spec_id = await make_spec(database_url, {"multiple_choice": 2, "translate": 2})
    async with content_graph(database_url) as graph:
        run_id, result = await generate(database_url, DraftPlan(offset=40), graph, spec_id)
        first, second, third, fourth = [d["id"] for d in result["__interrupt__"][0].value["drafts"]]

        bad = await resume(
            graph,
            run_id,
            database_url,
            [
                {"id": first, "action": "approve"},
                {"id": third, "action": "edit", "exercise": {"answers": ["nada"]}},
                {"id": 999999, "action": "reject"},
            ],
        )
        waiting = bad["__interrupt__"][0].value
        assert len(waiting["drafts"]) == 4, "nothing is applied when a decision is bad"
        assert "draft 999999 is not waiting for review" in waiting["errors"][-1]
        assert any("'nada' is not among the options" in e for e in waiting["errors"])

        partial = await resume(
            graph,
            run_id,
            database_url,
            [
                {"id": first, "action": "approve"},
                {"id": second, "action": "reject"},
                {"id": third, "action": "edit", "exercise": {"explanation": "Edited: *gusta*."}},
            ],
        )
        assert [d["id"] for d in partial["__interrupt__"][0].value["drafts"]] == [fourth]
        assert (await run_row(database_url, run_id)).status == "review"

        done = await resume(graph, run_id, database_url, [{"id": fourth, "action": "approve"}])
    assert "__interrupt__" not in done and done["published"] == 3

    rows = {r.id: r for r in await run_exercises(database_url, run_id)}
    assert rows[second].status == "rejected"
    assert rows[third].explanation == "Edited: *gusta*."
    run = await run_row(database_url, run_id)
    assert run.status == "published" and await spec_status(database_url, spec_id) == "published"
    assert run.counts["approved"] == 2 and run.counts["edited"] == 1
    assert run.counts["rejected_in_review"] == 1 and run.counts["published"] == 3
    async with session_scope(database_url) as session:
        served = await lesson_exercises(session, rows[first].lesson_id)
    ids = [s.item_id for s in served]
    assert ids[-3:] == [first, third, fourth], "published after the lesson's own exercises"
    assert second not in ids


# LangGraph drops the coroutines of tasks a failed step never started, with this warning.
@pytest.mark.filterwarnings("ignore:coroutine 'arun_with_retry' was never awaited")
async def test_a_crashed_batch_resumes_without_redoing_finished_drafts(database_url):
    spec_id = await make_spec(database_url, {"fill_blank": 4, "word_order": 4})
    plan = DraftPlan(offset=80, crash_after=4)
    async with open_checkpointer(database_url) as saver:
        graph = builder.compile(checkpointer=saver)
        settings = Settings(database_url=database_url, content_concurrency=2)
        runs = ContentRuns(graph, settings, chat_model=FakeWriter(script=plan))
        view = await runs.start(spec_id)
        failed = await runs.run(view["id"], {"spec_id": spec_id})
        assert failed["status"] == "failed"
        assert "the model provider went away" in failed["errors"][0]
        assert await spec_status(database_url, spec_id) == "failed"

        state = await graph.aget_state({"configurable": {"thread_id": view["id"]}})
        finished = {t.result["results"][0]["slot"] for t in state.tasks if t.result}
        assert 3 <= len(finished) < 8
        before = plan.calls_per_slot()
        assert all(before[slot] == 1 for slot in finished)

        plan.crash_after = None
        await runs.reopen(view["id"])
        resumed = await runs.run(view["id"], None)
    assert resumed["status"] == "review" and resumed["counts"]["stored"] == 8
    after = plan.calls_per_slot()
    assert all(after[slot] == 1 for slot in finished), "finished drafts are not generated again"
    assert set(after) == set(range(8))
    rows = await run_exercises(database_url, view["id"])
    assert len(rows) == len({r.slug for r in rows}) == 8
    async with session_scope(database_url) as session:
        assert await session.get(Exercise, rows[0].id) is not None
