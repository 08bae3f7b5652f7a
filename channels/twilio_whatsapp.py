"""WhatsApp through Twilio: form-encoded webhooks in, the Messages API (via the SDK) out."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from channels.base import (
    InboundMessage,
    Media,
    OutboundMessage,
    ParsedWebhook,
    SendError,
    SendResult,
    StatusUpdate,
    WebhookError,
    as_numbered_text,
    chunk_text,
)
from channels.http import retry_after_seconds

NAME = "twilio"
TEXT_LIMIT = 1600
TIMEOUT = 30.0
SIGNATURE_HEADER = "X-Twilio-Signature"

_PREFIX = "whatsapp:"
_STATUSES = {"queued", "sent", "delivered", "read", "failed", "undelivered"}
# Also matches regional and edge hosts (api.dublin.ie1.twilio.com) that TWILIO_EDGE/REGION pick.
_TWILIO_API = re.compile(r"^https://api(\.[a-z0-9-]+)*\.twilio\.com")


def verify(url: str, params: Mapping[str, str], signature: str | None, auth_token: str) -> bool:
    """Whether X-Twilio-Signature signs this URL and these form fields with our auth token."""
    if not signature or not auth_token:
        return False
    return RequestValidator(auth_token).validate(url, params, signature)


def _address(value: str) -> str:
    return value if value.startswith(_PREFIX) else f"{_PREFIX}{value}"


def _media_kind(content_type: str) -> str:
    major = content_type.split("/", 1)[0].lower()
    return major if major in ("audio", "image", "video") else "document"


def _required(params: Mapping[str, str], field: str) -> str:
    value = params.get(field)
    if not value:
        raise WebhookError(f"{field} is missing")
    return value


def parse(params: Mapping[str, str]) -> ParsedWebhook:
    """The learner's message in an inbound WhatsApp webhook's form fields."""
    message_id = _required(params, "MessageSid")
    sender = _required(params, "From").removeprefix(_PREFIX)
    try:
        count = int(params.get("NumMedia") or 0)
    except ValueError as exc:
        raise WebhookError("NumMedia is not a number") from exc
    media = []
    for i in range(count):
        url = params.get(f"MediaUrl{i}")
        if not url:
            continue
        content_type = params.get(f"MediaContentType{i}") or ""
        media.append(
            Media(kind=_media_kind(content_type), url=url, content_type=content_type or None)
        )
    payload = params.get("ButtonPayload")
    message = InboundMessage(
        channel=NAME,
        sender=sender,
        text=payload if payload else params.get("Body") or "",
        message_id=message_id,
        display_name=params.get("ProfileName") or None,
        media=media,
        from_button=bool(payload),
    )
    return ParsedWebhook(messages=[message])


def parse_status(params: Mapping[str, str]) -> ParsedWebhook:
    """The delivery report in a status callback's form fields (other states are skipped)."""
    message_id = _required(params, "MessageSid")
    status = _required(params, "MessageStatus")
    if status not in _STATUSES:
        return ParsedWebhook()
    code, text = params.get("ErrorCode"), params.get("ErrorMessage")
    error = ": ".join(part for part in (code, text) if part) or None
    update = StatusUpdate(channel=NAME, provider_message_id=message_id, status=status, error=error)
    return ParsedWebhook(statuses=[update])


def render(message: OutboundMessage, to: str, from_: str) -> list[dict]:
    """`client.messages.create` kwargs for a reply: buttons as a numbered list, long text split."""
    chunks = [c for c in chunk_text(as_numbered_text(message), TEXT_LIMIT) if c]
    return [{"to": _address(to), "from_": _address(from_), "body": c} for c in chunks]


def render_template(to: str, from_: str, content_sid: str, variables: dict[str, str]) -> dict:
    """`client.messages.create` kwargs for an approved Content template."""
    return {
        "to": _address(to),
        "from_": _address(from_),
        "content_sid": content_sid,
        "content_variables": json.dumps(variables, ensure_ascii=False),
    }


class _RebasedHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, pointed at `api_base`, without retries, remembering Retry-After."""

    def __init__(self, api_base: str) -> None:
        super().__init__(timeout=TIMEOUT, max_retries=0)
        # Our own retry logic decides; requests must not retry behind it.
        self.session.mount("http://", HTTPAdapter(max_retries=0))
        self.session.mount("https://", HTTPAdapter(max_retries=0))
        self.api_base = api_base.rstrip("/")
        self._last = threading.local()

    def request(self, method: str, url: str, *args, **kwargs) -> Response:
        """Send one request, to `api_base` instead of Twilio's host."""
        url = _TWILIO_API.sub(lambda _: self.api_base, url, count=1)
        self._last.headers = {}
        response = super().request(method, url, *args, **kwargs)
        self._last.headers = response.headers or {}
        return response

    def last_retry_after(self) -> float | None:
        """Retry-After of the last response on this thread."""
        return retry_after_seconds(getattr(self._last, "headers", {}).get("Retry-After"))


class TwilioSender:
    """Sends `render` payloads with the Twilio SDK, off the event loop."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        api_base: str = "https://api.twilio.com",
        status_callback: str | None = None,
    ) -> None:
        self._http = _RebasedHttpClient(api_base)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._status_callback = status_callback

    async def send(self, payload: dict) -> SendResult:
        """Create one message; raise SendError when Twilio or the network refuses."""
        if self._status_callback:
            payload = {**payload, "status_callback": self._status_callback}
        return await asyncio.to_thread(self._send, payload)

    def _send(self, payload: dict) -> SendResult:
        try:
            message = self._client.messages.create(**payload)
        except (TwilioRestException, TwilioServiceException) as exc:
            detail = getattr(exc, "msg", None) or getattr(exc, "title", "")
            code = getattr(exc, "code", None)
            raise SendError(
                f"Twilio answered {exc.status}: {detail} (code {code})",
                status=exc.status,
                retry_after=self._http.last_retry_after(),
            ) from exc
        except requests.RequestException as exc:
            raise SendError(f"Twilio request failed: {type(exc).__name__}: {exc}") from exc
        return SendResult(provider_message_id=message.sid)

    async def aclose(self) -> None:
        """Close the pooled HTTP connections."""
        if self._http.session is not None:
            await asyncio.to_thread(self._http.session.close)
