"""Facebook Messenger: page webhooks in, the Send API out."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from channels.base import (
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
)
from channels.http import post_json
from channels.meta import webhook_entries

NAME = "messenger"
TEXT_LIMIT = 2000
MAX_QUICK_REPLIES = 13
QUICK_REPLY_TITLE_LIMIT = 20
QUICK_REPLY_PAYLOAD_LIMIT = 1000
TIMEOUT = 30.0

_ATTACHMENT_KINDS = {"audio": "audio", "image": "image", "video": "video", "file": "document"}


def _received_at(timestamp: object) -> dict:
    if not isinstance(timestamp, int):
        return {}
    return {"received_at": datetime.fromtimestamp(timestamp / 1000, UTC)}


def _sender(event: dict) -> str:
    sender = (event.get("sender") or {}).get("id")
    if not sender:
        raise WebhookError("sender.id is missing")
    return str(sender)


def _media(message: dict) -> list[Media]:
    found = []
    for attachment in message.get("attachments") or []:
        kind = _ATTACHMENT_KINDS.get((attachment or {}).get("type"))
        url = ((attachment or {}).get("payload") or {}).get("url")
        if kind and url:
            found.append(Media(kind=kind, url=url))
    return found


def _from_message(event: dict) -> InboundMessage | None:
    message = event["message"]
    if message.get("is_echo"):
        return None
    quick_reply = (message.get("quick_reply") or {}).get("payload")
    text = quick_reply or message.get("text") or ""
    media = _media(message)
    if not text and not media:
        return None
    if not message.get("mid"):
        raise WebhookError("message.mid is missing")
    return InboundMessage(
        channel=NAME,
        sender=_sender(event),
        text=text,
        message_id=message["mid"],
        media=media,
        from_button=bool(quick_reply),
        **_received_at(event.get("timestamp")),
    )


def _from_postback(event: dict) -> InboundMessage | None:
    postback = event["postback"]
    if postback.get("payload") is None:
        return None
    sender = _sender(event)
    return InboundMessage(
        channel=NAME,
        sender=sender,
        text=postback["payload"],
        message_id=postback.get("mid") or f"postback:{sender}:{event.get('timestamp')}",
        from_button=True,
        **_received_at(event.get("timestamp")),
    )


def parse(body: dict) -> ParsedWebhook:
    """The learners' messages, button presses and deliveries in a page webhook body."""
    parsed = ParsedWebhook()
    for entry in webhook_entries(body, "page"):
        for event in (entry or {}).get("messaging") or []:
            message = None
            if isinstance(event.get("message"), dict):
                message = _from_message(event)
            elif isinstance(event.get("postback"), dict):
                message = _from_postback(event)
            elif isinstance(event.get("delivery"), dict):
                parsed.statuses.extend(
                    StatusUpdate(channel=NAME, provider_message_id=mid, status="delivered")
                    for mid in event["delivery"].get("mids") or []
                )
            if message is not None:
                parsed.messages.append(message)
    return parsed


def _quick_replies_fit(message: OutboundMessage) -> bool:
    return (
        0 < len(message.buttons) <= MAX_QUICK_REPLIES
        and bool(message.text.strip())
        and all(
            b.id and len(b.id) <= QUICK_REPLY_PAYLOAD_LIMIT and b.title.strip()
            for b in message.buttons
        )
    )


def render(message: OutboundMessage, psid: str) -> list[dict]:
    """Send API bodies: text in ≤2000 pieces, buttons as quick replies on the last one."""
    quick = _quick_replies_fit(message)
    text = message.text if quick or not message.buttons else as_numbered_text(message)
    chunks = [c for c in chunk_text(text, TEXT_LIMIT) if c]
    bodies = [
        {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": c}}
        for c in chunks
    ]
    if quick and bodies:
        titles = distinct_titles([b.title for b in message.buttons], QUICK_REPLY_TITLE_LIMIT)
        bodies[-1]["message"]["quick_replies"] = [
            {"content_type": "text", "title": title, "payload": b.id}
            for b, title in zip(message.buttons, titles, strict=True)
        ]
    return bodies


class MessengerSender:
    """Sends `render` bodies through the Send API as one page."""

    def __init__(
        self,
        page_token: str,
        *,
        api_base: str = "https://graph.facebook.com/v21.0",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._url = f"{api_base.rstrip('/')}/me/messages"
        self._params = {"access_token": page_token}
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def send(self, payload: dict) -> SendResult:
        """POST one message; raise SendError when the Send API or the network refuses."""
        body = await post_json(self._client, self._url, json=payload, params=self._params)
        return SendResult(provider_message_id=body.get("message_id"))

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()
