"""One JSON POST to a provider, with its failures turned into SendError."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from channels.base import SendError

# Telegram puts the bot token in the path; it must never reach logs or error messages.
_BOT_TOKEN = re.compile(r"/bot[^/]+")


def redact(url: str) -> str:
    """The URL without its query string or a Telegram bot token."""
    return _BOT_TOKEN.sub("/bot<token>", url.split("?", 1)[0])


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_text(response: httpx.Response) -> str:
    """The provider's own error message from a failed response."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            code = error.get("code")
            return f"{error['message']} (code {code})" if code is not None else error["message"]
        for key in ("description", "message", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
    return response.text[:300]


def _body_retry_after(response: httpx.Response) -> float | None:
    # Telegram reports the wait in the body (parameters.retry_after), not in a header.
    try:
        body = response.json()
    except ValueError:
        return None
    parameters = body.get("parameters") if isinstance(body, dict) else None
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, int | float) else None


# Graph API rate limits arrive as HTTP 400 with these error codes; they pass with time.
GRAPH_THROTTLING_CODES = frozenset({4, 17, 32, 613, 80007, 130429, 131048, 131056})


def _graph_throttled(response: httpx.Response) -> bool:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return False
    return isinstance(error, dict) and error.get("code") in GRAPH_THROTTLING_CODES


async def post_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    json: dict,
    headers: dict | None = None,
    params: dict | None = None,
) -> dict:
    """POST `json` and return the provider's JSON answer, or raise SendError."""
    where = redact(url)
    try:
        response = await client.post(url, json=json, headers=headers, params=params)
    except httpx.TransportError as exc:
        raise SendError(f"POST {where} failed: {type(exc).__name__}: {exc}") from exc
    status = response.status_code
    if status == 429 or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retry_after is None:
            retry_after = _body_retry_after(response)
        raise SendError(
            f"POST {where} answered {status}: {error_text(response)}",
            status=status,
            retry_after=retry_after,
        )
    if status >= 300:
        raise SendError(
            f"POST {where} answered {status}: {error_text(response)}",
            status=status,
            throttled=_graph_throttled(response),
        )
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError as exc:
        raise SendError(
            f"POST {where} answered {status} with a non-JSON body", status=status
        ) from exc
    if not isinstance(body, dict):
        raise SendError(f"POST {where} answered {status} with a non-object body", status=status)
    return body
