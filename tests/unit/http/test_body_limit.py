"""The body limit holds whether the client declares the length, leaves it out, or lies."""

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from watchkeep.http.bodylimit import BodyLimit

LIMIT = 100


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await JSONResponse({"received": len(body)})(scope, receive, send)


def call(
    chunks: list[bytes], headers: list[tuple[bytes, bytes]], path: str = "/"
) -> tuple[int, Any]:
    """Send ``chunks`` as one request through the limit; the status and JSON answered."""
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    limit = BodyLimit(echo_length, max_bytes=LIMIT, per_path={"/import": 10 * LIMIT})
    asyncio.run(limit(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)


def test_a_body_within_the_limit_passes() -> None:
    assert call([b"x" * LIMIT], [(b"content-length", str(LIMIT).encode())]) == (
        200,
        {"received": LIMIT},
    )


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    status, body = call([b"x"], [(b"content-length", b"1000000")])
    assert status == 413
    assert body["error"]["code"] == "too_large"


def test_a_body_without_a_length_is_cut_off_at_the_limit() -> None:
    status, body = call([b"x" * 60, b"x" * 60], [])
    assert status == 413
    assert body["error"]["code"] == "too_large"


def test_a_body_longer_than_it_declared_is_cut_off_at_the_limit() -> None:
    status, _ = call([b"x" * 60, b"x" * 60], [(b"content-length", b"10")])
    assert status == 413


def test_a_path_may_have_a_larger_limit_of_its_own() -> None:
    large = [b"x" * (5 * LIMIT)]
    assert call(large, [], path="/import") == (200, {"received": 5 * LIMIT})
    assert call(large, [], path="/elsewhere")[0] == 413
    assert call([b"x" * (11 * LIMIT)], [], path="/import")[1]["error"]["message"] == (
        f"the request body is larger than {10 * LIMIT} bytes"
    )
