"""The web chat channel: JSON in, JSON out, answered in the same request."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from channels.base import InboundMessage, OutboundMessage

CHANNEL = "web"


class WebMessage(BaseModel):
    """The body of POST /v1/web/messages."""

    model_config = ConfigDict(extra="forbid")

    user: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_.:@+-]+$",
        description="A stable id for the person chatting (letters, digits, _.:@+-).",
    )
    text: str = Field(description="What the learner typed.")
    name: str | None = Field(default=None, max_length=120)
    timezone: str | None = Field(
        default=None, max_length=64, description="IANA timezone, used when the learner is new."
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text is empty; send what the learner typed")
        return text.strip()


def parse(body: WebMessage) -> list[InboundMessage]:
    """The inbound message a web request carries."""
    return [
        InboundMessage(
            channel=CHANNEL,
            sender=body.user,
            text=body.text,
            display_name=body.name,
            timezone=body.timezone,
        )
    ]


def render(message: OutboundMessage) -> dict:
    """A reply as the web chat shows it (buttons kept as buttons)."""
    return message.model_dump()
