"""One mapping from errors to HTTP: ``{"error": {code, message, details}}`` for the API,
an error page for the web UI.

A database that cannot answer (down, unreachable, too slow, or its locks too busy) is a
503 ``unavailable`` with ``Retry-After``: the request stored nothing and may be repeated.
"""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from watchkeep.core.errors import DomainError

log = logging.getLogger(__name__)

# The errors that mean "the database cannot answer now", not "this request is wrong".
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 5


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi")) or "html" not in request.headers.get(
        "accept", ""
    )


# An internal field name at the start of a message, or of one of several joined by "; ".
_FIELD_NAME = re.compile(r"(?:^|(?<=; ))([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b")


def for_people(message: str) -> str:
    """``message`` with field names as words, for a page: "fix_link must be …" reads
    "fix link must be …" (the API keeps the names, which clients match on)."""
    return _FIELD_NAME.sub(lambda m: m[1].removesuffix("_id").replace("_", " "), message)


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))


def _field_of(details: dict[str, Any]) -> str | None:
    """The form field an error is about: a domain error's ``field``, or the first field
    request validation rejected."""
    field = details.get("field")
    if isinstance(field, str):
        return field
    for error in details.get("errors", ()):
        names = [p for p in error.get("loc", ()) if isinstance(p, str)]
        names = [p for p in names if p not in ("body", "query", "path", "form")]
        if names:
            return names[-1]
    return None


def _allowed_methods(request: Request) -> str:
    """Every method of the path the request matched (the router names only one route's:
    ``GET /items`` and ``POST /items`` are two routes)."""
    path = request.scope["path"]
    routes = [r for r in iter_route_contexts(request.app.routes) if r.path_format]
    matched = next(
        (r.path_format for r in routes if (p := getattr(r, "path_regex", None)) and p.match(path)),
        None,
    )
    methods = {m for r in routes if r.path_format == matched for m in r.methods or ()}
    return ", ".join(sorted(methods))


def install(app: FastAPI, render_page: Any) -> None:
    """Register the handlers; ``render_page(request, status, title, message, field)`` draws
    HTML (``field``: the form field the error is about, if one is)."""

    def respond(
        request: Request, status: int, code: str, message: str, details: dict[str, Any]
    ) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(code, message, details), status_code=status)
        response: Response = render_page(
            request, status, code.replace("_", " "), for_people(message), _field_of(details)
        )
        return response

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return respond(request, exc.status_code, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [_describe(e) for e in exc.errors()]
        return respond(
            request,
            422,
            "invalid",
            "; ".join(problems),
            {
                "errors": [
                    {"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()
                ]
            },
        )

    async def unavailable(request: Request, exc: Exception) -> Response:
        if "readonly database" in str(exc):
            raise exc  # a GET that writes is a defect, not an outage
        log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
        response = respond(
            request,
            503,
            "unavailable",
            "the database is unavailable; nothing was stored, try again shortly",
            {},
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, unavailable)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI could not read the body
            return respond(request, 422, "invalid", "the body must be JSON in UTF-8", {})
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        response = respond(request, exc.status_code, code, str(exc.detail), {})
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(request)
        return response
