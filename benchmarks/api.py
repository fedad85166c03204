"""API benchmark: 100,000 incidents with timelines, on PostgreSQL and SQLite.

Reports declare throughput through the HTTP API, and list and detail latency (p50/p95)
measured by a client over loopback against `watchkeep serve`. Prints JSON.

    .venv/bin/python -m benchmarks.api [--incidents 100000] [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text

from benchmarks import bulk
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.models import metadata

PG_URL = os.environ.get(
    "WATCHKEEP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/watchkeep_bench"
)

SETTLE_SECONDS_PER_1000 = 0.5

LIST_QUERIES: dict[str, dict[str, Any]] = {
    "newest": {},
    "live": {"category": ["triage", "live"]},
    "severity": {"severity_id": 1},
    "service": {"service_id": "SERVICE"},
    "text": {"q": "replica"},
    "date_range": {"declared_from": "2024-03-01T00:00:00Z", "declared_to": "2024-04-01T00:00:00Z"},
    "combined": {"category": "post_incident", "severity_id": 2, "service_id": "SERVICE"},
    "deep_page": {"offset": 2000},
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "n": len(ms),
    }


def fresh_database(kind: str, workdir: Path) -> Database:
    if kind == "sqlite":
        return Database(f"sqlite:///{workdir / 'bench.db'}")
    target = make_url(PG_URL)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return Database(PG_URL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WATCHKEEP_DATABASE_URL": url, "WATCHKEEP_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeep", "serve", "--port", str(port)], env=env
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not become ready")


def timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    response = client.request(method, path, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:200]}")
    return elapsed


def list_latency(
    clients: dict[str, httpx.Client], seeded: dict[str, Any], rounds: int
) -> dict[str, dict[str, Any]]:
    """Every list filter ``rounds`` times for each client, interleaved so that noise (the
    server's similarity index building, other work on the machine) hits them alike."""
    ms: dict[str, dict[str, list[float]]] = {
        who: {name: [] for name in LIST_QUERIES} for who in clients
    }
    for _ in range(rounds):
        for name, params in LIST_QUERIES.items():
            params = {
                k: (seeded["service_ids"][0] if v == "SERVICE" else v) for k, v in params.items()
            }
            for who, client in clients.items():
                ms[who][name].append(timed(client, "GET", "/incidents", params=params))
    return {
        who: {
            "all_filters": summary([value for values in lists.values() for value in values]),
            "by_filter": {name: summary(values) for name, values in lists.items()},
        }
        for who, lists in ms.items()
    }


def measure(kind: str, incidents: int, rounds: int, declares: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="wk-bench-"))
    db = fresh_database(kind, workdir)
    metadata.drop_all(db.engine)
    prepare(db)
    started = time.perf_counter()
    seeded = bulk.seed(db, incidents=incidents)
    seed_seconds = time.perf_counter() - started
    with db.session() as session:
        admin = auth.actor_of(auth.get_user(session, user_id=seeded["admin_id"]))
        _, admin_token = auth.create_token(
            session, actor=admin, now=utcnow(), user_id=seeded["admin_id"], name="bench"
        )
        _, token = auth.create_token(
            session, actor=admin, now=utcnow(), user_id=seeded["responder_id"], name="bench"
        )
    db.dispose()
    port = free_port()
    server = start_server(str(db.url), port)
    # The server builds its similarity index in the background when it starts (about 17 s
    # per 50,000 incidents): measure the steady state, not that.
    time.sleep(SETTLE_SECONDS_PER_1000 * incidents / 1000)
    rng = random.Random(3)
    result: dict[str, Any] = {"incidents": incidents, "seed_seconds": round(seed_seconds, 1)}
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            for _ in range(20):
                timed(client, "GET", "/incidents")
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {admin_token}"}
            ) as as_admin:
                # The same lists as an admin, who sees everything: what the privacy filter
                # costs a responder.
                lists = list_latency({"responder": client, "admin": as_admin}, seeded, rounds)
            result["list"], result["list_as_admin"] = lists["responder"], lists["admin"]
            refs = [f"INC-{rng.randint(1, incidents)}" for _ in range(rounds * 4)]
            detail: list[float] = []
            for ref in refs:
                started = time.perf_counter()
                response = client.get(f"/incidents/{ref}")
                if response.status_code not in (200, 404):  # 404: private, not a participant
                    raise RuntimeError(response.text)
                detail.append((time.perf_counter() - started) * 1000)
            result["detail"] = summary(detail)
            body = {
                "title": "Bench incident",
                "severity": "SEV3",
                "summary": "declared by bench",
                "service_ids": seeded["service_ids"][:2],
            }
            started = time.perf_counter()
            declare_ms = [timed(client, "POST", "/incidents", json=body) for _ in range(declares)]
            sequential = declares / (time.perf_counter() - started)

            def declare_one(_: int) -> float:
                return timed(client, "POST", "/incidents", json=body)

            started = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(declare_one, range(declares)))
            concurrent = declares / (time.perf_counter() - started)
            result["declare"] = {
                "sequential_per_s": round(sequential, 1),
                "concurrent4_per_s": round(concurrent, 1),
                **summary(declare_ms),
            }
        responder_p95 = result["list"]["all_filters"]["p95_ms"]
        admin_p95 = result["list_as_admin"]["all_filters"]["p95_ms"]
        result["privacy_filter_p95_ratio"] = round(responder_p95 / admin_p95, 2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--rounds", type=int, default=100, help="requests per list filter")
    parser.add_argument("--declares", type=int, default=300)
    args = parser.parse_args()
    report = {
        "benchmark": "api",
        "target": "list and detail p95 < 20 ms on PostgreSQL at 100k incidents; the privacy "
        "filter (a responder's lists against an admin's) at most 1.2x",
        "results": {
            kind: measure(kind, args.incidents, args.rounds, args.declares)
            for kind in args.databases.split(",")
        },
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
