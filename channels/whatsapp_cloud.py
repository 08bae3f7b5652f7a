"""WhatsApp through Meta's Cloud API: JSON webhooks in, Graph /messages out."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from channels.base import (
    Button,
    InboundMessage,
    Media,
    OutboundMessage,
    ParsedWebhook,
    SendResult,
    StatusUpdate,
    WebhookError,
    as_numbered_text,
    chunk_text,
    distinct_titles,
    truncate,
)
from channels.http import post_json
from channels.meta import webhook_entries

NAME = "whatsapp"
TEXT_LIMIT = 4096
BODY_LIMIT = 1024
MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_LABEL = "Choose"
TIMEOUT = 30.0

_MEDIA_TYPES = ("audio", "image", "video", "document", "sticker")
_STATUSES = {"sent", "delivered", "read", "failed"}


def _received_at(timestamp: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _content(message: dict) -> tuple[str, list[Media], bool] | None:
    """(text, media, from_button) of one webhook message, or None to skip it."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body", ""), [], False
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get(interactive.get("type") or "")
        if interactive.get("type") in ("button_reply", "list_reply") and reply:
            return reply.get("id", ""), [], True
        return None
    if kind == "button":
        button = message.get("button") or {}
        return button.get("payload") or button.get("text") or "", [], True
    if kind in _MEDIA_TYPES:
        item = message.get(kind) or {}
        media = Media(kind=kind, media_id=item.get("id"), content_type=item.get("mime_type"))
        return item.get("caption") or "", [media], False
    return None


def _message(message: dict, names: dict[str, str]) -> InboundMessage | None:
    content = _content(message)
    if content is None:
        return None
    for field in ("id", "from"):
        if not message.get(field):
            raise WebhookError(f"a message has no {field}")
    text, media, from_button = content
    extra = {}
    received_at = _received_at(message.get("timestamp"))
    if received_at is not None:
        extra["received_at"] = received_at
    return InboundMessage(
        channel=NAME,
        sender=message["from"],
        text=text,
        message_id=message["id"],
        display_name=names.get(message["from"]),
        media=media,
        from_button=from_button,
        **extra,
    )


def _status(status: dict) -> StatusUpdate | None:
    if status.get("status") not in _STATUSES or not status.get("id"):
        return None
    error = None
    errors = status.get("errors") or []
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        words = [first.get("title"), first.get("message")]
        details = (first.get("error_data") or {}).get("details")
        text = " - ".join(dict.fromkeys(w for w in [*words, details] if w))
        error = f"{first['code']}: {text}" if first.get("code") is not None else text or None
    return StatusUpdate(
        channel=NAME, provider_message_id=status["id"], status=status["status"], error=error
    )


def parse(body: dict) -> ParsedWebhook:
    """The learners' messages and delivery reports in a Cloud API webhook body."""
    parsed = ParsedWebhook()
    for entry in webhook_entries(body, "whatsapp_business_account"):
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value") or {}
            names = {
                c.get("wa_id"): (c.get("profile") or {}).get("name")
                for c in value.get("contacts") or []
            }
            for item in value.get("messages") or []:
                message = _message(item, names)
                if message is not None:
                    parsed.messages.append(message)
            for item in value.get("statuses") or []:
                status = _status(item)
                if status is not None:
                    parsed.statuses.append(status)
    return parsed


def _base(to: str) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def _texts(text: str, to: str) -> list[dict]:
    chunks = [c for c in chunk_text(text, TEXT_LIMIT) if c]
    return [{**_base(to), "type": "text", "text": {"body": c}} for c in chunks]


def _action(buttons: list[Button]) -> dict:
    # Meta refuses a message whose button titles repeat, which cutting can cause.
    if len(buttons) <= MAX_REPLY_BUTTONS:
        titles = distinct_titles([b.title for b in buttons], BUTTON_TITLE_LIMIT)
        replies = [
            {"type": "reply", "reply": {"id": b.id, "title": title}}
            for b, title in zip(buttons, titles, strict=True)
        ]
        return {"buttons": replies}
    rows = []
    titles = distinct_titles([b.title for b in buttons], ROW_TITLE_LIMIT)
    for b, title in zip(buttons, titles, strict=True):
        row = {"id": b.id, "title": title}
        if row["title"] != b.title:
            row["description"] = truncate(b.title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    return {"button": LIST_LABEL, "sections": [{"rows": rows}]}


def _fits_interactive(message: OutboundMessage) -> bool:
    count = len(message.buttons)
    id_limit = BUTTON_ID_LIMIT if count <= MAX_REPLY_BUTTONS else ROW_ID_LIMIT
    return (
        0 < count <= MAX_LIST_ROWS
        and bool(message.text.strip())
        and all(b.id and len(b.id) <= id_limit and b.title.strip() for b in message.buttons)
    )


def render(message: OutboundMessage, to: str) -> list[dict]:
    """Cloud API payloads for a reply: reply buttons (≤3), a list (≤10), else numbered text."""
    if not message.buttons:
        return _texts(message.text, to)
    if not _fits_interactive(message):
        return _texts(as_numbered_text(message), to)
    whole = message.text.strip()
    body = chunk_text(whole, BODY_LIMIT)[-1]
    # The buttons belong with the end of the text, so earlier parts go first as plain text.
    head = whole[: len(whole) - len(body)].rstrip()
    interactive = {
        "type": "button" if len(message.buttons) <= MAX_REPLY_BUTTONS else "list",
        "body": {"text": body},
        "action": _action(message.buttons),
    }
    before = _texts(head, to) if head else []
    return [*before, {**_base(to), "type": "interactive", "interactive": interactive}]


def render_template(to: str, name: str, language: str, variables: list[str]) -> dict:
    """A template message (for outside the 24-hour window) with body text parameters."""
    template: dict = {"name": name, "language": {"code": language}}
    if variables:
        parameters = [{"type": "text", "text": v} for v in variables]
        template["components"] = [{"type": "body", "parameters": parameters}]
    return {**_base(to), "type": "template", "template": template}


class CloudSender:
    """Sends `render` payloads to the Graph API for one business phone number."""

    def __init__(
        self,
        access_token: str,
        phone_number_id: str,
        *,
        api_base: str = "https://graph.facebook.com/v21.0",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._url = f"{api_base.rstrip('/')}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def send(self, payload: dict) -> SendResult:
        """POST one message; raise SendError when the Graph API or the network refuses."""
        body = await post_json(self._client, self._url, json=payload, headers=self._headers)
        messages = body.get("messages") or [{}]
        return SendResult(provider_message_id=messages[0].get("id"))

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()
