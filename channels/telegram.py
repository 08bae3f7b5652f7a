"""Telegram bots: Update objects in, Bot API sendMessage out."""

from __future__ import annotations

import hmac
import html
import re
from datetime import UTC, datetime

import httpx

from channels.base import (
    InboundMessage,
    Media,
    OutboundMessage,
    ParsedWebhook,
    SendError,
    SendResult,
    WebhookError,
    as_numbered_text,
    chunk_text,
)
from channels.http import post_json

NAME = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TIMEOUT = 30.0

# Markers must hug a word on both sides, so "2 * 3 * 4" and snake_case stay as they are.
# Italic may not cross a tag, or bold-then-italic overlaps would produce mis-nested HTML.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n<>]+?)(?<=\S)_(?![\w_])")
_MEDIA_FIELDS = (
    ("voice", "audio"),
    ("audio", "audio"),
    ("video", "video"),
    ("video_note", "video"),
    ("document", "document"),
    ("sticker", "sticker"),
)


def verify(header_value: str | None, secret: str) -> bool:
    """Whether X-Telegram-Bot-Api-Secret-Token is the secret we set with setWebhook."""
    if not secret or header_value is None:
        return False
    return hmac.compare_digest(header_value.encode(), secret.encode())


def _display_name(user: dict) -> str | None:
    name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p).strip()
    return name or user.get("username") or None


def _media(message: dict) -> list[Media]:
    found = []
    photos = message.get("photo") or []
    if photos:
        largest = max(photos, key=lambda p: p.get("width", 0) * p.get("height", 0))
        found.append(Media(kind="image", media_id=largest.get("file_id"), content_type=None))
    for field, kind in _MEDIA_FIELDS:
        item = message.get(field)
        if item:
            found.append(
                Media(kind=kind, media_id=item.get("file_id"), content_type=item.get("mime_type"))
            )
    return found


def _from_message(update_id: str, message: dict) -> InboundMessage | None:
    user = message.get("from") or {}
    chat = message.get("chat") or {}
    if user.get("id") is None or chat.get("id") is None or user.get("is_bot"):
        return None
    text = message.get("text") or message.get("caption") or ""
    media = _media(message)
    if not text and not media:
        return None
    extra = {}
    if isinstance(message.get("date"), int):
        extra["received_at"] = datetime.fromtimestamp(message["date"], UTC)
    return InboundMessage(
        channel=NAME,
        sender=str(user["id"]),
        text=text,
        message_id=update_id,
        display_name=_display_name(user),
        media=media,
        reply_to=str(chat["id"]),
        **extra,
    )


def _from_callback(update_id: str, query: dict) -> InboundMessage | None:
    user = query.get("from") or {}
    if user.get("id") is None or query.get("data") is None:
        return None
    chat = (query.get("message") or {}).get("chat") or {}
    return InboundMessage(
        channel=NAME,
        sender=str(user["id"]),
        text=query["data"],
        message_id=update_id,
        display_name=_display_name(user),
        from_button=True,
        reply_to=str(chat["id"]) if chat.get("id") is not None else str(user["id"]),
    )


def parse(update: dict) -> ParsedWebhook:
    """The learner's message or button press in an Update (edits, channel posts are skipped)."""
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        raise WebhookError("update_id is missing")
    update_id = str(update["update_id"])
    message = None
    if isinstance(update.get("message"), dict):
        message = _from_message(update_id, update["message"])
    elif isinstance(update.get("callback_query"), dict):
        message = _from_callback(update_id, update["callback_query"])
    return ParsedWebhook(messages=[message] if message else [])


def callback_query_ids(update: dict) -> list[str]:
    """Ids of the button presses in an Update, to acknowledge with answerCallbackQuery."""
    query = update.get("callback_query") if isinstance(update, dict) else None
    if isinstance(query, dict) and query.get("id"):
        return [str(query["id"])]
    return []


def to_html(text: str) -> str:
    """WhatsApp-style *bold* and _italic_ as Telegram HTML, everything else escaped."""
    escaped = html.escape(text, quote=False)
    return _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", escaped))


def _keyboard_fits(message: OutboundMessage) -> bool:
    return bool(message.text.strip()) and all(
        b.id and len(b.id.encode()) <= CALLBACK_DATA_LIMIT and b.title.strip()
        for b in message.buttons
    )


def render(message: OutboundMessage, chat_id: str) -> list[dict]:
    """sendMessage payloads: HTML text in ≤4096 pieces, buttons as an inline keyboard."""
    keyboard = bool(message.buttons) and _keyboard_fits(message)
    text = message.text if keyboard or not message.buttons else as_numbered_text(message)
    # Telegram counts the limit after parsing entities, so chunking the source text is exact.
    chunks = [c for c in chunk_text(text, TEXT_LIMIT) if c]
    payloads = [{"chat_id": chat_id, "text": to_html(c), "parse_mode": "HTML"} for c in chunks]
    if keyboard and payloads:
        rows = [[{"text": b.title, "callback_data": b.id}] for b in message.buttons]
        payloads[-1]["reply_markup"] = {"inline_keyboard": rows}
    return payloads


class TelegramSender:
    """Sends `render` payloads through the Bot API."""

    def __init__(
        self,
        bot_token: str,
        *,
        api_base: str = "https://api.telegram.org",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._base = f"{api_base.rstrip('/')}/bot{bot_token}"
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)

    async def _call(self, method: str, payload: dict) -> object:
        body = await post_json(self._client, f"{self._base}/{method}", json=payload)
        if not body.get("ok"):
            raise SendError(
                f"Telegram {method} failed: {body.get('description', 'not ok')}",
                status=body.get("error_code"),
            )
        return body.get("result")

    async def send(self, payload: dict) -> SendResult:
        """Send one message; raise SendError when Telegram or the network refuses."""
        result = await self._call("sendMessage", payload)
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return SendResult(provider_message_id=str(message_id) if message_id is not None else None)

    async def answer_callback(self, callback_query_id: str) -> None:
        """Stop the pressed button's loading spinner."""
        await self._call("answerCallbackQuery", {"callback_query_id": callback_query_id})

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()
