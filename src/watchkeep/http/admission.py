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
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT = ("/healthz", "/readyz", "/static/", "/favicon.ico")
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class Admission:
    """ASGI middleware: at most ``limit`` reads and ``limit`` writes in progress at once."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        if limit < 1:
            raise ValueError("the request limit must be at least 1")
        self.app = app
        self.limit = limit
        self._turns: dict[bool, asyncio.Semaphore] = {}  # made on the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        reading = scope["method"] in READS
        turns = self._turns.get(reading)
        if turns is None:
            turns = self._turns[reading] = asyncio.Semaphore(self.limit)
        async with turns:
            await self.app(scope, receive, send)
