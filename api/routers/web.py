"""The web chat endpoint and page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import ValidationError

from api.errors import ApiError, validation_details
from channels import web
from tools.resources import packaged

router = APIRouter(tags=["web"])
PAGE = packaged("api", "static", "index.html")
ICON = packaged("api", "static", "favicon.ico")


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    """The chat page."""
    return FileResponse(PAGE, media_type="text/html")


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    """The site icon, for browsers that ask for /favicon.ico whatever the page links."""
    return FileResponse(
        ICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.post("/v1/web/messages")
async def post_message(request: Request) -> dict:
    """Send a learner's message and get the tutor's replies."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send JSON with Content-Type: application/json (got {content_type or 'none'!r})",
        )
    raw = await request.body()
    limit = request.app.state.settings.max_message_chars
    max_bytes = max(65536, limit * 8)
    if len(raw) > max_bytes:
        raise ApiError(413, "payload_too_large", f"the body is over {max_bytes} bytes")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(
            422, "validation_error", [{"field": "body", "message": "expected a JSON object"}]
        )
    try:
        body = web.WebMessage.model_validate(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", validation_details(exc.errors())) from exc
    if len(body.text) > limit:
        raise ApiError(
            422,
            "validation_error",
            [
                {
                    "field": "text",
                    "message": f"text is {len(body.text)} characters; the limit is {limit}",
                }
            ],
        )
    runner = request.app.state.runner
    result = await runner.handle(web.parse(body)[0])
    return {
        "thread_id": result.thread_id,
        "batched": result.messages,
        "replies": [web.render(r) for r in result.replies],
    }
