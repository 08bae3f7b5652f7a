"""A fake Twilio / WhatsApp Cloud / Telegram / Messenger API on 127.0.0.1, for sender tests."""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import httpx

_TWILIO = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
_MESSENGER = re.compile(r"^/v[\d.]+/me/messages$")
_CLOUD = re.compile(r"^/v[\d.]+/(?P<phone_id>[^/]+)/messages$")
_TELEGRAM = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>sendMessage|answerCallbackQuery)$")
_REASONS = {400: "Bad Request", 401: "Unauthorized", 429: "Too Many Requests"}


@dataclass
class Recorded:
    """One request the fake received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: httpx.Headers
    body: bytes
    json: dict | None
    form: dict[str, str] | None
    status: int = 0
    response: dict | None = None
    at: float = 0.0  # time.monotonic() when the request arrived


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None


class FakeProvider:
    """Serves the four providers' send endpoints; records requests; fails on demand."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.listeners: list = []  # called with each Recorded, from the server's thread
        self._lock = threading.Lock()
        self._failure: _Failure | None = None
        self._telegram_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT of the running server."""
        if self._server is None:
            raise RuntimeError("FakeProvider is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeProvider:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, count: int, status: int = 500, retry_after: int | None = None) -> None:
        """Make the next `count` provider API calls fail with `status`."""
        with self._lock:
            self._failure = _Failure(count, status, retry_after)

    def sent(self, path_contains: str | None = None) -> list[Recorded]:
        """The provider API calls answered with success, optionally only paths containing text."""
        with self._lock:
            return [
                r
                for r in self.requests
                if 200 <= r.status < 300 and (path_contains is None or path_contains in r.path)
            ]

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            if self._failure is None or self._failure.remaining <= 0:
                return None
            self._failure.remaining -= 1
            return _Failure(1, self._failure.status, self._failure.retry_after)

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)
            listeners = list(self.listeners)
        for listener in listeners:
            listener(request)

    def answer(self, request: Recorded) -> tuple[int, dict, dict[str, str]]:
        """(status, JSON body, extra headers) for one request, as the real API would answer."""
        path = request.path
        if request.method != "POST":
            return 405, {"error": "method not allowed"}, {}
        routes = (
            (_TWILIO, "twilio", self._twilio),
            (_MESSENGER, "graph", self._messenger),
            (_CLOUD, "graph", self._cloud),
            (_TELEGRAM, "telegram", self._telegram),
        )
        for pattern, family, handler in routes:
            match = pattern.match(path)
            if match is None:
                continue
            failure = self._take_failure()
            if failure is not None:
                return _failure(family, failure)
            return handler(request, **match.groupdict())
        return 404, {"error": f"no route for {path}"}, {}

    def _twilio(self, request: Recorded, sid: str) -> tuple[int, dict, dict[str, str]]:
        if _basic_user(request.headers.get("Authorization")) != sid:
            return _twilio_error(401, 20003, "Authenticate")
        form = request.form or {}
        if not form.get("To"):
            return _twilio_error(400, 21604, "A 'To' phone number is required.")
        if not (form.get("Body") or form.get("ContentSid") or form.get("MediaUrl")):
            return _twilio_error(400, 21602, "Message body is required.")
        message_sid = "SM" + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC))
        uri = f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}"
        return (
            201,
            {
                "account_sid": sid,
                "api_version": "2010-04-01",
                "body": form.get("Body", ""),
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": form.get("From"),
                "messaging_service_sid": None,
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": message_sid,
                "status": "queued",
                "subresource_uris": {"media": f"{uri}/Media.json"},
                "to": form["To"],
                "uri": f"{uri}.json",
            },
            {},
        )

    def _cloud(self, request: Recorded, phone_id: str) -> tuple[int, dict, dict[str, str]]:
        if not (request.headers.get("Authorization") or "").startswith("Bearer "):
            return _graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        body = request.json or {}
        if body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return _graph_error(400, 100, "(#100) Invalid parameter")
        wa_id = str(body["to"]).lstrip("+")
        return (
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": wa_id}],
                "messages": [{"id": "wamid." + secrets.token_urlsafe(24)}],
            },
            {},
        )

    def _messenger(self, request: Recorded) -> tuple[int, dict, dict[str, str]]:
        if not request.query.get("access_token"):
            return _graph_error(400, 104, "An access token is required to request this resource.")
        body = request.json or {}
        recipient = (body.get("recipient") or {}).get("id")
        if not recipient or not body.get("message"):
            return _graph_error(400, 100, "(#100) The parameter recipient is required")
        return 200, {"recipient_id": recipient, "message_id": "m_" + secrets.token_urlsafe(24)}, {}

    def _telegram(
        self, request: Recorded, token: str, method: str
    ) -> tuple[int, dict, dict[str, str]]:
        body = request.json or {}
        if method == "answerCallbackQuery":
            if not body.get("callback_query_id"):
                return _telegram_error(400, "Bad Request: query is too old or query ID is invalid")
            return 200, {"ok": True, "result": True}, {}
        if not body.get("chat_id"):
            return _telegram_error(400, "Bad Request: chat not found")
        if not body.get("text"):
            return _telegram_error(400, "Bad Request: message text is empty")
        chat_id = body["chat_id"]
        chat_id = int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        result = {
            "message_id": next(self._telegram_ids),
            "from": {"id": bot_id, "is_bot": True, "first_name": "Lingograph"},
            "chat": {"id": chat_id, "type": "private"},
            "date": int(time.time()),
            "text": body["text"],
        }
        return 200, {"ok": True, "result": result}, {}


def _basic_user(header: str | None) -> str | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        return base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except ValueError:
        return None


def _retry_header(retry_after: int | None) -> dict[str, str]:
    return {} if retry_after is None else {"Retry-After": str(retry_after)}


def _twilio_error(status: int, code: int, message: str, headers: dict | None = None) -> tuple:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, body, headers or {}


def _graph_error(status: int, code: int, message: str, headers: dict | None = None) -> tuple:
    error = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": secrets.token_urlsafe(12),
    }
    return status, {"error": error}, headers or {}


def _telegram_error(status: int, description: str, retry_after: int | None = None) -> tuple:
    body: dict = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, body, {}


def _failure(family: str, failure: _Failure) -> tuple[int, dict, dict[str, str]]:
    status, retry_after = failure.status, failure.retry_after
    reason = _REASONS.get(status, "Internal Server Error" if status >= 500 else "Error")
    if family == "twilio":
        code = {429: 20429, 400: 21211}.get(status, 20500)
        return _twilio_error(status, code, reason, _retry_header(retry_after))
    if family == "telegram":
        # Telegram puts the wait in the body only, as the real Bot API does.
        suffix = f": retry after {retry_after}" if retry_after is not None else ""
        return _telegram_error(status, f"{reason}{suffix}", retry_after)
    code = {429: 130429, 400: 100}.get(status, 1)
    return _graph_error(status, code, f"(#{code}) {reason}", _retry_header(retry_after))


def _handler_for(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            parsed_json, form = None, None
            if content_type == "application/json" and raw:
                parsed_json = json.loads(raw)
            elif content_type == "application/x-www-form-urlencoded":
                form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
            request = Recorded(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers=httpx.Headers(list(self.headers.items())),
                body=raw,
                json=parsed_json,
                form=form,
                at=time.monotonic(),
            )
            status, body, headers = fake.answer(request)
            request.status, request.response = status, body
            fake._record(request)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_GET = _handle  # noqa: N815 (http.server's naming)

        def log_message(self, *args) -> None:
            pass

    return Handler
