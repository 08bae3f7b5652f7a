"""An opt-out request in words is honoured on every channel, in every state, and graded never."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import func, select

from tests.integration.channel_support import (
    ChannelApp,
    channel_settings,
    cloud_message,
    messenger_message,
    telegram_message,
    twilio_form,
)
from tools.db import session_scope
from tools.db.models import Attempt, ChannelIdentity, Learner

_ids = itertools.count(int(str(uuid.uuid4().int)[:8]))


class Sender:
    """One learner writing on one channel."""

    def __init__(self, app: ChannelApp, channel: str) -> None:
        self.app, self.channel = app, channel
        self.who = str(next(_ids))
        self.sender = f"+34{self.who}" if channel == "twilio" else self.who

    async def say(self, text: str) -> None:
        """Deliver a text as the provider would, and wait for the reply to go out."""
        mid = uuid.uuid4().hex
        if self.channel == "twilio":
            await self.app.twilio(twilio_form("SM" + mid, self.sender, text))
        elif self.channel == "whatsapp":
            message = {"type": "text", "text": {"body": text}}
            payload = cloud_message(f"wamid.{mid}", self.who, message)
            await self.app.meta("/channels/whatsapp", payload)
        elif self.channel == "telegram":
            await self.app.telegram(telegram_message(next(_ids), int(self.who), text))
        else:
            await self.app.meta(
                "/channels/messenger", messenger_message(mid, self.who, {"text": text})
            )
        await self.app.settle()


STATES = {
    "first message": [],
    "onboarding": ["hi"],
    "mid-placement": ["hi", "es", "en", "quiz"],
    "mid-exercise": ["hi", "es", "en", "scratch", "lesson"],
    "idle": ["hi", "es", "en", "scratch"],
}
REQUESTS = [
    "please stop sending me messages",
    "no me mandes más mensajes",
    "UNSUBSCRIBE",
    "arrêtez de m'envoyer des messages",
]


@pytest.fixture
async def app(sqlite_url, fake):
    async with ChannelApp(channel_settings(sqlite_url, fake.base_url)) as running:
        yield running


async def _learner(database_url: str, sender: str) -> tuple[Learner, int]:
    async with session_scope(database_url) as session:
        learner = await session.scalar(
            select(Learner).join(ChannelIdentity).where(ChannelIdentity.sender == sender)
        )
        attempts = await session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.learner_id == learner.id)
        )
    return learner, attempts


@pytest.mark.parametrize("channel", ["twilio", "whatsapp", "telegram", "messenger"])
@pytest.mark.parametrize("state", list(STATES))
async def test_a_request_to_stop_opts_out_from_any_state(app, sqlite_url, channel, state):
    learner = Sender(app, channel)
    for text in STATES[state]:
        await learner.say(text)
    request = REQUESTS[list(STATES).index(state) % len(REQUESTS)]
    await learner.say(request)
    opted, attempts = await _learner(sqlite_url, learner.sender)
    assert opted.opted_out, f"{request!r} in state {state} did not opt out"
    assert attempts == 0, "a request to stop was graded as an answer"

    await learner.say("START")
    opted, _ = await _learner(sqlite_url, learner.sender)
    assert not opted.opted_out
