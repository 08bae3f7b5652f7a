"""Bad requests get a 4xx JSON error naming the problem and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.e2e.test_web_api import Server
from tools.db import session_scope
from tools.db.models import Attempt, ChannelIdentity, Learner


@pytest.fixture
async def server(sqlite_url):
    running = Server(sqlite_url)
    await running.start()
    yield running
    await running.stop()


async def counts(url: str) -> tuple[int, int, int]:
    async with session_scope(url) as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(t))
                for t in (Learner, ChannelIdentity, Attempt)
            ]
        )


@pytest.mark.parametrize(
    ("kwargs", "status", "error", "mentions"),
    [
        ({"json": {"user": "u", "text": ""}}, 422, "validation_error", "text"),
        ({"json": {"user": "u", "text": "   \n\t "}}, 422, "validation_error", "text"),
        ({"json": {"user": "u", "text": "a" * 10_000}}, 422, "validation_error", "limit"),
        ({"json": {"text": "hi"}}, 422, "validation_error", "user"),
        ({"json": {"user": "u"}}, 422, "validation_error", "text"),
        ({"json": {"user": "u", "text": 5}}, 422, "validation_error", "text"),
        ({"json": {"user": "u", "text": "hi", "extra": 1}}, 422, "validation_error", "extra"),
        ({"json": ["u", "hi"]}, 422, "validation_error", "object"),
        ({"json": {"user": "bad user id!", "text": "hi"}}, 422, "validation_error", "user"),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "invalid_json",
            "JSON",
        ),
        (
            {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}},
            400,
            "invalid_json",
            "JSON",
        ),
        (
            {
                "content": b"user=u&text=hi",
                "headers": {"content-type": "application/x-www-form-urlencoded"},
            },
            415,
            "unsupported_media_type",
            "application/json",
        ),
        ({"content": b"hi"}, 415, "unsupported_media_type", "application/json"),
    ],
)
async def test_bad_requests_are_refused_clearly(
    server, sqlite_url, kwargs, status, error, mentions
):
    before = await counts(sqlite_url)
    response = await server.client.post("/v1/web/messages", **kwargs)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error
    assert mentions.lower() in str(body["detail"]).lower()
    assert await counts(sqlite_url) == before


async def test_unknown_route_and_method_are_json(server):
    missing = await server.client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = await server.client.get("/v1/web/messages")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("text", ["😀🎉", "مرحبا", "e\u0301\u0301", "\u202eoll\u0259h", "🇪🇸"])
async def test_any_script_gets_a_friendly_reply(server, text):
    for setup in ("hi", "es", "en", "scratch", "lesson"):
        await server.post({"user": "odd", "text": setup})
    response = await server.post({"user": "odd", "text": text})
    assert response.status_code == 200
    assert response.json()["replies"]
