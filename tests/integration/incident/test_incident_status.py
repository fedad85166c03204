"""Moving incidents through the lifecycle, and merging them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid, InvalidTransition, NotFound
from watchkeep.incident import timestamps, updates
from watchkeep.incident.models import Incident
from watchkeep.incident.status import merge, merged_into_this, transition
from watchkeep.incident.timeline import list_entries

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def status_entries(session: Session, incident: Incident) -> list[tuple[str, str]]:
    return [
        (e.payload["old"], e.payload["new"])
        for e in list_entries(session, incident_id=incident.id)
        if e.kind == "status_changed"
    ]


def test_a_full_lifecycle_records_each_step_and_stamps_times(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, status="triage", now=NOW)
    move = lambda status, minutes: transition(  # noqa: E731
        session, incident=incident, actor=alice.actor, status=status, now=at(minutes)
    )
    move("investigating", 5)
    assert incident.acknowledged_at == at(5)
    move("fixing", 8)
    move("monitoring", 10)
    assert incident.mitigated_at == at(10)
    move("investigating", 12)
    move("monitoring", 14)
    assert incident.mitigated_at == at(10)
    move("resolved", 30)
    assert incident.resolved_at == at(30)
    move("investigating", 35)
    assert incident.resolved_at is None
    move("resolved", 50)
    assert incident.resolved_at == at(50)
    move("documenting", 60)
    move("reviewing", 70)
    move("documenting", 75)
    move("closed", 90)
    assert incident.status == "closed"
    assert incident.closed_at == at(90)
    assert (incident.acknowledged_at, incident.mitigated_at) == (at(5), at(10))
    assert {k: incident.timestamp_sources[k] for k in ("acknowledged_at", "mitigated_at")} == {
        "acknowledged_at": "auto",
        "mitigated_at": "auto",
    }
    assert status_entries(session, incident) == [
        ("triage", "investigating"),
        ("investigating", "fixing"),
        ("fixing", "monitoring"),
        ("monitoring", "investigating"),
        ("investigating", "monitoring"),
        ("monitoring", "resolved"),
        ("resolved", "investigating"),
        ("investigating", "resolved"),
        ("resolved", "documenting"),
        ("documenting", "reviewing"),
        ("reviewing", "documenting"),
        ("documenting", "closed"),
    ]


def test_an_invalid_transition_changes_nothing_and_lists_what_is_allowed(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, now=NOW)
    before = len(list_entries(session, incident_id=incident.id))
    with pytest.raises(InvalidTransition) as raised:
        transition(session, incident=incident, actor=alice.actor, status="closed", now=at(1))
    assert raised.value.details == {
        "current": "investigating",
        "target": "closed",
        "allowed": ["fixing", "monitoring", "resolved"],
    }
    assert incident.status == "investigating"
    assert incident.closed_at is None
    assert len(list_entries(session, incident_id=incident.id)) == before


def test_an_unknown_status_is_invalid(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as raised:
        transition(session, incident=incident, actor=alice.actor, status="done", now=utcnow())
    assert raised.value.details["field"] == "status"


def test_a_viewer_cannot_move_an_incident(session: Session, alice: Person, viewer: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Forbidden):
        transition(session, incident=incident, actor=viewer.actor, status="fixing", now=utcnow())
    assert incident.status == "investigating"


def test_leaving_the_live_statuses_stops_expecting_updates(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    updates.post(session, incident=incident, actor=alice.actor, message="Looking", now=at(1))
    assert incident.next_update_at == at(31)
    transition(session, incident=incident, actor=alice.actor, status="fixing", now=at(2))
    assert incident.next_update_at == at(31)
    transition(session, incident=incident, actor=alice.actor, status="resolved", now=at(3))
    assert incident.next_update_at is None


@pytest.mark.parametrize("status", ["declined", "canceled"])
def test_a_triage_incident_can_be_discarded(session: Session, alice: Person, status: str) -> None:
    incident = make_incident(session, alice, status="triage")
    transition(session, incident=incident, actor=alice.actor, status=status, now=utcnow())
    assert incident.status == status
    with pytest.raises(InvalidTransition) as raised:
        transition(
            session, incident=incident, actor=alice.actor, status="investigating", now=utcnow()
        )
    assert raised.value.details["allowed"] == []


# --- merging ---------------------------------------------------------------------------------


def test_merging_points_the_source_to_the_target_and_shows_it_there(
    session: Session, alice: Person
) -> None:
    target = make_incident(session, alice, title="Checkout down")
    source = make_incident(session, alice, title="Payments erroring", status="triage")
    transition(
        session,
        incident=source,
        actor=alice.actor,
        status="merged",
        merged_into=target.reference,
        now=utcnow(),
    )
    assert source.status == "merged"
    assert source.merged_into_id == target.id
    assert source.merged_into is target
    assert merged_into_this(session, incident=target, actor=alice.actor) == [source.reference]
    source_entry = list_entries(session, incident_id=source.id)[-1]
    assert source_entry.kind == "status_changed"
    assert source_entry.payload == {
        "old": "triage",
        "new": "merged",
        "merged_into": target.reference,
    }
    target_entry = list_entries(session, incident_id=target.id)[-1]
    assert target_entry.kind == "incident_merged"
    assert target_entry.payload == {"merged": source.reference, "merged_id": source.id}
    assert target.status == "investigating"


def test_merging_needs_a_target(session: Session, alice: Person) -> None:
    source = make_incident(session, alice, status="triage")
    with pytest.raises(Invalid) as raised:
        transition(session, incident=source, actor=alice.actor, status="merged", now=utcnow())
    assert raised.value.details["field"] == "merged_into"
    assert source.status == "triage"


def test_an_incident_cannot_merge_into_itself(session: Session, alice: Person) -> None:
    source = make_incident(session, alice, status="triage")
    with pytest.raises(Invalid) as raised:
        merge(session, incident=source, actor=alice.actor, into=source.reference, now=utcnow())
    assert raised.value.details["field"] == "merged_into"


def test_an_incident_cannot_merge_into_a_merged_one(session: Session, alice: Person) -> None:
    target = make_incident(session, alice)
    middle = make_incident(session, alice, status="triage")
    source = make_incident(session, alice, status="triage")
    merge(session, incident=middle, actor=alice.actor, into=target.reference, now=utcnow())
    with pytest.raises(Invalid) as raised:
        merge(session, incident=source, actor=alice.actor, into=middle.reference, now=utcnow())
    assert f"{middle.reference} is itself merged" in raised.value.message
    assert source.status == "triage"


def test_only_triage_incidents_can_be_merged(session: Session, alice: Person) -> None:
    target = make_incident(session, alice)
    source = make_incident(session, alice)
    with pytest.raises(InvalidTransition):
        merge(session, incident=source, actor=alice.actor, into=target.reference, now=utcnow())
    assert source.merged_into_id is None
    assert merged_into_this(session, incident=target, actor=alice.actor) == []


def test_a_merge_target_must_exist_and_be_visible(
    session: Session, alice: Person, bob: Person
) -> None:
    hidden = make_incident(session, bob, private=True)
    source = make_incident(session, alice, status="triage")
    for ref in ("INC-987654", hidden.reference):
        with pytest.raises(NotFound):
            merge(session, incident=source, actor=alice.actor, into=ref, now=utcnow())
    assert source.status == "triage"


def test_set_timestamp_after_merge_is_still_audited(session: Session, alice: Person) -> None:
    # The merged incident keeps its history; corrections remain possible and audited.
    target = make_incident(session, alice)
    source = make_incident(session, alice, status="triage", now=NOW)
    merge(session, incident=source, actor=alice.actor, into=target.reference, now=utcnow())
    timestamps.set_timestamp(
        session,
        incident=source,
        actor=alice.actor,
        name="impact_started_at",
        value=at(-5),
        now=utcnow(),
    )
    assert list_entries(session, incident_id=source.id)[-1].kind == "timestamp_changed"


def test_a_transition_is_recorded_at_the_time_it_was_made(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    transition(session, incident=incident, actor=alice.actor, status="fixing", now=at(5))
    (entry,) = [
        e for e in list_entries(session, incident_id=incident.id) if e.kind == "status_changed"
    ]
    assert entry.occurred_at == at(5)
