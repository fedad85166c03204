"""Admission: at most ``limit`` reads and ``limit`` writes in progress; the rest wait, first
come first served; reads never wait behind writes; health checks and static files never
wait."""

import asyncio

import pytest
from starlette.types import Message, Receive, Scope, Send

from watchkeep.http.admission import Admission


class Gate:
    """An app whose requests stay in progress until released, counting how many are in."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.order: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        self.order.append(scope["path"])
        try:
            await self.release.wait()
        finally:
            self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def request(app: Admission, path: str, method: str = "GET") -> int:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": "http", "method": method, "path": path, "headers": []}, receive, send)
    status: int = sent[0]["status"]
    return status


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


def test_at_most_the_limit_is_in_progress_and_the_rest_go_in_arrival_order() -> None:
    async def scenario() -> None:
        gate = Gate()
        app = Admission(gate, limit=2)
        paths = [f"/api/v1/incidents/{n}" for n in range(6)]
        calls = []
        for path in paths:
            calls.append(asyncio.create_task(request(app, path)))
            await settle()
        assert gate.inside == 2 and gate.order == paths[:2]
        gate.release.set()
        assert await asyncio.gather(*calls) == [200] * 6
        assert gate.most == 2
        assert gate.order == paths

    asyncio.run(scenario())


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/static/watchkeep.css"])
def test_health_checks_and_assets_never_wait(path: str) -> None:
    async def scenario() -> None:
        gate = Gate()
        app = Admission(gate, limit=1)
        busy = asyncio.create_task(request(app, "/api/v1/incidents"))
        await settle()
        passing = asyncio.create_task(request(app, path))
        await settle()
        assert gate.inside == 2  # it went in beside the request holding the only turn
        gate.release.set()
        assert await asyncio.gather(busy, passing) == [200, 200]

    asyncio.run(scenario())


def test_reads_and_writes_take_turns_separately() -> None:
    async def scenario() -> None:
        gate = Gate()
        app = Admission(gate, limit=1)
        writes = [
            asyncio.create_task(request(app, f"/api/v1/incidents/{n}", "POST")) for n in range(3)
        ]
        await settle()
        assert gate.inside == 1  # one write in progress, two waiting
        read = asyncio.create_task(request(app, "/api/v1/incidents"))
        await settle()
        assert gate.inside == 2 and gate.order[-1] == "/api/v1/incidents"  # not behind them
        gate.release.set()
        assert await asyncio.gather(read, *writes) == [200] * 4
        assert gate.most == 2

    asyncio.run(scenario())


def test_a_failing_request_gives_its_turn_back() -> None:
    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    async def scenario() -> None:
        app = Admission(broken, limit=1)
        for _ in range(3):  # with the turn kept, the second call would wait forever
            with pytest.raises(RuntimeError):
                await asyncio.wait_for(request(app, "/api/v1/incidents"), timeout=1)

    asyncio.run(scenario())


def test_the_limit_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Admission(Gate(), limit=0)


def test_a_lane_has_turns_of_its_own() -> None:
    """Senders' requests (a lane) neither wait behind writes nor make writes wait, and the
    lane holds its own number at once."""

    async def scenario() -> None:
        gate = Gate()
        app = Admission(gate, limit=1, lanes={"/ingest/": 3})
        writes = [asyncio.create_task(request(app, f"/api/v1/x{n}", "POST")) for n in range(2)]
        sends = [asyncio.create_task(request(app, f"/ingest/a{n}", "POST")) for n in range(5)]
        await settle()
        assert sorted(gate.order) == ["/api/v1/x0", "/ingest/a0", "/ingest/a1", "/ingest/a2"]
        gate.release.set()
        assert await asyncio.gather(*writes, *sends) == [200] * 7

    asyncio.run(scenario())
