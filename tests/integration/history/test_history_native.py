"""An imported incident reads like a native one: the same story told through the incident
domain's services and through an import gives the same timeline (kinds, titles, payloads),
and the same rows besides."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person

from watchkeep.core.clock import iso_z
from watchkeep.followup.models import FollowUp
from watchkeep.history.service import import_history, parse
from watchkeep.incident import followups, roles, timeline, updates
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident, StatusUpdate, TimelineEntry
from watchkeep.incident.read import incident_read
from watchkeep.incident.status import transition

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
IDS = ("update_id", "follow_up_id", "user_id", "owner_id")


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def native(session: Session, lead: Person, comms: Person) -> Incident:
    """The story, as responders click it."""
    incident = incidents.declare(
        session, actor=lead.actor, title="Native", severity="SEV3", status="triage", now=at(0)
    )
    roles.assign(
        session,
        incident=incident,
        role="comms",
        user_id=comms.user.id,
        actor=lead.actor,
        now=at(0),
    )
    transition(session, incident=incident, actor=lead.actor, status="investigating", now=at(3))
    incidents.update(session, incident=incident, actor=lead.actor, severity="SEV1", now=at(4))
    timeline.add_note(
        session,
        incident=incident,
        actor=comms.actor,
        text="Looks like the cache\nsee graph",
        pinned=True,
        now=at(6),
    )
    updates.post(
        session,
        incident=incident,
        actor=comms.actor,
        message="Investigating slow pages",
        status="fixing",
        next_update_in_minutes=15,
        now=at(10),
    )
    roles.assign(
        session,
        incident=incident,
        role="scribe",
        user_id=comms.user.id,
        actor=lead.actor,
        now=at(12),
    )
    transition(session, incident=incident, actor=lead.actor, status="monitoring", now=at(20))
    updates.post(
        session,
        incident=incident,
        actor=comms.actor,
        message="Fixed",
        status="resolved",
        now=at(30),
    )
    followups.create(
        session,
        incident=incident,
        actor=lead.actor,
        title="Warm the cache",
        owner_id=comms.user.id,
        priority="high",
        now=at(40),
    )
    return incident


def story(lead: Person, comms: Person) -> dict[str, Any]:
    """The same story, as an import file tells it."""
    lead_ref, comms_ref = lead.user.email, comms.user.name

    def entry(minutes: int, kind: str, actor: str, **payload: Any) -> dict[str, Any]:
        return {"at": iso_z(at(minutes)), "kind": kind, "actor": actor, "payload": payload}

    return {
        "incidents": [
            {
                "ref": "EXT-1",
                "title": "Imported",
                "severity": "SEV1",
                "declared_at": iso_z(at(0)),
                "reporter": lead_ref,
                "roles": {"comms": comms_ref},
                "timeline": [
                    {"kind": "declared", "payload": {"status": "triage", "severity": "SEV3"}},
                    entry(3, "status", lead_ref, to="investigating"),
                    entry(4, "severity", lead_ref, to="SEV1"),
                    entry(
                        6, "note", comms_ref, text="Looks like the cache\nsee graph", pinned=True
                    ),
                    entry(
                        10,
                        "update",
                        comms_ref,
                        message="Investigating slow pages",
                        status="fixing",
                        next_update_in_minutes=15,
                    ),
                    entry(12, "role", lead_ref, role="scribe", user=comms_ref),
                    entry(20, "status", lead_ref, to="monitoring"),
                    entry(30, "update", comms_ref, message="Fixed", status="resolved"),
                    entry(
                        40,
                        "follow_up",
                        lead_ref,
                        title="Warm the cache",
                        owner=comms_ref,
                        priority="high",
                    ),
                ],
            }
        ]
    }


def told(session: Session, incident: Incident) -> list[tuple[Any, ...]]:
    """What the timeline says, ids aside: who, when, kind, title, text, pin and payload."""
    rows = session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident.id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return [
        (
            e.actor_id,
            e.occurred_at,
            e.kind,
            e.title,
            e.description,
            e.pinned,
            {k: v for k, v in e.payload.items() if k not in IDS},
        )
        for e in rows
    ]


def test_an_imported_story_reads_as_the_native_one(session: Session, admin: Person) -> None:
    lead, comms = make_person(session, name="Lena Lead"), make_person(session, name="Cai Comms")
    made = native(session, lead, comms)
    import_history(session, actor=admin.actor, now=at(600), document=parse(story(lead, comms)))
    imported = session.scalar(select(Incident).where(Incident.external_ref == "EXT-1"))
    assert imported is not None
    assert told(session, imported) == told(session, made)
    for name in ("acknowledged_at", "mitigated_at", "resolved_at", "next_update_at"):
        assert getattr(imported, name) == getattr(made, name), name
    assert imported.timestamp_sources == made.timestamp_sources
    mine = incident_read(session, imported, admin.actor, now=at(600))
    theirs = incident_read(session, made, admin.actor, now=at(600))
    keep = {"roles", "durations", "timestamps", "status", "severity", "labels", "allowed_next"}
    assert mine.model_dump(include=keep) == theirs.model_dump(include=keep)
    assert (mine.external_ref, theirs.external_ref) == ("EXT-1", None)

    def rows(
        model: type[StatusUpdate] | type[FollowUp], incident: Incident
    ) -> list[tuple[Any, ...]]:
        found = session.scalars(select(model).where(model.incident_id == incident.id))
        columns = [c.name for c in model.__table__.columns if c.name not in ("id", "incident_id")]
        return sorted(tuple(getattr(row, c) for c in columns) for row in found)

    assert rows(StatusUpdate, imported) == rows(StatusUpdate, made)
    assert rows(FollowUp, imported) == rows(FollowUp, made)
