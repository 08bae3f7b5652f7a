"""A process killed between storing a message and answering it: answered once after restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import select, text

from tests.fake_openai import completion, fake_openai
from tests.integration.channel_support import (
    PUBLIC,
    TWILIO_FROM,
    TWILIO_SID,
    TWILIO_TOKEN,
    twilio_form,
    twilio_signature,
)
from tools.db import session_scope
from tools.db.models import InboxMessage, Learner
from tools.db.types import utcnow
from tools.learners import resolve_identity

ROOT = Path(__file__).resolve().parents[2]
REPLY = "¡Claro! Hablemos. ¿Qué te gusta hacer?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlowFirstModel:
    """An OpenAI-compatible responder whose first call hangs until released."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls = 0

    def __call__(self, body: dict) -> tuple[int, dict]:
        self.calls += 1
        if self.calls == 1:
            self.gate.wait(60)
        return 200, completion(body["model"], REPLY)


@contextmanager
def processes():
    """Start Python subprocesses of the project; every one is killed on the way out."""
    started: list[subprocess.Popen] = []

    def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait(10)


async def wait_for(condition, what: str) -> None:
    """Poll an async condition (it reads other processes' work) for up to 40 s."""
    try:
        async with asyncio.timeout(40):
            while not await condition():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def onboarded_learner(database_url: str, phone: str) -> str:
    """A learner who has finished onboarding, so "let's talk" goes to the model; their thread."""
    async with session_scope(database_url) as session:
        identity = await resolve_identity(session, "twilio", phone)
        await session.flush()
        learner = await session.get(Learner, identity.learner_id)
        learner.target_language, learner.native_language, learner.level = "es", "en", "A1"
        learner.onboarded_at = utcnow()
        identity.last_inbound_at = utcnow()
        return identity.thread_id


async def inbox_status(database_url: str, sid: str) -> str | None:
    async with session_scope(database_url) as session:
        return await session.scalar(
            select(InboxMessage.status).where(InboxMessage.provider_message_id == sid)
        )


async def thread_jobs_finished(database_url: str, thread_id: str) -> bool:
    """Whether no queued job of the thread waits or runs (a killed worker's stays `doing`)."""
    async with session_scope(database_url) as session:
        left = await session.scalar(
            text(
                "SELECT count(*) FROM procrastinate_jobs"
                " WHERE lock = :thread AND status IN ('todo', 'doing')"
            ),
            {"thread": thread_id},
        )
    return left == 0


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_killed_process_answers_once_after_restart(backend, request, fake, tmp_path):
    database_url = request.getfixturevalue(f"{backend}_url")
    phone, sid = "+34" + str(uuid.uuid4().int)[:9], "SM" + uuid.uuid4().hex
    thread_id = await onboarded_learner(database_url, phone)
    model = SlowFirstModel()
    port = free_port()
    with fake_openai(model) as (model_url, _), processes() as start:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": PUBLIC,
            "LINGOGRAPH_MODEL": "openai:tutor",
            "OPENAI_BASE_URL": model_url,
            "OPENAI_API_KEY": "sk-test",
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": TWILIO_FROM,
            "TWILIO_API_BASE": fake.base_url,
            "WORKER_STALLED_SECONDS": "2",
            "SEND_BACKOFF_SECONDS": "0.05",
        }
        if backend == "postgres":
            env["WORKER_IN_API"] = "false"
        serve = ["-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
        api = start(*serve, env=env, log=tmp_path / "api.log")
        # On PostgreSQL a separate `lingograph worker` runs the jobs; on SQLite the server does.
        worker = (
            start("-m", "api.cli", "worker", env=env, log=tmp_path / "worker.log")
            if backend == "postgres"
            else api
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def up() -> bool:
                try:
                    return (await client.get("/health")).status_code == 200
                except httpx.TransportError:
                    return False

            await wait_for(up, "the server to start")
            params = twilio_form(sid, phone, "let's talk")
            path = "/channels/twilio/whatsapp"
            response = await client.post(
                path,
                content=urlencode(params),
                headers={
                    "content-type": "application/x-www-form-urlencoded",
                    "x-twilio-signature": twilio_signature(path, params),
                },
            )
            assert response.status_code == 200

            async def model_called() -> bool:
                return model.calls >= 1

            await wait_for(model_called, "the turn to reach the model")
            assert await inbox_status(database_url, sid) == "processing"
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            assert fake.sent("Messages.json") == []
            model.gate.set()

            if backend == "postgres":
                start("-m", "api.cli", "worker", env=env, log=tmp_path / "worker2.log")
            else:
                restarted = start(*serve, env=env, log=tmp_path / "api2.log")
                await wait_for(up, "the server to restart")

            async def answered() -> bool:
                return await inbox_status(database_url, sid) == "done" and bool(
                    fake.sent("Messages.json")
                )

            await wait_for(answered, "the message to be answered after the restart")
            # A second answer could only come from work still queued or running: count the sends
            # once none is left, retried stalled job included.
            if backend == "postgres":

                async def jobs_finished() -> bool:
                    return await thread_jobs_finished(database_url, thread_id)

                await wait_for(jobs_finished, "the worker to finish the thread's jobs")
            else:
                # Shutting down drains the server's in-process jobs; uvicorn then re-raises the
                # signal, so the exit status is -SIGTERM even after a clean shutdown.
                restarted.send_signal(signal.SIGTERM)
                await asyncio.to_thread(restarted.wait, 40)
                log = (tmp_path / "api2.log").read_text()
                assert "Application shutdown complete" in log, "the server did not drain its jobs"
    bodies = [r.form["Body"] for r in fake.sent("Messages.json")]
    assert bodies == [REPLY], "answered exactly once"
