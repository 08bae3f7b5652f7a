"""The web channel through HTTP, on SQLite and PostgreSQL, across app restarts."""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx
import pytest
from sqlalchemy import text

from api.app import create_app
from tests.conversation import Learner, six_steps, texts
from tests.fake_openai import completion, fake_openai
from tools.db import session_scope
from tools.settings import Settings


class Server:
    """The real app with its lifespan, restartable, reached through httpx."""

    def __init__(self, database_url: str, *, generator_model=None, **settings) -> None:
        self.database_url = database_url
        self.generator_model = generator_model
        self.settings = {
            "lingograph_model": None,
            "history_messages": 8,
            "checkpoint_prune_every": 1,
            **settings,
        }
        self.stack: AsyncExitStack | None = None
        self.client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        app = self.app = create_app(
            Settings(database_url=self.database_url, **self.settings),
            generator_model=self.generator_model,
        )
        self.stack = AsyncExitStack()
        await self.stack.enter_async_context(app.router.lifespan_context(app))
        self.client = await self.stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://lingograph.test"
            )
        )

    async def stop(self) -> None:
        await self.stack.aclose()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def post(self, body, **kwargs) -> httpx.Response:
        return await self.client.post("/v1/web/messages", json=body, **kwargs)


@pytest.fixture
async def server(database_url):
    running = Server(database_url)
    await running.start()
    yield running
    await running.stop()


def web_learner(server: Server, user: str) -> Learner:
    async def send(text: str) -> list[dict]:
        response = await server.post({"user": user, "text": text})
        assert response.status_code == 200, response.text
        return response.json()["replies"]

    return Learner(send)


async def test_six_steps_across_restarts(server):
    learner = web_learner(server, "ana")
    await six_steps(learner, restart=server.restart)
    await server.restart()
    replies = await learner.say("progress")
    assert "Lessons: 1/10 done" in texts(replies)
    replies = await learner.say("lesson")
    assert "Lesson 2 ·" in texts(replies)


async def test_thread_id_is_stable_and_short(server):
    first = (await server.post({"user": "+34600111222", "text": "hi"})).json()
    again = (await server.post({"user": "+34600111222", "text": "es"})).json()
    other = (await server.post({"user": "someone-else", "text": "hi"})).json()
    assert first["thread_id"] == again["thread_id"] != other["thread_id"]
    assert "34600111222" not in first["thread_id"] and len(first["thread_id"]) <= 32


async def test_health_and_readiness(server):
    assert (await server.client.get("/health")).json() == {"status": "ok"}
    ready = await server.client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "checkpointer": "ok"}


async def test_chat_page_is_served(server):
    page = await server.client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/v1/web/messages" in page.text


async def test_the_page_and_favicon_ico_show_an_icon(sqlite_url):
    running = Server(sqlite_url)
    await running.start()
    try:
        icon = await running.client.get("/favicon.ico")
        page = await running.client.get("/")
    finally:
        await running.stop()
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/")
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file, not an HTML error page
    assert '<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,' in page.text


async def test_thread_storage_stays_bounded(server):
    learner = web_learner(server, "long-talker")
    for message in ["hi", "es", "en", "scratch", "lesson", "help", "progress", "hint", "skip"] * 2:
        response = await server.post({"user": "long-talker", "text": message})
    thread_id = response.json()["thread_id"]
    await server.app.state.runner.drain()
    async with session_scope(server.database_url) as session:
        rows = await session.scalar(
            text("SELECT count(*) FROM checkpoints WHERE thread_id = :t"), {"t": thread_id}
        )
    assert rows == 1, "only the latest checkpoint of a thread is kept"
    state = await server.app.state.graphs["tutor"].aget_state(
        {"configurable": {"thread_id": thread_id}}
    )
    assert 0 < len(state.values["messages"]) <= 8
    assert state.values["messages"][-1].type == "ai"
    await server.restart()
    replies = await learner.say("progress")
    assert "Lessons: 0/10 done" in texts(replies)


async def test_practice_through_an_openai_compatible_server(sqlite_url, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    reply = "✏️ *Me llamo Ana.*\n¡Mucho gusto, Ana! ¿De dónde eres?"
    with fake_openai(lambda body: (200, completion(body["model"], reply))) as (url, seen):
        server = Server(sqlite_url, lingograph_model="openai:tutor-7b", openai_base_url=url)
        await server.start()
        try:
            learner = web_learner(server, "talker")
            for text in ("hi", "es", "en", "scratch"):
                await learner.say(text)
            replies = await learner.say("let's talk")
        finally:
            await server.stop()
    assert texts(replies) == reply
    system = seen[-1]["messages"][0]
    assert seen[-1]["model"] == "tutor-7b" and system["role"] == "system"
    assert "Spanish" in system["content"] and "level A1" in system["content"]
    assert seen[-1]["messages"][-1] == {"role": "user", "content": "let's talk"}
