"""Evals: the shipped datasets pass the gate, regressions fail it, exports replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from evals.dataset import Dataset
from evals.export import export_conversation
from evals.metrics import compute
from evals.replay import replay_all
from tests.e2e.test_web_api import Server, web_learner
from tools.db import session_scope

ROOT = Path(__file__).resolve().parents[2]


def eval_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "eval", "run", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_shipped_datasets_pass_the_gate_and_write_reports(tmp_path):
    done = eval_run("--out", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["metrics"]["conversations"] >= 40
    assert report["metrics"]["intent_accuracy"] >= 0.95
    assert report["metrics"]["judge_tone"] == "not run"
    assert report["gate_failures"] == []
    assert "<svg" in (tmp_path / "report.html").read_text()
    assert "| intent_accuracy |" in (tmp_path / "report.md").read_text()


def test_a_regression_fails_the_gate_and_shows_against_the_baseline(tmp_path):
    baseline = tmp_path / "good"
    assert eval_run("--out", str(baseline)).returncode == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        yaml.safe_dump(
            {
                "conversations": [
                    {
                        "id": "expects-the-wrong-route",
                        "profile": {"onboarded": True},
                        "turns": [
                            {"user": "hi", "expect": {"intent": "progress", "contains": ["📊"]}},
                            {"user": "help", "expect": {"intent": "settings"}},
                        ],
                    }
                ]
            }
        )
    )
    done = eval_run(
        str(broken), "--out", str(tmp_path / "bad"), "--baseline", str(baseline / "report.json")
    )
    assert done.returncode == 1
    assert "Gate failed" in done.stdout and "intent_accuracy 0.000" in done.stdout
    report = json.loads((tmp_path / "bad" / "report.json").read_text())
    changes = {r["metric"]: r["change"] for r in report["baseline_comparison"]}
    assert changes["intent_accuracy"] == "regressed"
    assert "expects-the-wrong-route" in (tmp_path / "bad" / "report.md").read_text()


async def test_a_web_conversation_exports_to_an_entry_that_replays(sqlite_url):
    server = Server(sqlite_url)
    await server.start()
    try:
        learner = web_learner(server, "exported")
        for text in ("hi", "es", "en", "scratch", "lesson", "2", "progress"):
            replies = await learner.say(text)
        thread_id = (await server.post({"user": "exported", "text": "help"})).json()["thread_id"]
    finally:
        await server.stop()
    async with session_scope(sqlite_url) as session:
        entry = await export_conversation(session, thread_id=thread_id)
    assert [t["user"] for t in entry["turns"]] == [
        "hi",
        "es",
        "en",
        "scratch",
        "lesson",
        "2",
        "progress",
        "help",
    ]
    assert entry["profile"] == {"onboarded": False}
    assert entry["turns"][5]["expect"]["grade"] == "correct"
    assert entry["turns"][6]["expect"]["intent"] == "progress"
    assert "Lessons: 0/10 done" in entry["turns"][6]["observed_reply"] == texts_of(replies)
    dataset = Dataset.model_validate({"conversations": [entry]})
    outcomes = await replay_all([dataset], sqlite_url)
    assert outcomes[0].passed, [t.checks for t in outcomes[0].turns]
    assert compute(outcomes)["intent_accuracy"] == 1.0


def texts_of(replies: list[dict]) -> str:
    return "\n\n".join(r["text"] for r in replies)


async def test_a_judge_model_scores_turns_with_a_rubric(sqlite_url):
    from langchain_core.messages import AIMessage

    from evals.judge import Judge
    from tests.fakes import ScriptedChatModel

    def grade(messages) -> AIMessage:
        prompt = str(messages[-1].content)
        score = 0.5 if "Criterion: Is the reply warm" in prompt else 1.0
        return AIMessage(
            content="",
            tool_calls=[
                {
                    "name": "Score",
                    "args": {"reasoning": "fine", "score": score},
                    "id": "c1",
                    "type": "tool_call",
                }
            ],
        )

    judge = Judge("scripted:judge", model=ScriptedChatModel(respond=grade))
    dataset = Dataset.model_validate(
        {
            "conversations": [
                {
                    "id": "judged",
                    "turns": [
                        {
                            "user": "hi",
                            "expect": {"intent": "greeting", "rubric": "Greets warmly."},
                        },
                        {"user": "help", "expect": {"intent": "help"}},
                    ],
                }
            ]
        }
    )
    outcomes = await replay_all([dataset], sqlite_url, judge=judge)
    metrics = compute(outcomes)
    assert metrics["judge_tone"] == 0.5 and metrics["judge_correction_quality"] == 1.0
    assert outcomes[0].turns[1].judge == {}, "turns without a rubric are not judged"
    assert len(judge.model.calls) == 3
