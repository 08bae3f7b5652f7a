"""`lingograph content` in real processes: import, refusals, a killed run resumed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from api.checkpointer import open_checkpointer
from api.content import open_content
from graphs.content.graph import builder
from tests.content_support import make_spec, run_exercises, spec_status
from tests.fake_generator import DraftPlan, openai_responder
from tests.fake_openai import fake_openai
from tests.integration.test_crash_recovery import processes, wait_for
from tools.db import session_scope
from tools.db.models import ContentRun, CurriculumSpec
from tools.errors import Conflict
from tools.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "knowledge" / "specs" / "es-en-a1-food.yaml"


def cli_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "LINGOGRAPH_MODEL": "",
        "LINGOGRAPH_GENERATOR_MODEL": "",
        "COLUMNS": "160",
        **extra,
    }


def lingograph(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_import_then_generate_without_a_model_changes_nothing(database_url):
    env = cli_env(database_url)
    imported = await asyncio.to_thread(
        lingograph, "content", "specs", "import", str(EXAMPLE), env=env
    )
    assert imported.returncode == 0, imported.stderr
    assert "1 spec(s) imported" in imported.stdout and "food-gustar" in imported.stdout
    async with session_scope(database_url) as session:
        spec_id = await session.scalar(select(CurriculumSpec.id).order_by(CurriculumSpec.id.desc()))

    refused = await asyncio.to_thread(
        lingograph, "content", "generate", "--spec", str(spec_id), env=env
    )
    assert refused.returncode == 5  # NotConfigured
    message = " ".join(refused.stdout.split())
    assert "content generation needs a chat model" in message
    assert "LINGOGRAPH_GENERATOR_MODEL" in message and "OPENAI_BASE_URL" in message
    async with session_scope(database_url) as session:
        runs = list(await session.scalars(select(ContentRun).where(ContentRun.spec_id == spec_id)))
    assert runs == [] and await spec_status(database_url, spec_id) == "pending"

    listed = await asyncio.to_thread(lingograph, "content", "specs", "list", env=env)
    assert f"│ {spec_id} " in listed.stdout and "pending" in listed.stdout
    schemas = await asyncio.to_thread(
        lingograph, "content", "schemas", "--type", "word_order", env=env
    )
    assert '"word_order"' in schemas.stdout and '"tokens"' in schemas.stdout


async def test_refusals_exit_with_their_kind_s_code_and_say_why(database_url):
    env = cli_env(database_url)
    cases = [
        (["content", "review", "content-nope"], 3, "there is no content run 'content-nope'"),
        (["content", "resume", "content-nope"], 5, "content generation needs a chat model"),
        (["content", "schemas", "--type", "essay"], 2, "unknown exercise type 'essay'"),
        (["content", "specs", "import", "missing.yaml"], 2, "No such file or directory"),
    ]
    for args, code, message in cases:
        refused = await asyncio.to_thread(lingograph, *args, env=env)
        assert refused.returncode == code, refused.stdout + refused.stderr
        assert message in " ".join(refused.stdout.split())


async def finished_slots(graph, run_id: str) -> set[int]:
    """Slots whose draft task's result is saved in the run's checkpoint."""
    state = await graph.aget_state({"configurable": {"thread_id": run_id}})
    return {t.result["results"][0]["slot"] for t in state.tasks if t.name == "draft" and t.result}


async def run_of(database_url: str, spec_id: int) -> str | None:
    async with session_scope(database_url) as session:
        return await session.scalar(select(ContentRun.id).where(ContentRun.spec_id == spec_id))


async def test_a_killed_generate_resumes_without_regenerating_finished_slots(database_url):
    spec_id = await make_spec(database_url, {"fill_blank": 6, "translate": 6})
    plan = DraftPlan(offset=200)
    with (
        fake_openai(openai_responder(plan, latency=0.5)) as (model_url, _),
        processes() as start,
    ):
        env = cli_env(
            database_url,
            LINGOGRAPH_GENERATOR_MODEL="openai:writer",
            OPENAI_BASE_URL=model_url,
            OPENAI_API_KEY="sk-test",
            CONTENT_STALE_SECONDS="2",
        )
        generate = ["-m", "api.cli", "content", "generate", "--spec", str(spec_id)]
        process = start(*generate, "--concurrency", "2", env=env, log=Path(os.devnull))
        async with open_checkpointer(database_url) as saver:
            graph = builder.compile(checkpointer=saver)

            async def three_done() -> bool:
                run_id = await run_of(database_url, spec_id)
                return bool(run_id) and len(await finished_slots(graph, run_id)) >= 3

            await wait_for(three_done, "three drafts to finish")
            # While it runs, another process may not resume it: the batch would run twice.
            settings = Settings(
                database_url=database_url,
                lingograph_generator_model="openai:writer",
                content_stale_seconds=2,
            )
            async with open_content(settings) as others:
                with pytest.raises(Conflict, match="running in another process"):
                    await others.reopen(await run_of(database_url, spec_id))
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            run_id = await run_of(database_url, spec_id)
            finished = await finished_slots(graph, run_id)
        assert 3 <= len(finished) < 12, "killed mid-batch"
        before = plan.calls_per_slot()
        async with session_scope(database_url) as session:
            assert (await session.get(ContentRun, run_id)).status == "running"

        await asyncio.sleep(2.2)  # silent for CONTENT_STALE_SECONDS: taken as stopped
        resumed = await asyncio.to_thread(lingograph, "content", "resume", run_id, env=env)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert f"Run {run_id}: review" in resumed.stdout
    after = plan.calls_per_slot()
    assert all(after[slot] == before[slot] == 1 for slot in finished), (
        "a slot finished before the kill is not generated again"
    )
    assert set(after) == set(range(12))
    assert len(await run_exercises(database_url, run_id)) == 12

    env = cli_env(database_url)
    reviewed = await asyncio.to_thread(
        lingograph, "content", "review", run_id, "--approve-all", env=env
    )
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert f"Run {run_id}: published" in reviewed.stdout
    assert {r.status for r in await run_exercises(database_url, run_id)} == {"published"}
    runs = await asyncio.to_thread(lingograph, "content", "runs", env=env)
    assert run_id in runs.stdout and "published" in runs.stdout


async def test_interactive_review_approves_rejects_and_skips(database_url):
    spec_id = await make_spec(database_url, {"multiple_choice": 3})
    plan = DraftPlan(offset=240)
    with fake_openai(openai_responder(plan)) as (model_url, _):
        env = cli_env(
            database_url,
            LINGOGRAPH_GENERATOR_MODEL="openai:writer",
            OPENAI_BASE_URL=model_url,
            OPENAI_API_KEY="sk-test",
        )
        generated = await asyncio.to_thread(
            lingograph, "content", "generate", "--spec", str(spec_id), env=env
        )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "valid first try" in generated.stdout and "stored as drafts" in generated.stdout
    async with session_scope(database_url) as session:
        run_id = await session.scalar(select(ContentRun.id).where(ContentRun.spec_id == spec_id))
    env = cli_env(database_url)
    answered = await asyncio.to_thread(
        lingograph, "content", "review", run_id, env=env, stdin="a\nwhat\nr\ns\n"
    )
    assert answered.returncode == 0, answered.stdout + answered.stderr
    assert "Draft 3/3" in answered.stdout and f"Run {run_id}: review" in answered.stdout
    statuses = [r.status for r in await run_exercises(database_url, run_id)]
    assert statuses == ["approved", "rejected", "draft"]
    done = await asyncio.to_thread(lingograph, "content", "review", run_id, env=env, stdin="a\n")
    assert f"Run {run_id}: published" in done.stdout
    statuses = [r.status for r in await run_exercises(database_url, run_id)]
    assert statuses == ["published", "rejected", "published"]
    again = await asyncio.to_thread(lingograph, "content", "review", run_id, env=env)
    assert again.returncode == 4  # Conflict
    assert f"run {run_id} is published, not waiting for review" in " ".join(again.stdout.split())


@pytest.mark.parametrize(
    ("method", "offset"), [("json_schema", 300), ("function_calling", 310), ("json_mode", 320)]
)
async def test_each_structured_output_method_works_with_an_openai_compatible_server(
    database_url, method, offset
):
    spec_id = await make_spec(database_url, {"translate": 2})
    with fake_openai(openai_responder(DraftPlan(offset=offset))) as (model_url, requests):
        env = cli_env(
            database_url,
            LINGOGRAPH_GENERATOR_MODEL="openai:writer",
            OPENAI_BASE_URL=model_url,
            OPENAI_API_KEY="sk-test",
            CONTENT_STRUCTURED_OUTPUT=method,
        )
        generated = await asyncio.to_thread(
            lingograph, "content", "generate", "--spec", str(spec_id), env=env
        )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    first = requests[0]
    if method == "function_calling":
        assert first["tools"][0]["function"]["parameters"]["properties"]["answers"]
    else:
        expected = {"json_schema": "json_schema", "json_mode": "json_object"}[method]
        assert first["response_format"]["type"] == expected
    system = first["messages"][0]["content"]
    assert ('"answers"' in system) is (method == "json_mode")  # only json_mode needs the schema
    async with session_scope(database_url) as session:
        run_id = await session.scalar(select(ContentRun.id).where(ContentRun.spec_id == spec_id))
    assert [r.type for r in await run_exercises(database_url, run_id)] == ["translate"] * 2
