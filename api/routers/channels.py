"""Provider webhooks: verify on the raw request, parse, store, answer at once."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from api.dispatch.channels import Channel
from api.errors import ApiError
from channels import messenger, meta, telegram, twilio_whatsapp, whatsapp_cloud
from channels.base import ParsedWebhook, WebhookError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/channels", tags=["channels"])
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
_background: set[asyncio.Task] = set()


def configured(request: Request, name: str) -> Channel:
    """The channel, or a 503 naming the settings it is missing."""
    channel: Channel = request.app.state.services.channels[name]
    if not channel.configured:
        raise ApiError(
            503,
            "channel_not_configured",
            f"the {name} channel is not configured: set {', '.join(channel.missing)}",
        )
    return channel


def public_url(request: Request) -> str:
    """The URL the provider signed: PUBLIC_BASE_URL + path (+ query)."""
    base = request.app.state.settings.public_base_url.rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base}{request.url.path}{query}"


async def form_params(request: Request) -> dict[str, str]:
    """The urlencoded form body as a dict (first value of each field)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ApiError(400, "invalid_body", "expected an application/x-www-form-urlencoded body")
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def json_body(raw: bytes) -> dict:
    """A JSON object body, or a 400 naming the problem."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "expected a JSON object")
    return data


def parsed(parse, payload) -> ParsedWebhook:
    """Run an adapter's parser, turning its complaint into a 400."""
    try:
        return parse(payload)
    except WebhookError as exc:
        raise ApiError(400, "malformed_payload", exc.reason) from exc


async def deliver(request: Request, webhook: ParsedWebhook) -> dict:
    """Store the messages (before answering) and apply delivery statuses."""
    dispatcher = request.app.state.services.dispatcher
    accepted = await dispatcher.accept(webhook.messages)
    matched = await dispatcher.record_statuses(webhook.statuses) if webhook.statuses else 0
    return {
        "stored": accepted.stored,
        "duplicates": accepted.duplicates,
        "rejected": accepted.rejected,
        "statuses": matched,
    }


def forbidden() -> ApiError:
    return ApiError(403, "invalid_signature", "the request signature is missing or wrong")


@router.post("/twilio/whatsapp")
async def twilio_inbound(request: Request) -> Response:
    """Twilio WhatsApp messages: empty TwiML at once, replies go through the REST API."""
    configured(request, twilio_whatsapp.NAME)
    settings = request.app.state.settings
    params = await form_params(request)
    signature = request.headers.get(twilio_whatsapp.SIGNATURE_HEADER)
    if not twilio_whatsapp.verify(
        public_url(request), params, signature, settings.twilio_auth_token
    ):
        raise forbidden()
    await deliver(request, parsed(twilio_whatsapp.parse, params))
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post("/twilio/status")
async def twilio_status(request: Request) -> Response:
    """Twilio delivery status callbacks."""
    configured(request, twilio_whatsapp.NAME)
    settings = request.app.state.settings
    params = await form_params(request)
    if not twilio_whatsapp.verify(
        public_url(request),
        params,
        request.headers.get(twilio_whatsapp.SIGNATURE_HEADER),
        settings.twilio_auth_token,
    ):
        raise forbidden()
    await deliver(request, parsed(twilio_whatsapp.parse_status, params))
    return Response(status_code=204)


def _handshake(request: Request, verify_token: str) -> PlainTextResponse:
    challenge = meta.verify_challenge(request.query_params, verify_token)
    if challenge is None:
        raise ApiError(403, "verification_failed", "hub.mode or hub.verify_token is wrong")
    return PlainTextResponse(challenge)


async def _meta_post(request: Request, secret: str, parse) -> JSONResponse:
    raw = await request.body()
    if not meta.verify_signature(raw, request.headers.get(meta.SIGNATURE_HEADER), secret):
        raise forbidden()
    return JSONResponse(await deliver(request, parsed(parse, json_body(raw))))


@router.get("/whatsapp")
async def whatsapp_verify(request: Request) -> PlainTextResponse:
    """The WhatsApp Cloud API webhook verification handshake."""
    configured(request, whatsapp_cloud.NAME)
    return _handshake(request, request.app.state.settings.whatsapp_verify_token)


@router.post("/whatsapp")
async def whatsapp_inbound(request: Request) -> JSONResponse:
    """WhatsApp Cloud API messages and statuses."""
    configured(request, whatsapp_cloud.NAME)
    return await _meta_post(
        request, request.app.state.settings.whatsapp_app_secret, whatsapp_cloud.parse
    )


@router.get("/messenger")
async def messenger_verify(request: Request) -> PlainTextResponse:
    """The Messenger webhook verification handshake."""
    configured(request, messenger.NAME)
    return _handshake(request, request.app.state.settings.messenger_verify_token)


@router.post("/messenger")
async def messenger_inbound(request: Request) -> JSONResponse:
    """Messenger messages, quick replies, postbacks and deliveries."""
    configured(request, messenger.NAME)
    return await _meta_post(
        request, request.app.state.settings.messenger_app_secret, messenger.parse
    )


@router.post("/telegram")
async def telegram_inbound(request: Request) -> JSONResponse:
    """Telegram updates (messages and inline-keyboard presses)."""
    channel = configured(request, telegram.NAME)
    secret = request.app.state.settings.telegram_webhook_secret
    if not telegram.verify(request.headers.get(telegram.SECRET_HEADER), secret):
        raise forbidden()
    update = json_body(await request.body())
    result = await deliver(request, parsed(telegram.parse, update))
    for callback_id in telegram.callback_query_ids(update):
        task = asyncio.create_task(_answer_callback(channel, callback_id))
        _background.add(task)
        task.add_done_callback(_background.discard)
    return JSONResponse(result)


async def _answer_callback(channel: Channel, callback_id: str) -> None:
    # Stops the button's spinner in the Telegram app; the reply itself comes as a message.
    try:
        await channel.sender.answer_callback(callback_id)
    except Exception:
        log.warning("answering Telegram callback %s failed", callback_id, exc_info=True)
