"""The error answers in the OpenAPI document: every operation lists each 4xx it can give,
each with the one error body (``ErrorBody``), so a client (or a fuzzer) knows them all.

Which errors an operation can give follows from the route itself: one that needs a caller
can answer 401 and 403; one with path parameters or a body can name something missing
(404); one that changes something can conflict with the current state (409); one with a
body can be too large (413) or unreadable (400); any can be refused as invalid (422), as
every request's text is checked (``http/inputs.py``).
"""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field

from watchkeep.http.deps import current_actor

ERROR_SCHEMA_REF = {"$ref": "#/components/schemas/ErrorBody"}
DESCRIPTIONS = {
    400: "The body or a window could not be read",
    401: "No valid API token or session",
    403: "The caller's role or the CSRF token does not allow this",
    404: "No such resource, or one the caller may not see",
    409: "The resource's current state does not allow this",
    413: "The request body is larger than the limit",
    422: "A parameter or a field of the body is invalid",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable and machine-readable: not_found, invalid, …")
    message: str = Field(description="What is wrong, for people")
    details: dict[str, Any] = Field(
        description="More about it; ``field`` names the field the error is about"
    )


class ErrorBody(BaseModel):
    """Every error answer's body."""

    error: ErrorDetail


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependencies(sub)


def errors_of(dependant: Dependant, method: str) -> list[int]:
    """The error statuses ``method`` on the route of ``dependant`` can answer."""
    has_body = dependant.body_params and method not in SAFE_METHODS
    statuses = {422}
    if any(d.call is current_actor for d in _dependencies(dependant)):
        statuses |= {401, 403}
    if dependant.path_params or has_body:
        statuses.add(404)
    if method not in SAFE_METHODS:
        statuses.add(409)
    if has_body:
        statuses |= {400, 413}
    if dependant.query_params:
        statuses.add(400)
    return sorted(statuses)


def _error_response(status: int, current: dict[str, Any] | None) -> dict[str, Any]:
    description = (current or {}).get("description") or DESCRIPTIONS[status]
    if description == "Validation Error":  # FastAPI's own, whose body is not ours
        description = DESCRIPTIONS[status]
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_SCHEMA_REF}},
    }


def add_errors(app: FastAPI, schema: dict[str, Any]) -> None:
    """Add the error answers of ``app``'s routes to its generated OpenAPI ``schema``."""
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in errors_of(route.dependant, method):
                responses[str(status)] = _error_response(status, responses.get(str(status)))
    _refuse_nul(schema)  # before the error body, whose message may quote what was sent
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definitions = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(definitions.pop("$defs", {}))
    components["ErrorBody"] = definitions
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


NO_NUL = "^[^\\x00]*$"


def _refuse_nul(node: Any) -> None:
    """Say in every free-text string's schema that it holds no NUL (``http/inputs.py``)."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not node.keys() & {"pattern", "format", "enum"}:
            node["pattern"] = NO_NUL
        for value in node.values():
            _refuse_nul(value)
    elif isinstance(node, list):
        for item in node:
            _refuse_nul(item)


class FastAPIWithErrors(FastAPI):
    """A FastAPI app whose OpenAPI document lists every operation's error answers."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema:
            return self.openapi_schema
        schema = super().openapi()  # kept by FastAPI as self.openapi_schema
        add_errors(self, schema)
        return schema
