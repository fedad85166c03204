"""Bulk-load many incidents with their timelines straight into the tables (for benchmarks).

Rows look like what the services write (reporter and lead roles, participants, services,
a timeline of several entries), but are inserted in batches with Core statements: going
through the services would take hours for 100,000 incidents.
"""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow
from watchkeep.core.counter import Counter
from watchkeep.core.db import Database
from watchkeep.incident.lifecycle import Status
from watchkeep.incident.models import (
    Incident,
    IncidentType,
    Participant,
    RoleAssignment,
    RoleType,
    Severity,
    TimelineEntry,
    incident_service,
)

WORDS = (
    "checkout",
    "api",
    "latency",
    "error",
    "database",
    "replica",
    "lag",
    "queue",
    "backlog",
    "timeout",
    "certificate",
    "expired",
    "disk",
    "full",
    "memory",
    "leak",
    "deploy",
    "rollback",
    "dns",
    "resolution",
    "cache",
    "eviction",
    "kafka",
    "consumer",
    "stuck",
    "login",
    "failures",
    "payment",
    "gateway",
    "502",
    "504",
    "edge",
    "gateway",
    "cpu",
    "throttling",
    "node",
    "pressure",
    "pod",
    "crashloop",
    "rate",
    "limit",
    "quota",
    "exceeded",
    "webhook",
    "retries",
    "billing",
    "invoice",
)
STATUSES = [s.value for s in Status if s not in (Status.MERGED,)]
BATCH = 5_000


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(
    db: Database,
    *,
    incidents: int,
    users: int = 50,
    services: int = 40,
    entries_per_incident: int = 6,
    seed_value: int = 7,
) -> dict[str, int]:
    """Insert ``incidents`` incidents (1 in 20 private) and return some of the ids made."""
    rng = random.Random(seed_value)
    with db.session() as session:
        people = [
            auth.create_user(
                session,
                actor=None,
                now=utcnow(),
                email=f"bench{i}@example.com",
                name=f"Bench {i}",
                role="admin" if i == 0 else "responder",
                password="benchmark-pw",
            )
            for i in range(users)
        ]
        svc = [
            catalog.create_service(
                session, actor=auth.actor_of(people[0]), now=utcnow(), name=f"svc-{i}"
            )
            for i in range(services)
        ]
        severity_ids = list(session.scalars(select(Severity.id)))
        type_ids = list(session.scalars(select(IncidentType.id)))
        lead_role, reporter_role = (
            session.scalar(select(RoleType.id).where(RoleType.slug == slug))
            for slug in ("lead", "reporter")
        )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 1, tzinfo=UTC) - start).total_seconds()
    declared = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(incidents))
    plan = [
        {
            "id": n,
            "reporter": rng.choice(people).id,
            "lead": rng.choice(people).id,
            "status": rng.choice(STATUSES),
            "private": rng.random() < 0.05,
            "services": rng.sample(svc, rng.choice((1, 1, 2, 3))),
            "declared": declared[n - 1],
            "words": rng.sample(WORDS, 6),
        }
        for n in range(1, incidents + 1)
    ]
    with db.engine.begin() as connection:
        for batch in _batches(
            {
                "id": p["id"],
                "number": p["id"],
                "title": " ".join(p["words"][:4]).capitalize(),
                "summary": " ".join(p["words"]) + " observed by monitoring.",
                "status": p["status"],
                "severity_id": rng.choice(severity_ids),
                "type_id": rng.choice(type_ids),
                "private": p["private"],
                "reporter_id": p["reporter"],
                "declared_at": p["declared"],
                "reported_at": p["declared"],
                "updated_at": p["declared"],
                "timestamp_sources": {"declared_at": "auto"},
            }
            for p in plan
        ):
            connection.execute(insert(Incident), batch)
        for batch in _batches(
            {"incident_id": p["id"], "service_id": s.id} for p in plan for s in p["services"]
        ):
            connection.execute(insert(incident_service), batch)
        for batch in _batches(
            {"incident_id": p["id"], "user_id": uid, "added_at": p["declared"]}
            for p in plan
            for uid in {p["reporter"], p["lead"]}
        ):
            connection.execute(insert(Participant), batch)
        for batch in _batches(
            {
                "incident_id": p["id"],
                "role_type_id": role,
                "user_id": uid,
                "assigned_at": p["declared"],
            }
            for p in plan
            for role, uid in ((reporter_role, p["reporter"]), (lead_role, p["lead"]))
        ):
            connection.execute(insert(RoleAssignment), batch)
        for batch in _batches(
            {
                "incident_id": p["id"],
                "kind": "note" if k else "declared",
                "actor_id": p["lead"],
                "occurred_at": p["declared"] + timedelta(minutes=7 * k),
                "created_at": p["declared"] + timedelta(minutes=7 * k),
                "title": f"Step {k}: " + " ".join(rng.sample(WORDS, 5)),
                "description": "",
                "payload": {},
                "pinned": k == 2,
            }
            for p in plan
            for k in range(entries_per_incident)
        ):
            connection.execute(insert(TimelineEntry), batch)
        connection.execute(insert(Counter).values(name="incident", value=incidents))
        if connection.dialect.name == "postgresql":
            for table in ("incident", "timeline_entry", "incident_role_assignment"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    analyse(db)
    return {
        "admin_id": people[0].id,
        "responder_id": people[1].id,
        "service_ids": [s.id for s in svc][:5],
        "incidents": incidents,
    }


def analyse(db: Database) -> None:
    """Refresh the planner's statistics and, on PostgreSQL, the visibility map, as a
    long-lived database has them after autovacuum (index-only scans are possible then)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
