"""The messages every channel adapter speaks: one inbound shape, one outbound shape."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

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


class Media(BaseModel):
    """An attachment a learner sent (voice note, image, ...)."""

    kind: Literal["audio", "image", "video", "document", "sticker", "other"]
    url: str | None = Field(default=None, description="Where the provider serves it.")
    media_id: str | None = Field(default=None, description="The provider's id, when no URL.")
    content_type: str | None = None


class InboundMessage(BaseModel):
    """A message from a learner on any channel, after the adapter has parsed it."""

    channel: str
    sender: str = Field(description="The channel's id for the learner (phone, chat id, PSID...).")
    text: str = ""
    message_id: str | None = Field(default=None, description="The provider's id, for dedupe.")
    display_name: str | None = None
    timezone: str | None = None
    received_at: datetime = Field(default_factory=utcnow)
    media: list[Media] = Field(default_factory=list)
    from_button: bool = Field(default=False, description="The text is a pressed button's id.")
    reply_to: str | None = Field(
        default=None, description="Where replies go when not `sender` (e.g. a Telegram chat id)."
    )


DeliveryStatus = Literal["queued", "sent", "delivered", "read", "failed", "undelivered"]


class StatusUpdate(BaseModel):
    """A provider's report on a message we sent."""

    channel: str
    provider_message_id: str
    status: DeliveryStatus
    error: str | None = None


class ParsedWebhook(BaseModel):
    """Everything one webhook delivery carried."""

    messages: list[InboundMessage] = Field(default_factory=list)
    statuses: list[StatusUpdate] = Field(default_factory=list)


class SendResult(BaseModel):
    """What the provider answered to a send."""

    provider_message_id: str | None = None


class SendError(Exception):
    """A send the provider refused; `retryable` for 429 and 5xx (and network errors)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        throttled: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.throttled = throttled

    @property
    def retryable(self) -> bool:
        """Whether trying again later may succeed."""
        return self.throttled or self.status is None or self.status == 429 or self.status >= 500


class WebhookError(Exception):
    """A webhook body the adapter cannot read (answered with 400 and `reason`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def as_numbered_text(message: OutboundMessage) -> str:
    """A reply with its buttons as a numbered list, for channels without buttons."""
    if not message.buttons:
        return message.text
    choices = "\n".join(f"{i}. {b.title}" for i, b in enumerate(message.buttons, 1))
    return f"{message.text}\n\n{choices}"


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with "…" when it was longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def distinct_titles(titles: list[str], limit: int) -> list[str]:
    """Titles cut to `limit`; if cutting makes two alike, all are numbered ("2. Buenas tar…")."""
    cut = [truncate(title, limit) for title in titles]
    if len(set(cut)) == len(cut):
        return cut
    return [truncate(f"{n}. {title}", limit) for n, title in enumerate(titles, 1)]


def chunk_text(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, at paragraph, line or word breaks."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), -1)
        for separator in ("\n", " "):
            if cut < limit // 2:
                cut = window.rfind(separator)
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces or [""]
