"""JSON error bodies that name the problem, and the HTTP status of each kind of domain error."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tools.errors import Conflict, DomainError, Invalid, NotConfigured, NotFound, lookup

HTTP_STATUS: dict[type[DomainError], int] = {
    DomainError: 400,
    Invalid: 422,
    NotFound: 404,
    Conflict: 409,
    NotConfigured: 503,
}


class ApiError(Exception):
    """An HTTP-only error (auth, signatures, request shape) answered with its own status."""

    def __init__(self, status: int, code: str, detail: str | list) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def error_response(status: int, code: str, detail: str | list) -> JSONResponse:
    """The JSON response for an error."""
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


def http_status(error: DomainError) -> int:
    """The HTTP status for a domain error's kind."""
    return lookup(HTTP_STATUS, error)


def validation_details(errors: list[dict]) -> list[dict]:
    """Pydantic errors as [{"field": "text", "message": "..."}]."""
    return [
        {"field": ".".join(str(p) for p in e["loc"] if p != "body") or "body", "message": e["msg"]}
        for e in errors
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error with a JSON body naming it."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.detail)

    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(http_status(exc), exc.code, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "validation_error", validation_details(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))
