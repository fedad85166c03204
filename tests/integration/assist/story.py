"""A realistic incident told through the services, minute by minute: a deploy, alerts, the
declaration, updates, a severity change, a rollback and the resolution. Shared by the drafting
and post-incident tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_service

from watchkeep.alert.models import ChangeEvent, IncidentChange
from watchkeep.catalog.models import Service
from watchkeep.followup import service as followups
from watchkeep.incident import roles, updates
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition
from watchkeep.incident.timeline import record

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass
class Story:
    incident: Incident
    deploy: ChangeEvent
    rollback: ChangeEvent
    unrelated: ChangeEvent


def change(
    session: Session, incident: Incident, minutes: int, summary: str, service_id: int
) -> ChangeEvent:
    event = ChangeEvent(
        kind="deploy",
        summary=summary,
        service_id=service_id,
        occurred_at=at(minutes),
        received_at=at(minutes),
        details={},
        links=[],
    )
    session.add(event)
    session.flush()
    session.add(
        IncidentChange(incident_id=incident.id, change_event_id=event.id, attached_at=at(minutes))
    )
    session.flush()
    return event


def service(session: Session, name: str) -> Service:
    """The service named ``name``, made if there is none."""
    found = session.scalar(select(Service).where(Service.name == name))
    return found or make_service(session, name)


def checkout_outage(
    session: Session, lead: Person, comms: Person, *, resolve: bool = True
) -> Story:
    checkout, search = service(session, "checkout"), service(session, "search")
    incident = incidents.declare(
        session,
        actor=lead.actor,
        now=at(2),
        title="Checkout errors after deploy",
        severity="SEV3",
        summary="Customers cannot complete checkout; 30% of payments fail.",
        service_ids=[checkout.id],
        impact_started_at=at(0),
    )
    deploy = change(session, incident, -10, "Deploy checkout v2.3.1", checkout.id)
    unrelated = change(session, incident, -5, "Deploy search v7.0.2", search.id)
    record(
        session,
        incident=incident,
        kind="alert",
        actor=None,
        now=at(1),
        occurred_at=at(1),
        title="Alert ALR-1 fired: CheckoutErrorRate above 5%",
        payload={"alert": "ALR-1"},
    )
    roles.assign(
        session, incident=incident, role="comms", user_id=comms.user.id, actor=lead.actor, now=at(4)
    )
    updates.post(
        session,
        incident=incident,
        actor=comms.actor,
        now=at(5),
        message="Checkout errors are elevated. We are investigating.",
    )
    incidents.update(session, incident=incident, actor=lead.actor, now=at(10), severity="SEV2")
    transition(session, incident=incident, actor=lead.actor, status="fixing", now=at(15))
    rollback = change(session, incident, 20, "Rollback checkout to v2.3.0", checkout.id)
    transition(session, incident=incident, actor=lead.actor, status="monitoring", now=at(25))
    updates.post(
        session,
        incident=incident,
        actor=comms.actor,
        now=at(26),
        message="A fix is in place. Error rates are back to normal; we are monitoring.",
    )
    followups.create(
        session,
        actor=lead.actor,
        title="Add a test for the coupon code path",
        incident_id=incident.id,
        owner_id=comms.user.id,
        due_at=at(60 * 24 * 7),
        now=at(30),
    )
    incidents.update(
        session,
        incident=incident,
        actor=lead.actor,
        now=at(35),
        root_cause="A null coupon in checkout v2.3.1 raised an exception on every payment "
        "with no coupon.",
        resolution="Rolled checkout back to v2.3.0.",
    )
    if resolve:
        transition(session, incident=incident, actor=lead.actor, status="resolved", now=at(40))
    session.flush()
    return Story(incident, deploy, rollback, unrelated)
