from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from channels.base import SendError
from channels.http import post_json, redact

URL = "https://graph.example/v21.0/123/messages"


@pytest.fixture
async def client():
    async with httpx.AsyncClient() as c:
        yield c


async def _error(client, url=URL) -> SendError:
    with pytest.raises(SendError) as info:
        await post_json(client, url, json={"a": 1})
    return info.value


@respx.mock
async def test_returns_json_and_sends_body_headers_and_params(client):
    route = respx.post(URL).respond(200, json={"ok": True, "n": 2})
    body = await post_json(
        client, URL, json={"x": "ñ"}, headers={"Authorization": "Bearer t"}, params={"q": "1"}
    )
    assert body == {"ok": True, "n": 2}
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Bearer t"
    assert sent.url.params["q"] == "1"
    assert httpx.Response(200, content=sent.content).json() == {"x": "ñ"}


@respx.mock
async def test_429_with_retry_after_header_is_retryable(client):
    respx.post(URL).respond(429, headers={"Retry-After": "12"}, json={"error": {"message": "slow"}})
    error = await _error(client)
    assert (error.status, error.retry_after, error.retryable) == (429, 12.0, True)
    assert "slow" in str(error)


@respx.mock
async def test_retry_after_as_http_date(client):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    respx.post(URL).respond(503, headers={"Retry-After": later}, text="busy")
    error = await _error(client)
    assert error.status == 503 and error.retryable
    assert 20 <= error.retry_after <= 30


@respx.mock
async def test_5xx_without_retry_after(client):
    respx.post(URL).respond(500, text="oops")
    error = await _error(client)
    assert (error.status, error.retry_after, error.retryable) == (500, None, True)


@respx.mock
async def test_telegram_body_retry_after_is_used_without_header(client):
    body = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }
    respx.post(URL).respond(429, json=body)
    error = await _error(client)
    assert error.retry_after == 5.0
    assert "retry after 5" in str(error)


@respx.mock
async def test_other_4xx_is_not_retryable_and_carries_provider_message(client):
    respx.post(URL).respond(
        400, json={"error": {"message": "(#100) Invalid parameter", "code": 100}}
    )
    error = await _error(client)
    assert (error.status, error.retryable, error.retry_after) == (400, False, None)
    assert "(#100) Invalid parameter" in str(error)


@respx.mock
async def test_transport_error_is_retryable_without_status(client):
    respx.post(URL).mock(side_effect=httpx.ConnectError("refused"))
    error = await _error(client)
    assert (error.status, error.retryable) == (None, True)


@respx.mock
async def test_errors_never_show_a_bot_token(client):
    url = "https://api.telegram.org/bot123456:SECRET-token/sendMessage"
    respx.post(url).respond(400, json={"ok": False, "description": "Bad Request"})
    error = await _error(client, url)
    assert "SECRET-token" not in str(error)
    assert "/bot<token>/sendMessage" in str(error)


def test_redact_drops_query_string():
    assert redact("https://g/v21.0/me/messages?access_token=abc") == "https://g/v21.0/me/messages"


async def test_graph_rate_limits_sent_as_400_are_retryable():
    import httpx

    from channels.base import SendError
    from channels.http import post_json

    async def throttled(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"error": {"message": "(#131056) Pair rate limit hit", "code": 131056}}
        )

    async def invalid(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": "Invalid parameter", "code": 100}})

    for handler, retryable in ((throttled, True), (invalid, False)):
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            try:
                await post_json(client, "https://graph.test/v21.0/1/messages", json={})
            except SendError as exc:
                assert exc.status == 400 and exc.retryable is retryable
            else:
                raise AssertionError("a 400 must raise")
