"""Ingest benchmark: alerts per second through HTTP, against the same server's no-op answers.

For each database (SQLite, PostgreSQL) it starts ``watchkeep serve`` (one process, no rate
limit) with one alert source and runs ``--clients`` clients in rounds of ``--seconds``,
interleaved over ``--rounds`` rounds: ``GET /healthz`` (the bare no-op: no body, no
database), ``POST /ingest/check/<format>`` with the same payloads (the no-op of a payload: read
and checked as the endpoint does, nothing stored), and the Alertmanager webhook and PagerDuty
``/v2/enqueue`` (one new alert each). Each kind's throughput is the median of its rounds; the
ratios are alerts/s over each no-op's.
Afterwards every event that got a 2xx answer is looked up in the database: ``lost`` counts
those that are missing (must be 0). Prints JSON.

    .venv/bin/python -m benchmarks.ingest [--seconds 10] [--clients 8] [--rounds 3]
        [--databases sqlite,postgresql]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from benchmarks.api import free_port, fresh_database, percentile
from watchkeep.alert import sources
from watchkeep.alert.models import Alert
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.models import metadata

TARGET_RATIO = 0.5
KINDS = ("noop", "check_alertmanager", "alertmanager", "check_pagerduty", "pagerduty")


def alertmanager_body(key: str) -> dict[str, Any]:
    return {
        "version": "4",
        "groupKey": '{}:{alertname="Bench"}',
        "status": "firing",
        "receiver": "watchkeep",
        "groupLabels": {"alertname": "Bench"},
        "commonLabels": {"alertname": "Bench"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "Bench", "instance": key, "severity": "warning"},
                "annotations": {"summary": f"Bench alert {key}"},
                "startsAt": "2026-12-01T10:00:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example/graph",
                "fingerprint": key,
            }
        ],
    }


def pagerduty_body(routing_key: str, key: str) -> dict[str, Any]:
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": key,
        "payload": {"summary": f"Bench event {key}", "source": "bench", "severity": "warning"},
    }


class Tally:
    def __init__(self) -> None:
        self.ok = 0
        self.errors: list[str] = []
        self.keys: list[str] = []
        self.ms: list[float] = []
        self.lock = threading.Lock()


def request(client: httpx.Client, kind: str, routing_key: str, key: str) -> httpx.Response:
    if kind == "noop":
        return client.get("/healthz")
    if kind == "alertmanager":
        return client.post(f"/ingest/alertmanager/{routing_key}", json=alertmanager_body(key))
    if kind == "check_alertmanager":
        return client.post("/ingest/check/alertmanager", json=alertmanager_body(key))
    if kind == "check_pagerduty":
        return client.post("/ingest/check/pagerduty", json=pagerduty_body(routing_key, key))
    return client.post("/v2/enqueue", json=pagerduty_body(routing_key, key))


def client_loop(
    base: str, kind: str, routing_key: str, prefix: str, until: float, tally: Tally
) -> None:
    n = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.perf_counter() < until:
            n += 1
            key = f"{prefix}-{n}"
            started = time.perf_counter()
            try:
                response = request(client, kind, routing_key, key)
            except httpx.HTTPError as exc:
                with tally.lock:
                    tally.errors.append(exc.__class__.__name__)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with tally.lock:
                if 200 <= response.status_code < 300:
                    tally.ok += 1
                    tally.ms.append(elapsed)
                    if kind in ("alertmanager", "pagerduty"):
                        tally.keys.append(key)
                else:
                    tally.errors.append(str(response.status_code))


def drive(
    base: str, kind: str, routing_key: str, clients: int, seconds: float, tag: str
) -> tuple[Tally, float]:
    tally = Tally()
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=client_loop, args=(base, kind, routing_key, f"{tag}-{c}", until, tally)
        )
        for c in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def measure(kind: str, clients: int, seconds: float, rounds: int) -> dict[str, Any]:
    db = fresh_database(kind, Path(tempfile.mkdtemp(prefix="wk-ingest-")))
    metadata.drop_all(db.engine)
    prepare(db)
    with db.session() as session:
        admin = auth.create_user(
            session, actor=None, now=utcnow(), email="bench@example.com", name="Bench", role="admin"
        )
        source = sources.create(
            session, actor=auth.actor_of(admin), now=utcnow(), name="bench", kind="alertmanager"
        )
        routing_key = source.integration_key
    url = db.url
    port = free_port()
    env = {
        **os.environ,
        "WATCHKEEP_DATABASE_URL": url,
        "WATCHKEEP_LOG_LEVEL": "warning",
        "WATCHKEEP_INGEST_EVENTS_PER_MINUTE": "100000000",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "watchkeep", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    rates: dict[str, list[float]] = {k: [] for k in KINDS}
    latencies: dict[str, list[float]] = {k: [] for k in KINDS}
    errors: list[str] = []
    accepted: list[str] = []
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        drive(base, "noop", routing_key, clients, 2, "warm")
        drive(base, "alertmanager", routing_key, clients, 2, "warm")
        for round_ in range(rounds):
            for which in KINDS:
                tally, took = drive(base, which, routing_key, clients, seconds, f"r{round_}{which}")
                rates[which].append(tally.ok / took)
                latencies[which] += tally.ms
                errors += tally.errors
                accepted += tally.keys
    finally:
        server.terminate()
        server.wait(timeout=30)
    with db.session(write=False) as session:
        stored = set(session.scalars(select(Alert.dedup_key)))
    db.dispose()
    median = {k: statistics.median(v) for k, v in rates.items()}
    return {
        "database": kind,
        "clients": clients,
        "seconds_per_round": seconds,
        "rounds": rounds,
        "noop_per_s": round(median["noop"], 1),
        "check_alertmanager_per_s": round(median["check_alertmanager"], 1),
        "check_pagerduty_per_s": round(median["check_pagerduty"], 1),
        "alertmanager_per_s": round(median["alertmanager"], 1),
        "pagerduty_per_s": round(median["pagerduty"], 1),
        "alertmanager_ratio": round(median["alertmanager"] / median["noop"], 3),
        "pagerduty_ratio": round(median["pagerduty"] / median["noop"], 3),
        "alertmanager_ratio_to_check": round(
            median["alertmanager"] / median["check_alertmanager"], 3
        ),
        "pagerduty_ratio_to_check": round(median["pagerduty"] / median["check_pagerduty"], 3),
        "alertmanager_p99_ms": round(percentile(latencies["alertmanager"], 0.99), 1),
        "pagerduty_p99_ms": round(percentile(latencies["pagerduty"], 0.99), 1),
        "accepted": len(accepted),
        "lost": len(set(accepted) - stored),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = [
        measure(kind, args.clients, args.seconds, args.rounds) for kind in args.databases.split(",")
    ]
    report = {
        "benchmark": "ingest",
        "target": f"alerts/s >= {TARGET_RATIO} x the no-op answer's, 0 lost",
        "met_against_healthz": all(
            r["lost"] == 0
            and r["alertmanager_ratio"] >= TARGET_RATIO
            and r["pagerduty_ratio"] >= TARGET_RATIO
            for r in results
        ),
        "met_against_check": all(
            r["lost"] == 0
            and r["alertmanager_ratio_to_check"] >= TARGET_RATIO
            and r["pagerduty_ratio_to_check"] >= TARGET_RATIO
            for r in results
        ),
        "results": results,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
