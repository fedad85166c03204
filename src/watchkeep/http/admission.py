"""How many requests one process works on at once; the others wait their turn.

Routes are plain functions run in a thread pool, and Python runs one thread at a time. With
many requests in progress their threads take turns on the interpreter lock, and each also
waits for the event loop between its steps: every request slows down, the slowest most.
Working on a few at once and queueing the rest (first come, first served) gives more
requests per second and a shorter tail, and a process's database connections stay in use
by requests that are moving. The wait happens before any work, so a request that waits
holds nothing: no thread, no connection, no lock.

Reads (GET, HEAD, OPTIONS) and writes take turns separately: writers may wait for a lock
(SQLite has one for the whole database), and a read must not queue behind them.

Health checks and static files pass without waiting: a busy process still tells a load
balancer that it is alive, and assets cost next to nothing.

A **lane** is a path prefix with turns of its own: requests that wait for something other
than a thread (the senders' endpoints wait for a group commit, holding no thread and no
connection) get room for many at once, and neither wait behind the others nor make them
wait.
"""

import asyncio
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT = ("/healthz", "/readyz", "/static/", "/favicon.ico")
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class Admission:
    """ASGI middleware: at most ``limit`` reads and ``limit`` writes in progress at once, and
    at most ``lanes[prefix]`` requests of each lane."""

    def __init__(self, app: ASGIApp, limit: int, lanes: Mapping[str, int] | None = None) -> None:
        if limit < 1 or any(n < 1 for n in (lanes or {}).values()):
            raise ValueError("the request limit must be at least 1")
        self.app = app
        self.limit = limit
        self.lanes = dict(lanes or {})
        self._turns: dict[str | bool, asyncio.Semaphore] = {}  # made on the server's loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        lane = next((prefix for prefix in self.lanes if path.startswith(prefix)), None)
        key: str | bool = lane if lane is not None else scope["method"] in READS
        turns = self._turns.get(key)
        if turns is None:
            size = self.lanes[lane] if lane is not None else self.limit
            turns = self._turns[key] = asyncio.Semaphore(size)
        async with turns:
            await self.app(scope, receive, send)
