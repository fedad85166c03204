"""The limit on a request body's size, enforced while the body arrives.

A body declared larger than the limit (``Content-Length``) is refused before it is read; a
body sent without a length, or longer than it said, is cut off as soon as it passes the
limit. Either way the answer is 413 with the usual error body, and nothing was stored: the
route fails while reading its input, before any work.

A few paths may take larger bodies (importing years of history: ``/api/v1/import``); each
has a limit of its own, given to the middleware by path.
"""

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeep.http.errors import error_body


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once the body passes the limit; the error handlers answer it."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_bytes} bytes")


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() else None


class BodyLimit:
    """ASGI middleware: request bodies of at most ``max_bytes``, or of the limit
    ``per_path`` gives the request's exact path."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, per_path: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.per_path.get(scope["path"], self.max_bytes)
        too_large = BodyTooLarge(max_bytes)
        declared = _declared_length(scope)
        if declared is not None and declared > max_bytes:
            await self._refuse(too_large, scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise too_large
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(too_large, scope, receive, send)

    @staticmethod
    async def _refuse(error: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(error_body("too_large", error.detail), status_code=413)
        await response(scope, receive, send)
