"""Load benchmark: concurrent clients against ``watchkeep serve``, mixed declares and reads.

For each setup (SQLite with one process, PostgreSQL with one and with two processes, and
PostgreSQL with one process working on every request at once: the baseline without
admission control) it seeds incidents, starts the server, and runs ``--clients`` clients
for ``--seconds``: 20% declares, 50% list pages, 30% detail pages, as a responder (so the
privacy filter runs).
Reports requests per second, p50/p95/p99 per kind, errors, and whether every declared
``INC`` number is unique. Then it measures declare throughput alone with one client and with
eight (``declare_scaling``). Prints JSON.

    .venv/bin/python -m benchmarks.load [--seconds 60] [--clients 16] [--setups sqlite:1,...]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from benchmarks import bulk
from benchmarks.api import free_port, fresh_database, percentile
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.settings import Settings
from watchkeep.models import metadata

SEED_INCIDENTS = 5000
MIX = (("declare", 0.2), ("list", 0.5), ("detail", 0.3))
LISTS: tuple[dict[str, Any], ...] = (
    {},
    {"category": "live"},
    {"severity_id": 2},
    {"q": "replica"},
    {"offset": 200},
)
DECLARE = {"title": "Checkout latency", "severity": "SEV3", "summary": "declared under load"}
UNLIMITED = 1000  # requests at once: as good as no admission control, for the baseline
TARGETS = {
    "errors": 0,
    "postgresql_declare_p99_ms": 300,
    "postgresql_read_p99_ms": 150,
    "sqlite_read_p99_ms": 200,
    "declare_8_clients_over_1": 1.5,
}


def start_server(
    url: str, port: int, processes: int, concurrency: int | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WATCHKEEP_DATABASE_URL": url, "WATCHKEEP_LOG_LEVEL": "warning"}
    if concurrency is not None:
        env["WATCHKEEP_REQUEST_CONCURRENCY"] = str(concurrency)
    command = [sys.executable, "-m", "watchkeep", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(processes)], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not become ready")


class Run:
    """What the clients saw: latencies per kind, errors, the references declared."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.refs: list[str] = []
        self.lock = threading.Lock()

    def note(self, kind: str, started: float, response: httpx.Response | None, error: str) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            if response is None or response.status_code >= 400:
                self.errors.append(error or f"{kind}: {response and response.status_code}")
                return
            self.ms[kind].append(elapsed)
            if kind == "declare":
                self.refs.append(response.json()["reference"])


def client_loop(
    base: str, token: str, refs: list[str], kinds: list[str], until: float, run: Run, seed: int
) -> None:
    rng = random.Random(seed)
    weights = [weight for kind, weight in MIX if kind in kinds]
    choices = [kind for kind, _ in MIX if kind in kinds]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while time.perf_counter() < until:
            kind = rng.choices(choices, weights)[0]
            started = time.perf_counter()
            response, error = None, ""
            try:
                if kind == "declare":
                    response = client.post("/incidents", json=DECLARE)
                elif kind == "list":
                    response = client.get("/incidents", params=rng.choice(LISTS))
                else:
                    response = client.get(f"/incidents/{rng.choice(refs)}")
            except httpx.HTTPError as exc:
                error = f"{kind}: {exc.__class__.__name__}"
            run.note(kind, started, response, error)


def drive(
    base: str, token: str, refs: list[str], clients: int, seconds: float, kinds: list[str]
) -> tuple[Run, float]:
    run = Run()
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(base, token, refs, kinds, until, run, n))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run, time.perf_counter() - started


def figures(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
    }


def measure(
    kind: str, processes: int, clients: int, seconds: float, concurrency: int | None = None
) -> dict[str, Any]:
    db = fresh_database(kind, Path(tempfile.mkdtemp(prefix="wk-load-")))
    metadata.drop_all(db.engine)
    prepare(db)
    seeded = bulk.seed(db, incidents=SEED_INCIDENTS)
    with db.session() as session:
        admin = auth.actor_of(auth.get_user(session, user_id=seeded["admin_id"]))
        _, token = auth.create_token(
            session, actor=admin, now=utcnow(), user_id=seeded["responder_id"], name="load"
        )
    url = db.url
    db.dispose()
    port = free_port()
    server = start_server(url, port, processes, concurrency)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
            listed = c.get("/incidents", params={"limit": 200}).json()
        refs = [item["reference"] for item in listed["items"]]
        drive(base, token, refs, 4, 3, ["list", "detail"])  # warm up
        mixed, took = drive(base, token, refs, clients, seconds, ["declare", "list", "detail"])
        scaling = {}
        for n in (1, 8):
            alone, alone_took = drive(base, token, refs, n, min(seconds, 15), ["declare"])
            scaling[f"clients_{n}_per_s"] = round(len(alone.ms["declare"]) / alone_took, 1)
            mixed.refs += alone.refs
            mixed.errors += alone.errors
    finally:
        server.terminate()
        server.wait(timeout=30)
    reads = mixed.ms["list"] + mixed.ms["detail"]
    total = sum(len(v) for v in mixed.ms.values())
    return {
        "database": kind,
        "processes": processes,
        "request_concurrency": concurrency or Settings().request_concurrency,
        "clients": clients,
        "seconds": seconds,
        "requests_per_s": round(total / took, 1),
        "errors": len(mixed.errors),
        "error_samples": sorted(set(mixed.errors))[:5],
        "declare": figures(mixed.ms["declare"]),
        "list": figures(mixed.ms["list"]),
        "detail": figures(mixed.ms["detail"]),
        "reads": figures(reads),
        "inc_numbers_unique": len(set(mixed.refs)) == len(mixed.refs),
        "declare_scaling": {
            **scaling,
            "ratio": round(scaling["clients_8_per_s"] / max(scaling["clients_1_per_s"], 0.1), 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--setups",
        default=f"sqlite:1,postgresql:1,postgresql:2,postgresql:1:{UNLIMITED}",
        help="database:processes[:requests at once per process]; the last default is the "
        "baseline without admission control",
    )
    args = parser.parse_args()
    results = []
    for setup in args.setups.split(","):
        kind, processes, *concurrency = setup.split(":")
        limit = int(concurrency[0]) if concurrency else None
        results.append(measure(kind, int(processes), args.clients, args.seconds, limit))
    report = {"benchmark": "load", "targets": TARGETS, "results": results}
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
