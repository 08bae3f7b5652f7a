"""The messages every channel adapter speaks: one inbound shape, one outbound shape."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tools.db.types import utcnow


class Button(BaseModel):
    """A quick reply: `id` is what comes back when pressed, `title` what the learner sees."""

    id: str
    title: str


class OutboundMessage(BaseModel):
    """One reply bubble: text with optional quick-reply buttons."""

    text: str
    buttons: list[Button] = Field(default_factory=list)


class InboundMessage(BaseModel):
    """A message from a learner on any channel, after the adapter has parsed it."""

    channel: str
    sender: str = Field(description="The channel's id for the learner (phone, chat id, PSID...).")
    text: str
    message_id: str | None = Field(default=None, description="The provider's id, for dedupe.")
    display_name: str | None = None
    timezone: str | None = None
    received_at: datetime = Field(default_factory=utcnow)


def as_numbered_text(message: OutboundMessage) -> str:
    """A reply with its buttons as a numbered list, for channels without buttons."""
    if not message.buttons:
        return message.text
    choices = "\n".join(f"{i}. {b.title}" for i, b in enumerate(message.buttons, 1))
    return f"{message.text}\n\n{choices}"
