"""Signed provider requests and a running app wired to a fake provider, for channel tests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from contextlib import AsyncExitStack
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from api.app import create_app
from tools.db import session_scope
from tools.db.models import InboxMessage, OutboxMessage
from tools.settings import Settings

PUBLIC = "https://tutor.example.com"
TWILIO_SID, TWILIO_TOKEN = "AC" + "1" * 32, "twilio-auth-token"
TWILIO_FROM = "whatsapp:+14155238886"
META_SECRET, META_VERIFY = "meta-app-secret", "meta-verify-token"
TELEGRAM_TOKEN, TELEGRAM_SECRET = "123456:bot-token", "telegram-secret"
PHONE_ID = "106540352242922"


def channel_settings(database_url: str, fake_base: str, **overrides) -> Settings:
    """Settings with every channel configured against the fake provider."""
    values = dict(
        database_url=database_url,
        lingograph_model=None,
        public_base_url=PUBLIC,
        twilio_account_sid=TWILIO_SID,
        twilio_auth_token=TWILIO_TOKEN,
        twilio_whatsapp_from=TWILIO_FROM,
        twilio_api_base=fake_base,
        whatsapp_app_secret=META_SECRET,
        whatsapp_verify_token=META_VERIFY,
        whatsapp_access_token="wa-access-token",
        whatsapp_phone_number_id=PHONE_ID,
        whatsapp_api_base=f"{fake_base}/v21.0",
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_base=fake_base,
        messenger_app_secret=META_SECRET,
        messenger_verify_token=META_VERIFY,
        messenger_page_token="page-token",
        messenger_api_base=f"{fake_base}/v21.0",
        send_backoff_seconds=0.01,
        worker_stalled_seconds=3,
        checkpoint_prune_every=0,
    )
    return Settings(**{**values, **overrides})


def twilio_form(sid: str, phone: str, body: str = "", **extra: str) -> dict[str, str]:
    """An inbound Twilio WhatsApp webhook form, as Twilio posts it."""
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Ana",
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": phone.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": TWILIO_FROM,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": TWILIO_SID,
        "From": f"whatsapp:{phone}",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def twilio_signature(path: str, params: dict[str, str]) -> str:
    """X-Twilio-Signature, computed with the twilio SDK."""
    return RequestValidator(TWILIO_TOKEN).compute_signature(f"{PUBLIC}{path}", params)


def meta_signature(body: bytes) -> str:
    """X-Hub-Signature-256 for a Meta webhook body."""
    return "sha256=" + hmac.new(META_SECRET.encode(), body, hashlib.sha256).hexdigest()


def cloud_webhook(value: dict) -> dict:
    """A WhatsApp Cloud API webhook envelope around one change `value`."""
    metadata = {"display_phone_number": "15550000000", "phone_number_id": PHONE_ID}
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
                    }
                ],
            }
        ],
    }


def cloud_message(wamid: str, wa_id: str, message: dict) -> dict:
    """A WhatsApp Cloud API webhook with one message."""
    return cloud_webhook(
        {
            "contacts": [{"profile": {"name": "Ana"}, "wa_id": wa_id}],
            "messages": [
                {"from": wa_id, "id": wamid, "timestamp": str(int(time.time())), **message}
            ],
        }
    )


def telegram_message(update_id: int, user_id: int, text: str) -> dict:
    """A Telegram update with a private text message."""
    user = {"id": user_id, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": user_id, "first_name": "Ana", "type": "private"},
        },
    }


def messenger_message(mid: str, psid: str, message: dict) -> dict:
    """A Messenger webhook with one message event."""
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": "PAGE",
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": "PAGE"},
                        "timestamp": now,
                        "message": {"mid": mid, **message},
                    }
                ],
            }
        ],
    }


class ChannelApp:
    """The real app (lifespan and all) reached through httpx, with signed-request helpers."""

    def __init__(self, settings: Settings, chat_model=None) -> None:
        self.settings = settings
        self.chat_model = chat_model

    async def __aenter__(self) -> ChannelApp:
        self.app = create_app(self.settings, chat_model=self.chat_model)
        self.stack = AsyncExitStack()
        await self.stack.enter_async_context(self.app.router.lifespan_context(self.app))
        self.client = await self.stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=PUBLIC)
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stack.aclose()

    async def twilio(
        self,
        params: dict[str, str],
        *,
        signature: str | None = "sign",
        path: str = "/channels/twilio/whatsapp",
    ) -> httpx.Response:
        headers = {"content-type": "application/x-www-form-urlencoded"}
        if signature == "sign":
            signature = twilio_signature(path, params)
        if signature is not None:
            headers["x-twilio-signature"] = signature
        return await self.client.post(path, content=urlencode(params), headers=headers)

    async def meta(
        self, path: str, payload: dict, *, signature: str | None = "sign"
    ) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"content-type": "application/json"}
        if signature == "sign":
            signature = meta_signature(body)
        if signature is not None:
            headers["x-hub-signature-256"] = signature
        return await self.client.post(path, content=body, headers=headers)

    async def telegram(
        self, update: dict, *, secret: str | None = TELEGRAM_SECRET
    ) -> httpx.Response:
        headers = {} if secret is None else {"x-telegram-bot-api-secret-token": secret}
        return await self.client.post("/channels/telegram", json=update, headers=headers)

    async def settle(self) -> None:
        """Wait until every stored message is answered and every reply sent (or given up)."""
        deadline = time.monotonic() + 30
        while True:
            async with session_scope(self.settings.database_url) as session:
                open_in = await session.scalar(
                    select(func.count())
                    .select_from(InboxMessage)
                    .where(InboxMessage.status.in_(("received", "processing")))
                )
                open_out = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(("pending", "sending")))
                )
            if not open_in and not open_out:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{open_in} messages unanswered, {open_out} sends pending")
            await asyncio.sleep(0.05)
