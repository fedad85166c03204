"""Similar incidents at scale: the stored index answering over HTTP from a real server.

For each database it bulk-loads ``--size`` synthetic incidents (recombined from the dev set by
`benchmarks.similarity.synthetic`, resolved, dates spread over three years), indexes them
with the indexer (timed), then starts ``watchkeep serve`` and measures:

- ``GET /api/v1/incidents/{ref}/similar`` over HTTP for ``--queries`` random incidents, in
  ``--rounds`` rounds after a warm-up: p50 and p95 of each round, and their medians;
- a fresh process's first answer: from starting ``watchkeep serve`` to its first similar
  answer, and that answer's own latency (nothing is built at start);
- the resident memory (RSS) of the serving process after the rounds, against the same
  measurement on a database of 1,000 incidents;
- what the first stage's bounds cost in answers: for ``--agree`` random incidents, in
  process, the share of the top 5 (and how often the first) that the product's first stage
  (`CANDIDATES`, `POSTINGS`) has in common with a first stage 10 times deeper on both.

Targets: p95 <= 20 ms at 50,000 incidents on both databases, <= 50 ms at 500,000 on
PostgreSQL; a first answer within 1 s of the server being up; RSS at the size within 1.5x
of RSS at 1,000. Prints JSON.

    .venv/bin/python -m benchmarks.similarity_scale [--size 50000] [--queries 200]
        [--rounds 3] [--databases sqlite,postgresql] [--agree 100]
    .venv/bin/python -m benchmarks.similarity_scale --size 500000 --databases postgresql
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from benchmarks.api import free_port, fresh_database, percentile
from benchmarks.bulk import analyse
from benchmarks.similarity import DEV_SET, synthetic
from watchkeep.assist.corpus import query_of
from watchkeep.assist.indexer import catch_up
from watchkeep.assist.similarity.evaluation import load
from watchkeep.assist.store import CANDIDATES, POSTINGS, StoredIndex
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.catalog.models import Service
from watchkeep.core.clock import utcnow
from watchkeep.core.counter import Counter
from watchkeep.core.db import Database
from watchkeep.incident.models import Incident, IncidentType, Severity, incident_service

BASELINE = 1_000
BATCH = 5_000
READY_SECONDS = 120.0


def load_incidents(db: Database, size: int) -> str:
    """Insert ``size`` resolved synthetic incidents; returns an admin's API token."""
    with db.session() as session:
        admin = auth.create_user(
            session, actor=None, now=utcnow(), email="bench@example.com", name="Bench", role="admin"
        )
        _, token = auth.create_token(
            session, actor=auth.actor_of(admin), now=utcnow(), user_id=admin.id, name="bench"
        )
        severity = session.scalars(select(Severity.id)).first()
        kind = session.scalars(select(IncidentType.id)).first()
    documents = synthetic(load(DEV_SET), size)
    names = sorted({name for document in documents for name in document.services})
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(
            insert(Service),
            [{"name": name, "description": "", "created_at": now} for name in names],
        )
        service_ids = dict(connection.execute(select(Service.name, Service.id)).all())
        for start in range(0, size, BATCH):
            chunk = documents[start : start + BATCH]
            rows = [
                {
                    "id": start + offset + 1,
                    "number": start + offset + 1,
                    "title": document.title[:300],
                    "summary": document.summary,
                    "root_cause": document.root_cause,
                    "resolution": document.updates,
                    "status": "resolved",
                    "severity_id": severity,
                    "type_id": kind,
                    "private": False,
                    "declared_at": document.created_at,
                    "reported_at": document.created_at,
                    "resolved_at": document.created_at,
                    "updated_at": document.created_at,
                    "timestamp_sources": {},
                    "labels": dict(document.labels),
                }
                for offset, document in enumerate(chunk)
            ]
            connection.execute(insert(Incident), rows)
            links = [
                {"incident_id": row["id"], "service_id": service_ids[name]}
                for row, document in zip(rows, chunk, strict=True)
                for name in document.services
            ]
            connection.execute(insert(incident_service), links)
        connection.execute(insert(Counter).values(name="incident", value=size))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('incident', 'id'),"
                " (SELECT max(id) FROM incident))"
            )
    return token


DEEPER = 10


def agreement(db: Database, size: int, queries: int) -> dict[str, float]:
    """Top-5 overlap and top-1 agreement of the product's first stage with a deeper one."""
    rng = random.Random(13)
    overlap, first = [], []
    with db.session(write=False) as session:
        for number in (rng.randint(1, size) for _ in range(queries)):
            incident = session.get(Incident, number)
            assert incident is not None
            query, exclude = query_of(incident), (incident.id,)
            product = StoredIndex(session).search(query, k=5, exclude_ids=exclude)
            deep = StoredIndex(
                session, candidates=CANDIDATES * DEEPER, postings=POSTINGS * DEEPER
            ).search(query, k=5, exclude_ids=exclude)
            ours, theirs = [m.id for m in product], [m.id for m in deep]
            overlap.append(len(set(ours) & set(theirs)) / max(len(theirs), 1))
            first.append(float(ours[:1] == theirs[:1]))
    return {
        "top5_overlap_with_deeper": round(statistics.mean(overlap), 3),
        "top1_same_as_deeper": round(statistics.mean(first), 3),
    }


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start(url: str, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """Start ``watchkeep serve``; returns it and the seconds it took to be ready."""
    env = {**os.environ, "WATCHKEEP_DATABASE_URL": url, "WATCHKEEP_LOG_LEVEL": "warning"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeep", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = started + READY_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process, time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not become ready")


def ask(client: httpx.Client, number: int) -> float:
    began = time.perf_counter()
    answer = client.get(f"/api/v1/incidents/INC-{number}/similar", params={"k": 5})
    took = (time.perf_counter() - began) * 1000
    if answer.status_code != 200 or not answer.json():
        raise RuntimeError(f"INC-{number}: {answer.status_code} {answer.text[:200]}")
    return took


def serve_and_measure(
    db: Database, token: str, size: int, queries: int, rounds: int
) -> dict[str, Any]:
    port = free_port()
    rng = random.Random(11)
    process, ready = start(db.url, port)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
            first_started = time.monotonic()
            first_ms = ask(client, rng.randint(1, size))
            first_total = ready + (time.monotonic() - first_started)
            for _ in range(min(50, queries)):
                ask(client, rng.randint(1, size))
            p50s, p95s = [], []
            for _ in range(rounds):
                ms = [ask(client, rng.randint(1, size)) for _ in range(queries)]
                p50s.append(statistics.median(ms))
                p95s.append(percentile(ms, 0.95))
        return {
            "p50_ms": round(statistics.median(p50s), 2),
            "p95_ms": round(statistics.median(p95s), 2),
            "p95_ms_rounds": [round(v, 2) for v in p95s],
            "server_ready_s": round(ready, 2),
            "first_answer_ms": round(first_ms, 1),
            "start_to_first_answer_s": round(first_total, 2),
            "rss_mb": round(rss_kb(process.pid) / 1024, 1),
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(kind: str, size: int, queries: int, rounds: int, agree: int) -> dict[str, Any]:
    db = fresh_database(kind, Path(tempfile.mkdtemp(prefix="wk-simscale-")))
    prepare(db)
    began = time.monotonic()
    token = load_incidents(db, size)
    loaded = time.monotonic() - began
    began = time.monotonic()
    step = catch_up(db, seconds=float("inf"))
    indexed = time.monotonic() - began
    # What was measured so far, should a long run at a large size be cut short.
    print(f"{kind} {size}: loaded in {loaded:.1f} s, indexed in {indexed:.1f} s", file=sys.stderr)
    analyse(db)
    agreed = agreement(db, size, agree) if agree else {}
    served = serve_and_measure(db, token, size, queries, rounds)
    db.dispose()
    return {
        "database": kind,
        "incidents": size,
        "documents_indexed": step.indexed,
        "load_s": round(loaded, 1),
        "index_s": round(indexed, 1),
        **served,
        **agreed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--agree", type=int, default=100, help="queries for the agreement check")
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        baseline = measure(kind, BASELINE, args.queries, 1, 0)
        result = measure(kind, args.size, args.queries, args.rounds, args.agree)
        result["rss_mb_at_1000"] = baseline["rss_mb"]
        result["rss_ratio"] = round(result["rss_mb"] / baseline["rss_mb"], 2)
        results.append(result)
    target = {"postgresql": 50.0} if args.size > 100_000 else {"sqlite": 20.0, "postgresql": 20.0}
    report = {
        "benchmark": "similarity_scale",
        "target": "p95 <= 20 ms at 50,000 (both), <= 50 ms at 500,000 (PostgreSQL); first answer"
        " within 1 s of the server being up; RSS within 1.5x of RSS at 1,000",
        "met": all(
            r["p95_ms"] <= target.get(r["database"], 20.0)
            and r["first_answer_ms"] <= 1000
            and r["rss_ratio"] <= 1.5
            for r in results
        ),
        "results": results,
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
