"""Content generation over HTTP: specs, a background run, review, and the tutor serving it."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conversation import texts
from tests.e2e.test_web_api import Server
from tests.fake_generator import DraftPlan, FakeWriter

KEY = "content-team-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
EXAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "specs" / "es-en-a1-food.yaml"
# The example spec's 12 slots: multiple_choice, fill_blank, translate, multiple_choice, ...
PLAN = {1: ["wrong_answer", "valid"], 2: ["wrong_language"], 3: ["broken_json", "valid"]}


@pytest.fixture
async def content_api(database_url):
    plan = DraftPlan(plan=dict(PLAN), offset=120)
    server = Server(
        database_url, admin_api_key=KEY, generator_model=FakeWriter(script=plan, latency=0.01)
    )
    await server.start()
    server.plan = plan
    yield server
    await server.stop()


async def until(client, run_id: str, *statuses: str) -> dict:
    """The run once it reaches one of the statuses (it runs in the background)."""
    async with asyncio.timeout(30):
        while True:
            run = (await client.get(f"/v1/content/runs/{run_id}", headers=AUTH)).json()
            if run["status"] in statuses:
                return run
            await asyncio.sleep(0.05)


async def test_the_content_api_needs_the_admin_key(content_api):
    client = content_api.client
    assert (await client.get("/v1/content/specs")).status_code == 401
    wrong = await client.get("/v1/content/runs", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    schemas = (await client.get("/v1/content/schemas", headers=AUTH)).json()["schemas"]
    assert set(schemas) == {"multiple_choice", "fill_blank", "translate", "word_order"}
    assert schemas["fill_blank"]["schema"]["properties"]["sentence"]["type"] == "string"


async def test_bad_specs_and_requests_get_4xx_json(content_api):
    client = content_api.client
    spec = yaml.safe_load(EXAMPLE.read_text())
    missing = await client.post(
        "/v1/content/specs", json={**spec, "lesson": "no-such-lesson"}, headers=AUTH
    )
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_spec"
    assert "has no lesson 'no-such-lesson'" in missing.json()["detail"]
    typo = await client.post(
        "/v1/content/specs", json={**spec, "exercises": {"essay": 2}}, headers=AUTH
    )
    assert typo.status_code == 422 and typo.json()["error"] == "validation_error"
    assert "unknown exercise types ['essay']" in typo.json()["detail"][0]["message"]
    nothing = await client.post("/v1/content/runs", json={"spec_id": 987654}, headers=AUTH)
    assert nothing.status_code == 404 and nothing.json()["error"] == "spec_not_found"
    unknown = await client.get("/v1/content/runs/content-nope/drafts", headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["error"] == "run_not_found"


async def test_generate_review_publish_and_a_learner_gets_the_new_exercise(content_api):
    client = content_api.client
    spec = yaml.safe_load(EXAMPLE.read_text())
    created = await client.post("/v1/content/specs", json=spec, headers=AUTH)
    assert created.status_code == 201, created.text
    spec_id = created.json()["id"]
    assert created.json()["status"] == "pending"

    started = await client.post(
        "/v1/content/runs", json={"spec_id": spec_id, "concurrency": 3}, headers=AUTH
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    assert started.json()["status"] == "running" and started.json()["counts"]["slots"] == 12
    again = await client.post("/v1/content/runs", json={"spec_id": spec_id}, headers=AUTH)
    assert again.status_code == 409 and again.json()["error"] == "spec_busy"

    run = await until(client, run_id, "review", "failed")
    assert run["status"] == "review", run
    counts = run["counts"]
    assert (counts["valid_first_try"], counts["retried"], counts["rejected"]) == (9, 2, 1)
    assert counts["stored"] == 11 and counts["model_calls"] == 12 + 1 + 2 + 1
    assert "slot 3 (translate): rejected after 3 attempts" in run["errors"][0]
    specs = (await client.get("/v1/content/specs", headers=AUTH)).json()["specs"]
    assert next(s for s in specs if s["id"] == spec_id)["status"] == "review"

    drafts = (await client.get(f"/v1/content/runs/{run_id}/drafts", headers=AUTH)).json()
    drafts = drafts["drafts"]
    assert len(drafts) == 11 and {d["status"] for d in drafts} == {"draft"}
    choice = next(d for d in drafts if d["type"] == "multiple_choice")
    refused = await client.post(
        f"/v1/content/runs/{run_id}/review",
        json={
            "decisions": [{"id": choice["id"], "action": "edit", "exercise": {"answers": ["x"]}}]
        },
        headers=AUTH,
    )
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_decisions"
    assert f"draft {choice['id']}: answer 'x' is not among the options" in refused.json()["detail"]

    rejected, edited, *approved = drafts
    new_prompt = f"Choose the right word ({uuid.uuid4().hex[:6]}): " + edited["exercise"]["prompt"]
    decisions = [
        {"id": rejected["id"], "action": "reject"},
        {"id": edited["id"], "action": "edit", "exercise": {"prompt": new_prompt}},
        *({"id": d["id"], "action": "approve"} for d in approved),
    ]
    reviewed = await client.post(
        f"/v1/content/runs/{run_id}/review", json={"decisions": decisions}, headers=AUTH
    )
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["status"] == "published"
    assert reviewed.json()["counts"]["published"] == 10
    late = await client.post(
        f"/v1/content/runs/{run_id}/review", json={"decisions": decisions[:1]}, headers=AUTH
    )
    assert late.status_code == 409 and late.json()["error"] == "run_not_in_review"
    listed = (await client.get("/v1/content/runs", headers=AUTH)).json()["runs"]
    assert any(r["id"] == run_id and r["status"] == "published" for r in listed)

    published = {d["exercise"]["prompt"] for d in drafts[2:]} | {new_prompt}
    user = f"content-e2e-{uuid.uuid4().hex[:6]}"

    async def say(text: str) -> list[dict]:
        response = await content_api.post({"user": user, "text": text})
        assert response.status_code == 200, response.text
        return response.json()["replies"]

    for text in ["hi", "es", "English", "scratch"]:
        await say(text)
    replies = await say("lesson 8")
    assert "Lesson 8 ·" in texts(replies)
    for _ in range(80):
        shown = replies[-1]["text"]
        if any(prompt in shown for prompt in published):
            break
        replies = await say("skip")
    else:
        raise AssertionError("the learner never got one of the published exercises")
    assert rejected["exercise"]["prompt"] not in shown


async def test_without_a_model_nothing_starts(database_url):
    server = Server(database_url, admin_api_key=KEY, lingograph_generator_model=None)
    await server.start()
    try:
        client = server.client
        spec = yaml.safe_load(EXAMPLE.read_text())
        spec_id = (await client.post("/v1/content/specs", json=spec, headers=AUTH)).json()["id"]
        refused = await client.post("/v1/content/runs", json={"spec_id": spec_id}, headers=AUTH)
        assert refused.status_code == 503
        body = refused.json()
        assert body["error"] == "generator_not_configured"
        assert (
            "LINGOGRAPH_GENERATOR_MODEL" in body["detail"] and "OPENAI_BASE_URL" in body["detail"]
        )
        runs = (await client.get("/v1/content/runs", headers=AUTH)).json()["runs"]
        assert not [r for r in runs if r["spec_id"] == spec_id]
        stored = (await client.get(f"/v1/content/specs/{spec_id}", headers=AUTH)).json()
        assert stored["status"] == "pending"
    finally:
        await server.stop()


# LangGraph drops the coroutines of tasks a failed step never started, with this warning.
@pytest.mark.filterwarnings("ignore:coroutine 'arun_with_retry' was never awaited")
async def test_a_failed_run_resumes_through_the_api(database_url):
    plan = DraftPlan(offset=160, crash_after=3)
    server = Server(database_url, admin_api_key=KEY, generator_model=FakeWriter(script=plan))
    await server.start()
    try:
        client = server.client
        spec = {**yaml.safe_load(EXAMPLE.read_text()), "exercises": {"fill_blank": 6}}
        spec_id = (await client.post("/v1/content/specs", json=spec, headers=AUTH)).json()["id"]
        run_id = (
            await client.post(
                "/v1/content/runs", json={"spec_id": spec_id, "concurrency": 1}, headers=AUTH
            )
        ).json()["id"]
        failed = await until(client, run_id, "failed", "review")
        assert failed["status"] == "failed"
        assert "ConnectionError: the model provider went away" in failed["errors"][-1]
        plan.crash_after = None
        resumed = await client.post(f"/v1/content/runs/{run_id}/resume", headers=AUTH)
        assert resumed.status_code == 202 and resumed.json()["status"] == "running"
        run = await until(client, run_id, "review", "failed")
        assert run["status"] == "review" and run["counts"]["stored"] == 6
        assert sorted(plan.calls_per_slot().values()) == [1] * 6, "no slot written twice"
        busy = await client.post(f"/v1/content/runs/{run_id}/resume", headers=AUTH)
        assert busy.status_code == 409 and busy.json()["error"] == "run_not_resumable"
    finally:
        await server.stop()
