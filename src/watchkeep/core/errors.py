"""Domain errors. One handler maps them to HTTP (JSON for the API, a page for the web UI)."""

from collections.abc import Iterable
from typing import Any, ClassVar


class DomainError(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(DomainError):
    status_code = 422
    code = "invalid"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, current: str, target: str, allowed: Iterable[str]) -> None:
        allowed_list = sorted(allowed)
        super().__init__(
            f"cannot move from {current} to {target}; allowed next: "
            + (", ".join(allowed_list) or "none"),
            current=current,
            target=target,
            allowed=allowed_list,
        )
