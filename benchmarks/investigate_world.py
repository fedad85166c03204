"""The world `benchmarks.investigate_scale` investigates: a year of history on PostgreSQL in a
database of its own, built in bulk (see that module's docstring for what it holds)."""

import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, insert, make_url, select, text
from sqlalchemy.engine import Connection

from benchmarks.api import PG_URL
from benchmarks.similarity import DEV_SET, perturb, synthetic
from benchmarks.similarity_scale import BATCH
from watchkeep.alert.models import Alert, AlertEvent, ChangeEvent
from watchkeep.assist.similarity.evaluation import load
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.catalog.models import Service, Team, service_dependency
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.counter import Counter
from watchkeep.core.db import Database
from watchkeep.history.directory import Directory
from watchkeep.history.schemas import HistoryIn
from watchkeep.history.write_records import imported_source
from watchkeep.incident.models import Incident, IncidentType, Severity, incident_service
from watchkeep.problem import known_errors

DATABASE = "watchkeep_bench_investigate"
AT_AFTER_IMPACT = timedelta(minutes=20)
LIVE_WITHIN = timedelta(hours=48)
KNOWN_ERRORS = 50
TEAMS = 20
OURS, PLATFORM = 170, 16
VENDORS = ("stripe", "adyen", "twilio", "sendgrid", "auth0", "okta", "cloudflare", "github",
           "fastly", "aws-s3", "aws-rds", "launchdarkly", "segment", "mapbox")  # fmt: skip
PLATFORM_PARTS = ("postgres", "mysql", "redis", "kafka", "rabbitmq", "elasticsearch", "k8s")
CHANGE_KINDS = ("deploy", "deploy", "config", "feature_flag", "infrastructure")
SETTINGS = ("pool.max_connections", "http.timeout_ms", "cache.ttl_seconds", "jvm.heap_max_mb",
            "retry.max_attempts", "worker.concurrency")  # fmt: skip
FLAGS = ("new_ranker", "fast_checkout", "v2_cache", "batched_retries", "async_writes")
INFRASTRUCTURE = ("Node pool resize", "Instance class change", "Security group update",
                  "Load balancer listener change", "Kubernetes 1.29 -> 1.30 upgrade",
                  "Autoscaling policy change")  # fmt: skip
ALERT_NAMES = ("HighErrorRate", "LatencyP99High", "KubePodCrashLooping", "TargetDown",
               "BlackboxProbeFailed", "SaturationHigh")  # fmt: skip


@dataclass(frozen=True)
class Live:
    ref: str
    at: str
    planted: str | None
    """The reference of the change planted just before its impact, if any."""


@dataclass(frozen=True)
class World:
    token: str
    live: list[Live]
    counts: dict[str, int]


@contextmanager
def scratch_database() -> Iterator[Database]:
    """A new, empty PostgreSQL database of this benchmark's own, dropped afterwards."""
    target = make_url(PG_URL).set(database=DATABASE)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    with admin.connect() as connection:
        connection.execute(drop)
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    db = Database(target.render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


def runbook(name: str) -> str:
    return (
        f"# {name}\n\nFirst look at the service's dashboard and its last deploy.\n\n"
        f"## High error rate\nCompare the errors with the last deploy of {name}; roll it back"
        " if they began with it.\n\n## Latency\nCheck the connection pool and the database's"
        " slow queries; scale out when CPU is saturated.\n\n## Crash loops\nRead the pod's last"
        " logs (OOMKilled: raise the memory limit, then find the leak).\n"
    )


def load_catalog(connection: Connection, now: datetime) -> tuple[dict[str, int], list[str]]:
    """Teams, the 200 services and what each depends on; the services' ids by name, and ours."""
    rng = random.Random(3)
    ours = [f"svc{n:03d}-{rng.choice(('api', 'worker', 'db'))}" for n in range(OURS)]
    platform = [f"{PLATFORM_PARTS[n % len(PLATFORM_PARTS)]}-{n:02d}" for n in range(PLATFORM)]
    kinds = {**dict.fromkeys(ours, "internal"), **dict.fromkeys(platform, "platform")}
    kinds |= dict.fromkeys(VENDORS, "third_party")
    teams = [{"name": f"team-{n:02d}", "created_at": now} for n in range(TEAMS)]
    team_ids = list(connection.scalars(insert(Team).returning(Team.id), teams))
    services = [
        {
            "name": name,
            "description": f"{kind} service {name}",
            "kind": kind,
            "owner_team_id": None if kind == "third_party" else rng.choice(team_ids),
            "runbook": runbook(name) if kind != "third_party" and rng.random() < 0.25 else "",
            "created_at": now,
        }
        for name, kind in kinds.items()
    ]
    connection.execute(insert(Service), services)
    ids: dict[str, int] = dict(connection.execute(select(Service.name, Service.id)).all())
    needs = [(a, b) for a, b in itertools.pairwise(platform) if rng.random() < 0.5]
    for n, name in enumerate(ours):
        # Ours call ours further down the list, the platform and vendors: no cycles.
        below = ours[n + 1 :] + platform + list(VENDORS)
        needs += [(name, other) for other in rng.sample(below, rng.randint(1, 3))]
    dependencies = [{"service_id": ids[a], "depends_on_id": ids[b]} for a, b in needs]
    connection.execute(insert(service_dependency), dependencies)
    return ids, ours


def incident_row(number: int, defaults: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "id": number,
        "number": number,
        "private": False,
        "timestamp_sources": {},
        **defaults,
        **fields,
    }


def load_past(
    connection: Connection,
    defaults: dict[str, Any],
    size: int,
    ours: list[str],
    ids: dict[str, int],
    begin: datetime,
    end: datetime,
) -> None:
    """``size`` resolved synthetic incidents on our services, declared between ``begin`` and
    a day before ``end``; the generator's 400 services are folded onto ours."""
    rng = random.Random(5)
    span = (end - timedelta(days=1) - begin).total_seconds()
    documents = synthetic(load(DEV_SET), size)
    for first in range(0, size, BATCH):
        rows, links = [], []
        for number, document in enumerate(documents[first : first + BATCH], first + 1):
            old = document.services[0]
            new = ours[int(old[3:6]) % len(ours)]
            declared = begin + timedelta(seconds=rng.random() * span)
            resolved = declared + timedelta(minutes=rng.uniform(20, 480))
            labels = {k: new if v == old else v for k, v in document.labels.items()}
            rows.append(
                incident_row(
                    number,
                    defaults,
                    title=document.title.replace(old, new)[:300],
                    summary=document.summary.replace(old, new),
                    root_cause=document.root_cause,
                    resolution=document.updates,
                    status="resolved",
                    impact_started_at=declared - timedelta(minutes=rng.uniform(1, 30)),
                    declared_at=declared,
                    reported_at=declared,
                    resolved_at=resolved,
                    updated_at=resolved,
                    labels=labels,
                )
            )
            links.append({"incident_id": number, "service_id": ids[new]})
        connection.execute(insert(Incident), rows)
        connection.execute(insert(incident_service), links)


def change(
    rng: random.Random,
    ref: str,
    service: str | None,
    ids: dict[str, int],
    occurred: datetime,
    kind: str,
) -> dict[str, Any]:
    """A change event as an import writes it: no source, known when it happened."""
    on = service or "all services"
    if kind == "deploy":
        version = f"v{rng.randint(1, 9)}.{rng.randint(0, 60)}.{rng.randint(0, 20)}"
        origin, summary = rng.choice(("argo-cd", "github-actions")), f"Deploy {on} {version}"
        details: dict[str, Any] = {"version": version, "commit": f"{rng.getrandbits(40):010x}"}
    elif kind == "config":
        key, old = rng.choice(SETTINGS), rng.randint(5, 200)
        new = max(1, old + rng.choice((-1, 1)) * rng.randint(1, old))
        origin, summary = "consul", f"Config change on {on}: {key} {old} -> {new}"
        details = {"key": key, "old": old, "new": new}
    elif kind == "feature_flag":
        flag, rollout = rng.choice(FLAGS), rng.choice((5, 25, 50, 100))
        origin, summary = "launchdarkly", f"Feature flag {flag} rolled out to {rollout}% on {on}"
        details = {"flag": flag, "rollout": rollout}
    else:
        action = rng.choice(INFRASTRUCTURE)
        origin, summary, details = "terraform", f"{action} for {on}", {"plan": action}
    return {
        "source_id": None,
        "service_id": ids[service] if service else None,
        "kind": kind,
        "external_id": ref,
        "summary": summary,
        "origin": origin,
        "details": details,
        "occurred_at": occurred,
        "received_at": occurred,
    }


def changes_over(
    count: int, ids: dict[str, int], begin: datetime, end: datetime
) -> list[dict[str, Any]]:
    """``count`` changes between ``begin`` and ``end`` on anything but the vendors (1 in 50
    on no service)."""
    rng = random.Random(9)
    changeable = [name for name in ids if name not in VENDORS]
    span = (end - begin).total_seconds()
    return [
        change(
            rng,
            f"bench-change-{n}",
            rng.choice(changeable) if rng.random() < 0.98 else None,
            ids,
            begin + timedelta(seconds=rng.random() * span),
            rng.choice(CHANGE_KINDS),
        )
        for n in range(count)
    ]


@dataclass
class LivePlan:
    incidents: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, int]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    planted: list[dict[str, Any]] = field(default_factory=list)
    """Changes on a live incident's service shortly before its impact."""
    asked: list[Live] = field(default_factory=list)


def plan_live(
    count: int,
    first: int,
    defaults: dict[str, Any],
    ours: list[str],
    ids: dict[str, int],
    end: datetime,
) -> LivePlan:
    """Live incidents numbered from ``first``, their alerts (2 to 5, firing within 20 minutes
    of the impact), the changes planted before every other one's impact, what to ask."""
    rng = random.Random(23)
    plan = LivePlan()
    records = [r for r in load(DEV_SET) if r.get("alert_labels")]
    for n in range(count):
        record, service, number = rng.choice(records), rng.choice(ours), first + n
        impact = end - timedelta(seconds=rng.uniform(30 * 60, LIVE_WITHIN.total_seconds()))
        declared = impact + timedelta(minutes=rng.uniform(2, 15))
        plan.links.append({"incident_id": number, "service_id": ids[service]})
        plan.incidents.append(
            incident_row(
                number,
                defaults,
                title=perturb(record["title"], rng).replace(record["service"], service)[:300],
                summary=record["summary"].replace(record["service"], service),
                status=rng.choice(("triage", "investigating", "fixing")),
                impact_started_at=impact,
                declared_at=declared,
                reported_at=declared,
                updated_at=declared,
                labels={},
            )
        )
        names = [record["alert_labels"]["alertname"], *rng.sample(ALERT_NAMES, 4)]
        sentences = record["summary"].split(". ")
        for k in range(rng.randint(2, 5)):
            fired = impact + timedelta(minutes=rng.uniform(0, 2) + 4 * k)
            labels = {"alertname": names[k], "service": service, "severity": "critical"}
            plan.alerts.append(
                Alert(
                    dedup_key=f"bench-{number}-{k}",
                    status="firing",
                    title=f"{names[k]} on {service}",
                    labels=labels,
                    description=sentences[k % len(sentences)],
                    severity="critical",
                    starts_at=fired,
                    created_at=fired,
                    last_event_at=fired,
                    incident_id=number,
                )
            )
        ref = f"bench-planted-{n}" if n % 2 == 0 else None
        if ref:
            occurred = impact - timedelta(minutes=rng.uniform(5, 45))
            kind = rng.choice(("deploy", "config", "feature_flag"))
            plan.planted.append(change(rng, ref, service, ids, occurred, kind))
        plan.asked.append(Live(f"INC-{number}", (impact + AT_AFTER_IMPACT).isoformat(), ref))
    return plan


def load_alerts(db: Database, actor: Actor, alerts: list[Alert]) -> None:
    """The alerts, with the event that opened each, in the disabled source of imported ones."""
    with db.session() as session:
        source = imported_source(
            session, actor=actor, now=utcnow(), directory=Directory(session, HistoryIn())
        )
        for alert in alerts:
            alert.source_id = source.id
        session.add_all(alerts)
        session.flush()
        session.add_all(
            AlertEvent(
                alert_id=alert.id,
                action="trigger",
                outcome="opened",
                dedup_key=alert.dedup_key,
                occurred_at=alert.created_at,
            )
            for alert in alerts
        )


def load_known_errors(db: Database, actor: Actor, begin: datetime, end: datetime) -> None:
    """Known errors written from dev-set incidents, recorded through the year."""
    rng = random.Random(17)
    step = (end - begin) / KNOWN_ERRORS
    with db.session() as session:
        for n, record in enumerate(rng.sample(load(DEV_SET), KNOWN_ERRORS)):
            alert = record.get("alert_labels", {}).get("alertname")
            family = record["family"].replace("-", " ").capitalize()
            known_errors.create(
                session,
                actor=actor,
                title=f"{family}: {record['title']}"[:300],
                symptoms=perturb(record["summary"], rng),
                workaround=[f"Known cause: {record['root_cause'].split('. ')[0]}"],
                alert_names=[alert] if alert else [],
                now=begin + step * n,
            )


def build(db: Database, size: int, changes: int, live: int) -> World:
    """The year of history ending now, for an admin whose token the world holds."""
    prepare(db)
    end = utcnow().replace(microsecond=0)
    begin = end - timedelta(days=365)
    with db.session() as session:
        user = auth.create_user(
            session, actor=None, now=end, email="bench@example.com", name="Bench", role="admin"
        )
        actor = auth.actor_of(user)
        _, token = auth.create_token(session, actor=actor, now=end, user_id=user.id, name="b")
        severity = session.scalars(select(Severity.id)).first()
        kind = session.scalars(select(IncidentType.id)).first()
    defaults = {"severity_id": severity, "type_id": kind}
    with db.engine.begin() as connection:
        ids, ours = load_catalog(connection, end)
        load_past(connection, defaults, size, ours, ids, begin, end)
        plan = plan_live(live, size + 1, defaults, ours, ids, end)
        connection.execute(insert(Incident), plan.incidents)
        connection.execute(insert(incident_service), plan.links)
        connection.execute(insert(Counter).values(name="incident", value=size + live))
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('incident', 'id'), (SELECT max(id) FROM"
            " incident))"
        )
        rows = plan.planted + changes_over(changes - len(plan.planted), ids, begin, end)
        for first in range(0, len(rows), BATCH):
            connection.execute(insert(ChangeEvent), rows[first : first + BATCH])
    load_alerts(db, actor, plan.alerts)
    load_known_errors(db, actor, begin, end)
    counts = {
        "incidents": size,
        "changes": len(rows),
        "services": len(ids),
        "known_errors": KNOWN_ERRORS,
        "live_incidents": live,
        "alerts": len(plan.alerts),
    }
    return World(token, plan.asked, counts)
