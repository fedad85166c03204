"""The two states in which the accessibility checks open every page.

*Empty*: a fresh database with nothing but the defaults, and one user of each role to log in
as. *Full*: the demo data, and what it lacks so that every page shows its populated form —
a private incident, custom fields of every kind, problem actions, a proposed problem, a
retired known error, a schedule with layers and an override, a dead and a pending job.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep import demo
from watchkeep.alert import ingest, routing, silences, sources
from watchkeep.alert.models import Alert
from watchkeep.alert.normalize import Link, Signal
from watchkeep.assist.drafting import service as drafting
from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.escalation import links, pages, policies, runs
from watchkeep.incident import customfields, roles, updates
from watchkeep.incident import followups as incident_followups
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import DEAD
from watchkeep.notify import contacts, deliveries
from watchkeep.oncall import overrides
from watchkeep.oncall import service as schedules
from watchkeep.postmortem import documents as postmortem_documents
from watchkeep.problem import candidates, known_errors
from watchkeep.problem import followups as problem_followups
from watchkeep.problem import service as problems
from watchkeep.problem.models import KnownError, Problem

ROLES = ("admin", "responder", "viewer")
EMPTY_PASSWORD = "correct horse battery"
DEMO_PASSWORD = "watchkeep-demo"  # every demo user but the admin (see watchkeep.demo)


@dataclass(frozen=True)
class Login:
    email: str
    password: str


@dataclass(frozen=True)
class Records:
    """The full state's records whose pages are checked (references and ids)."""

    live_incident: str
    resolved_incident: str
    private_incident: str  # the responder takes part in it; the viewer may not see it
    problem: str  # every part of the analysis filled in
    new_problem: str  # nothing filled in yet: the empty forms
    known_error: str
    schedule_id: int
    changing_incident: str  # a live incident that a test moves on over htmx
    alert_id: int  # routed, escalating, its people notified, on the live incident
    silenced_alert_id: int  # opened inside a silence: it paged nobody
    ack_token: str  # the one-click acknowledge link of the routed alert's first page
    alerting: "Alerting"


@dataclass(frozen=True)
class Alerting:
    """Alert sources, a policy, how the responder is paged, and a page's acknowledge link."""

    source_id: int  # an Alertmanager source, with every sender's configuration
    heartbeat_id: int
    github_id: int  # a GitHub source, with its signing secret
    policy_id: int
    contacts_user_id: int  # the responder, with contact methods and rules
    ack_token: str


def fill_empty(db: Database) -> dict[str, Login]:
    """One user of each role on a fresh database; returns their logins by role."""
    logins = {role: Login(f"{role}@example.com", EMPTY_PASSWORD) for role in ROLES}
    with db.session() as session:
        for role, login in logins.items():
            auth.create_user(
                session,
                actor=None,
                now=utcnow(),
                email=login.email,
                name=f"{role.capitalize()} Example",
                role=role,
                password=login.password,
            )
    return logins


def fill_full(db: Database) -> tuple[dict[str, Login], Records]:
    """The demo data and more; returns the logins by role and the records to open."""
    admin_login = demo.seed(db)
    logins = {
        "admin": Login(admin_login.email, admin_login.password),
        "responder": Login("grace@example.com", DEMO_PASSWORD),
        "viewer": Login("vic@example.com", DEMO_PASSWORD),
    }
    with db.session() as session:
        people = {u.email: auth.actor_of(u) for u in session.scalars(select(User))}
        admin, grace = people[admin_login.email], people["grace@example.com"]
        linus = people["linus@example.com"]
        live = _live(session, admin, grace)
        schedule_id = _schedule(session, admin, grace, linus)
        alert_id, silenced_alert_id, ack_token = _alerts(session, admin, grace, live, schedule_id)
        resolved = _by_title(session, "Invoices delayed")
        _postmortem(session, grace, resolved)
        records = Records(
            live_incident=live.reference,
            resolved_incident=resolved.reference,
            private_incident=_private(session, grace).reference,
            problem=_analysed_problem(session, linus).reference,
            new_problem=problems.create(
                session, actor=grace, title="Edge pods restart under load", now=utcnow()
            ).reference,
            known_error=_known_errors(session, linus).reference,
            schedule_id=schedule_id,
            changing_incident=_by_title(session, "Replication lag").reference,
            alert_id=alert_id,
            silenced_alert_id=silenced_alert_id,
            ack_token=ack_token,
            alerting=_alerting(session, admin, grace, schedule_id),
        )
        _proposal(session)
        _jobs(session)
    return logins, records


def _postmortem(session: Session, grace: Actor, incident: Incident) -> None:
    """The resolved incident's post-mortem, drafted, with one section edited and a redraft of
    it offered beside the edit; its root cause stated."""
    incidents.update(
        session,
        incident=incident,
        actor=grace,
        now=utcnow(),
        root_cause="A batch job held locks on the invoices table for an hour.",
    )
    drafting.draft(session, incident=incident, actor=grace)
    document = postmortem_documents.get(session, incident=incident)
    postmortem_documents.edit(
        session,
        document=document,
        key="summary",
        actor=grace,
        now=utcnow(),
        body="Invoices were **late** for an hour.",
    )
    drafting.draft(session, incident=incident, actor=grace, sections=["summary"])


def _alerts(
    session: Session, admin: Actor, grace: Actor, incident: Incident, schedule_id: int
) -> tuple[int, int, str]:
    """A routed alert that escalated (its pages planned) on the live incident, one that a
    silence kept from paging anyone, and the acknowledge link of the first page."""
    now = utcnow()
    policy = policies.create(
        session,
        actor=admin,
        now=now,
        name="Storage escalation",
        levels=[
            {"minutes": 5, "targets": [{"type": "user", "id": grace.user_id}]},
            {"minutes": 10, "targets": [{"type": "schedule", "id": schedule_id}]},
        ],
    )
    source = sources.create(
        session,
        actor=admin,
        now=now,
        kind="alertmanager",
        name="prometheus-eu",
        escalation_policy_id=policy.id,
    )
    routing.create(session, actor=admin, now=now, name="Storage", matchers=['team="storage"'])
    silences.create(
        session,
        actor=grace,
        now=now,
        ends_at=now + timedelta(hours=4),
        matchers_text=['host="db-7"'],
        kind="maintenance",
        comment="Replacing the disks of db-7",
    )
    signals = [
        Signal(
            action="trigger",
            dedup_key="disk-db-3",
            title="Disk almost full on db-3",
            description="The data volume is at 96%.",
            severity="critical",
            labels={"team": "storage", "host": "db-3", "alertname": "DiskFull"},
            annotations={"runbook": "Grow the volume, then find what filled it"},
            links=(Link("https://grafana.example.com/d/disk", "Dashboard"),),
        ),
        Signal(
            action="trigger",
            dedup_key="disk-db-7",
            title="Disk almost full on db-7",
            severity="warning",
            labels={"team": "storage", "host": "db-7"},
        ),
    ]
    body = {"alerts": [{"labels": {"alertname": "DiskFull", "host": "db-3"}, "note": "<96%>"}]}
    routed, silenced = ingest.accept(
        session, source=source, format="alertmanager", body=body, signals=signals, now=now
    )
    assert routed.alert_id is not None and silenced.alert_id is not None
    runs.start(session, alert_id=routed.alert_id, now=now)
    paged = pages.pages_of_alert(session, alert_id=routed.alert_id)
    for page in paged:
        deliveries.plan_page(session, page_id=page.id, now=now)
    alert = session.get(Alert, routed.alert_id)
    assert alert is not None
    alert.incident_id = incident.id
    session.flush()
    token = links.token_for(session, page=paged[0], now=now)
    return routed.alert_id, silenced.alert_id, token


def _by_title(session: Session, start: str) -> Incident:
    found = session.scalar(select(Incident).where(Incident.title.startswith(start)))
    assert found is not None, f"the demo data has no incident {start!r}"
    return found


def _live(session: Session, admin: Actor, grace: Actor) -> Incident:
    """The demo's live incident with every kind of custom field set and roles held."""
    now = utcnow()
    for name, kind, options in (
        ("Regions", "multi_select", ["eu-west", "us-east", "ap-south"]),
        ("Ticket", "text", None),
        ("Affected orders", "numeric", None),
    ):
        customfields.create_field(
            session, actor=admin, now=now, name=name, kind=kind, options=options
        )
    live = _by_title(session, "Checkout returns 502")
    incidents.update(
        session,
        incident=live,
        actor=admin,
        now=now,
        custom_fields={
            "Regions": ["eu-west", "us-east"],
            "Ticket": "OPS-1432",
            "Affected orders": 412,
            "Runbook": "https://runbooks.example.com/checkout",
        },
    )
    assert grace.user_id is not None
    roles.assign(session, incident=live, role="scribe", user_id=grace.user_id, actor=admin, now=now)
    incident_followups.create(
        session,
        incident=live,
        actor=grace,
        title="Drain checkout pods before a deploy",
        priority="high",
        due_at=now + timedelta(days=7),
        now=now,
    )
    return live


def _private(session: Session, grace: Actor) -> Incident:
    now = utcnow()
    incident = incidents.declare(
        session,
        actor=grace,
        title="API key found in a public repository",
        summary="A read-only key for the orders API was pushed to a public repository.",
        severity="SEV2",
        private=True,
        now=now - timedelta(minutes=20),
    )
    updates.post(
        session,
        incident=incident,
        actor=grace,
        message="The key is revoked; we are checking the access logs.",
        now=now,
    )
    return incident


def _analysed_problem(session: Session, linus: Actor) -> Problem:
    """The demo's problem, with actions of each type beside its analysis."""
    problem = session.scalar(select(Problem).order_by(Problem.id).limit(1))
    assert problem is not None, "the demo data has no problem"
    now = utcnow()
    for title, action_type in (
        ("Add a dead-letter queue to the billing topic", "corrective"),
        ("Reject malformed messages at the producer", "preventive"),
        ("Alert when the billing queue grows for 10 minutes", "detective"),
    ):
        problem_followups.add(
            session, problem=problem, actor=linus, title=title, action_type=action_type, now=now
        )
    return problem


def _known_errors(session: Session, linus: Actor) -> KnownError:
    """The demo's known error with a fix under way, and a retired one beside it."""
    known = session.scalar(select(KnownError).order_by(KnownError.id).limit(1))
    assert known is not None, "the demo data has no known error"
    now = utcnow()
    known_errors.update(
        session,
        known=known,
        actor=linus,
        fix_status="in_progress",
        fix_link="https://tracker.example.com/BILL-77",
        alert_names=["BillingQueueGrowing"],
        now=now,
    )
    retired = known_errors.create(
        session,
        actor=linus,
        title="TLS handshake failures after a certificate rotation",
        symptoms="handshake errors at the edge, clients report certificate expired",
        workaround=["Reload the edge gateway so that it reads the new certificate"],
        fix_status="released",
        now=now,
    )
    known_errors.update(session, known=retired, actor=linus, active=False, now=now)
    return known


def _schedule(session: Session, admin: Actor, grace: Actor, linus: Actor) -> int:
    """A team's schedule with two layers (working hours on top) and an override."""
    now = utcnow()
    team = session.scalar(select(Team).where(Team.name == "Platform"))
    assert team is not None and grace.user_id is not None and linus.user_id is not None
    anchor = (now - timedelta(days=10)).strftime("%Y-%m-%dT09:00:00")
    schedule = schedules.create(
        session,
        actor=grace,
        name="Platform secondary",
        description="Who backs up the shared infrastructure's pages.",
        timezone="Europe/London",
        team_id=team.id,
        layers=[
            {
                "users": [grace.user_id, linus.user_id, admin.user_id],
                "anchor": anchor,
                "handovers": [{"interval": 1, "unit": "weekly"}],
            },
            {
                "users": [linus.user_id, None, grace.user_id],  # an empty slot: nobody
                "anchor": anchor,
                "handovers": [{"interval": 1, "unit": "daily"}],
                "working_intervals": [
                    {"weekday": day, "start": "09:00", "end": "17:00"}
                    for day in ("mon", "tue", "wed", "thu", "fri")
                ],
            },
        ],
        now=now,
    )
    start = now + timedelta(days=1)
    overrides.create_override(
        session,
        schedule=schedule,
        actor=grace,
        user_id=linus.user_id,
        start=start,
        end=start + timedelta(hours=12),
        note="Swap for a dentist appointment",
        now=now,
    )
    return schedule.id


def _alerting(session: Session, admin: Actor, grace: Actor, schedule_id: int) -> Alerting:
    """A policy of two levels, two sources and a route using it, and the responder's contact
    methods and rules, and a page to acknowledge."""
    now = utcnow()
    assert grace.user_id is not None
    policy = policies.create(
        session,
        actor=admin,
        now=now,
        name="Database on call",
        levels=[
            {"minutes": 5, "targets": [{"type": "schedule", "id": schedule_id}]},
            {"minutes": 10, "targets": [{"type": "user", "id": grace.user_id}]},
        ],
        repeat=1,
    )
    source = sources.create(
        session,
        actor=admin,
        now=now,
        name="Prometheus",
        kind="alertmanager",
        escalation_policy_id=policy.id,
    )
    heartbeat = sources.create(
        session,
        actor=admin,
        now=now,
        name="Nightly backup",
        kind="heartbeat",
        heartbeat_seconds=86400,
        grace_seconds=600,
    )
    github = sources.create(session, actor=admin, now=now, name="Repositories", kind="github")
    routing.create(
        session,
        actor=admin,
        now=now,
        name="Database pages",
        source_ids=[source.id],
        matchers=['team="db"'],
        severities=["critical"],
        escalation_policy_id=policy.id,
        declare_incident=True,
        group_by=["alertname"],
    )
    method = contacts.add_method(
        session, actor=grace, now=now, user_id=grace.user_id, kind="sms", address="+447700900123"
    )
    contacts.add_method(
        session,
        actor=grace,
        now=now,
        user_id=grace.user_id,
        kind="email",
        address="grace@example.com",
        label="work",
    )
    contacts.add_rule(
        session,
        actor=grace,
        now=now,
        user_id=grace.user_id,
        urgency="high",
        contact_method_id=method.id,
        delay_minutes=2,
    )
    [paged] = pages.page_directly(
        session, actor=admin, now=now, message="Disk almost full on db-3", user_ids=[grace.user_id]
    )
    return Alerting(
        source_id=source.id,
        heartbeat_id=heartbeat.id,
        github_id=github.id,
        policy_id=policy.id,
        contacts_user_id=grace.user_id,
        ack_token=links.token_for(session, page=paged, now=now),
    )


def _proposal(session: Session) -> None:
    """A proposed problem over two of the demo's incidents, as the recurrence job stores one."""
    pair = [_by_title(session, "Replication lag"), _by_title(session, "Elevated 404s")]
    now = utcnow()
    candidates.propose(
        session,
        fingerprint="accessibility-check",
        title="Recurring errors on edge-gateway",
        incident_ids=[i.id for i in pair],
        evidence={
            "shared_services": ["edge-gateway"],
            "shared_alerts": ["EdgeErrorRate"],
            "top_terms": ["edge", "errors", "deploy"],
            "concepts": ["errors"],
            "first_seen": (now - timedelta(hours=3)).isoformat(),
            "last_seen": now.isoformat(),
            "count": 2,
            "pattern": "2 incidents in 3 hours",
        },
        score=0.72,
        now=now,
    )


def _jobs(session: Session) -> None:
    """A job that died (with its error) and one waiting for tomorrow."""
    now = utcnow()
    dead = jobs.enqueue(session, kind="notify.chat", payload={"channel": "#ops"}, now=now)
    dead.state, dead.attempts, dead.finished_at = DEAD, dead.max_attempts, now
    dead.last_error = "ConnectionError: the chat service did not answer"
    jobs.enqueue(
        session, kind="notify.chat", payload={"channel": "#ops"}, due_at=now + timedelta(days=1)
    )
