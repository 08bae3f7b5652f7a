"""The admin API key that guards the content-team APIs (knowledge bases, content runs)."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ApiError


async def require_admin(request: Request) -> None:
    """Accept only `Authorization: Bearer <ADMIN_API_KEY>` (or `X-API-Key`)."""
    expected = request.app.state.settings.admin_api_key
    if not expected:
        raise ApiError(
            503, "admin_api_disabled", "set ADMIN_API_KEY to enable the knowledge and content APIs"
        )
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    given = token.strip() if scheme.lower() == "bearer" else request.headers.get("x-api-key", "")
    if not given:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <ADMIN_API_KEY>")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "forbidden", "the API key is not valid")
