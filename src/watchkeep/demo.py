"""Demo data for a first look: a few teams, services, users and incidents in different states.

Seeding is idempotent: it does nothing but print the login when an admin already exists.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.catalog import service as catalog
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.incident import customfields, timeline, updates
from watchkeep.incident import followups as inc_followups
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition
from watchkeep.oncall import overrides
from watchkeep.oncall import service as schedules
from watchkeep.problem import known_errors, links, rca
from watchkeep.problem import service as problems

ADMIN_EMAIL = "admin@example.com"


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    token: str


def seed(db: Database) -> Login:
    """Load the demo data into an empty database and return a login for its admin."""
    with db.session() as session:
        admin = session.scalar(select(User).where(User.email == ADMIN_EMAIL))
        password = "(unchanged: set when the demo data was first loaded)"
        now = utcnow()
        if admin is None:
            password = secrets.token_urlsafe(9)
            admin = auth.create_user(
                session,
                actor=None,  # the system loads the demo: there is no admin yet
                now=now,
                email=ADMIN_EMAIL,
                name="Ada Admin",
                role="admin",
                password=password,
            )
            _load(session, auth.actor_of(admin), now=now)
        _, token = auth.create_token(
            session, actor=auth.actor_of(admin), now=now, user_id=admin.id, name="demo"
        )
        return Login(email=ADMIN_EMAIL, password=password, token=token)


def _recurring_problem(session: Session, actor: Actor, *, later: Incident, now: datetime) -> None:
    """An older repeat of the billing incident, a problem over both, its known error."""
    earlier = incidents.declare(
        session,
        actor=actor,
        title="Billing queue stuck, invoices not sent",
        summary="The billing consumer stopped acknowledging messages; the queue kept growing.",
        severity="SEV3",
        service_ids=[s.id for s in later.services],
        now=now - timedelta(days=20),
    )
    for status in ("monitoring", "resolved"):
        transition(session, incident=earlier, actor=actor, status=status, now=now)
    problem = links.raise_from_incidents(
        session,
        actor=actor,
        incident_refs=[earlier.reference, later.reference],
        title="billing-worker consumer stalls on poison messages",
        now=now,
    )
    problems.transition(session, problem=problem, actor=actor, state="investigating", now=now)
    rca.set_whys(
        session,
        problem=problem,
        actor=actor,
        steps=[
            ("Why were invoices late?", "The billing queue stopped draining."),
            ("Why did it stop draining?", "The consumer retried one malformed message forever."),
            ("Why forever?", "There is no retry limit and no dead-letter queue."),
        ],
        now=now,
    )
    rca.add_factor(
        session,
        problem=problem,
        actor=actor,
        category="technology",
        description="No dead-letter queue on the billing topic",
        now=now,
    )
    rca.set_root_cause(
        session,
        problem=problem,
        actor=actor,
        statement="A malformed message is retried forever, blocking the consumer.",
        now=now,
    )
    problems.transition(
        session, problem=problem, actor=actor, state="root_cause_identified", now=now
    )
    known_errors.create(
        session,
        actor=actor,
        problem=problem,
        title="Billing consumer stuck on a poison message",
        symptoms="billing queue growing, consumer stuck, invoices delayed",
        workaround=[
            "Find the message at the head of the billing queue in the consumer logs",
            "Move it to the parking queue with `billing-admin park <id>`",
            "Check that the queue drains",
        ],
        now=now,
    )
    problems.transition(session, problem=problem, actor=actor, state="known_error", now=now)


def _schedules(
    session: Session,
    admin_actor: Actor,
    people: dict[str, User],
    *,
    teams: tuple[int, int],
    now: datetime,
) -> None:
    """Who is on call: the platform team in weekly turns, payments in office hours."""
    monday = (now - timedelta(days=now.weekday())).strftime("%Y-%m-%dT09:00:00")
    platform = schedules.create(
        session,
        actor=admin_actor,
        name="Platform primary",
        description="Paged for postgres-main and edge-gateway.",
        timezone="Europe/London",
        team_id=teams[0],
        layers=[
            {
                "name": "Weekly",
                "users": [people["Linus Torvalds"].id, people["Grace Hopper"].id],
                "anchor": monday,
                "handovers": [{"interval": 1, "unit": "weekly"}],
            }
        ],
        now=now,
    )
    overrides.create_override(
        session,
        schedule=platform,
        actor=admin_actor,
        user_id=people["Grace Hopper"].id,
        start=now + timedelta(days=2),
        end=now + timedelta(days=2, hours=8),
        note="Covering for Linus's dentist appointment",
        now=now,
    )
    schedules.create(
        session,
        actor=admin_actor,
        name="Payments business hours",
        description="Checkout and billing, on weekdays.",
        timezone="America/New_York",
        team_id=teams[1],
        layers=[
            {
                "name": "Office hours",
                "users": [people["Margaret Hamilton"].id],
                "anchor": monday,
                "handovers": [{"interval": 1, "unit": "daily"}],
                "working_intervals": [
                    {"weekday": day, "start": "08:00", "end": "18:00"}
                    for day in ("mon", "tue", "wed", "thu", "fri")
                ],
            }
        ],
        now=now,
    )


def _load(session: Session, admin_actor: Actor, *, now: datetime) -> None:
    people = {
        name: auth.create_user(
            session,
            actor=admin_actor,
            now=now,
            email=email,
            name=name,
            role=role,
            password="watchkeep-demo",
        )
        for name, email, role in (
            ("Grace Hopper", "grace@example.com", "responder"),
            ("Linus Torvalds", "linus@example.com", "responder"),
            ("Margaret Hamilton", "margaret@example.com", "responder"),
            ("Viewer Vic", "vic@example.com", "viewer"),
        )
    }
    actors = {name: auth.actor_of(user) for name, user in people.items()}
    platform = catalog.create_team(
        session,
        actor=admin_actor,
        now=now,
        name="Platform",
        description="Runs the shared infrastructure.",
        member_ids=[people["Linus Torvalds"].id, people["Grace Hopper"].id],
    )
    payments = catalog.create_team(
        session,
        actor=admin_actor,
        now=now,
        name="Payments",
        description="Owns checkout and billing.",
        member_ids=[people["Margaret Hamilton"].id],
    )
    services = {
        name: catalog.create_service(
            session,
            actor=admin_actor,
            now=now,
            name=name,
            description=text,
            owner_team_id=team.id,
        )
        for name, text, team in (
            ("checkout-api", "Takes orders and payments.", payments),
            ("billing-worker", "Creates invoices from completed orders.", payments),
            ("postgres-main", "The primary PostgreSQL cluster.", platform),
            ("edge-gateway", "TLS termination and routing for every public request.", platform),
        )
    }
    customfields.create_field(
        session,
        actor=admin_actor,
        now=now,
        name="Customer impact",
        kind="single_select",
        options=["None", "Some customers", "All customers"],
    )
    customfields.create_field(session, actor=admin_actor, now=now, name="Runbook", kind="link")

    grace, linus, margaret = (
        actors["Grace Hopper"],
        actors["Linus Torvalds"],
        actors["Margaret Hamilton"],
    )
    impact_start = now - timedelta(minutes=50)
    live = incidents.declare(
        session,
        actor=margaret,
        title="Checkout returns 502 for a share of requests",
        summary=(
            f"Around 8% of checkout requests fail at the edge since {impact_start:%H:%M} UTC."
        ),
        severity="SEV1",
        service_ids=[services["checkout-api"].id, services["edge-gateway"].id],
        custom_fields={"Customer impact": "Some customers"},
        impact_started_at=impact_start,
        now=now - timedelta(minutes=45),
    )
    timeline.add_note(
        session,
        incident=live,
        actor=linus,
        text="Edge logs show upstream resets from two checkout pods.",
        pinned=True,
        now=now,
    )
    updates.post(
        session,
        incident=live,
        actor=margaret,
        message="We are investigating failed checkouts; retries succeed for most users.",
        next_update_in_minutes=30,
        now=now,
    )

    fixing = incidents.declare(
        session,
        actor=grace,
        title="Replication lag on postgres-main above 5 minutes",
        summary="Read replicas are behind; reports show stale data.",
        severity="SEV2",
        service_ids=[services["postgres-main"].id],
        now=now - timedelta(hours=3),
    )
    transition(session, incident=fixing, actor=grace, status="fixing", now=now)
    inc_followups.create(
        session,
        incident=fixing,
        actor=grace,
        title="Alert on replication lag at 60 s, not 5 min",
        priority="high",
        owner_id=people["Grace Hopper"].id,
        now=now,
    )

    resolved = incidents.declare(
        session,
        actor=linus,
        title="Invoices delayed by a stuck billing queue",
        severity="SEV3",
        service_ids=[services["billing-worker"].id],
        now=now - timedelta(days=2),
    )
    for status, hours in (("monitoring", 46), ("resolved", 45)):
        at = now - timedelta(hours=hours)
        transition(session, incident=resolved, actor=linus, status=status, now=at)
    inc_followups.create(
        session,
        incident=resolved,
        actor=linus,
        title="Add a dead-letter queue to billing-worker",
        priority="medium",
        now=now,
    )
    _recurring_problem(session, linus, later=resolved, now=now)
    _schedules(session, admin_actor, people, teams=(platform.id, payments.id), now=now)

    incidents.declare(
        session,
        actor=grace,
        title="Elevated 404s on /static after deploy",
        severity="SEV4",
        status="triage",
        service_ids=[services["edge-gateway"].id],
        now=now,
    )
    incidents.declare(
        session,
        actor=admin_actor,
        title="Suspicious logins on the admin console",
        severity="SEV2",
        incident_type="Security",
        now=now - timedelta(hours=1),
    )
