"""Changing an incident's fields and timestamps: each change is one timeline entry."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin, make_incident, make_service

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Forbidden, Invalid
from watchkeep.incident import customfields, timestamps
from watchkeep.incident import service as incidents
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.status import transition
from watchkeep.incident.timeline import list_entries

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def entries_after_declare(session: Session, incident: Incident) -> list[TimelineEntry]:
    entries = list_entries(session, incident_id=incident.id)
    return [e for e in entries if e.kind not in ("declared", "role_assigned")]


def test_each_changed_field_writes_one_entry_with_old_and_new(
    session: Session, alice: Person
) -> None:
    api, db = make_service(session, name="api"), make_service(session, name="db")
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Region",
        kind="single_select",
        options=["eu", "us"],
    )
    incident = make_incident(
        session,
        alice,
        title="Slow",
        severity="SEV3",
        service_ids=[api.id],
        custom_fields={"Region": "eu"},
    )
    incidents.update(
        session,
        incident=incident,
        actor=alice.actor,
        title="Checkout slow",
        summary="p99 above 3 s",
        severity="SEV1",
        incident_type="Customer-facing",
        service_ids=[db.id, api.id],
        private=True,
        custom_fields={"Region": "us"},
        now=utcnow(),
    )
    changes = {e.kind: e.payload for e in entries_after_declare(session, incident)}
    assert changes == {
        "title_changed": {"old": "Slow", "new": "Checkout slow"},
        "summary_changed": {"old": "", "new": "p99 above 3 s"},
        "severity_changed": {"old": "SEV3", "new": "SEV1"},
        "type_changed": {"old": "Default", "new": "Customer-facing"},
        "services_changed": {"old": ["api"], "new": ["api", "db"]},
        "visibility_changed": {"old": False, "new": True},
        "custom_field_changed": {"old": "eu", "new": "us", "field": "Region"},
    }
    assert len(entries_after_declare(session, incident)) == 7
    assert all(e.actor_id == alice.user.id for e in entries_after_declare(session, incident))
    assert (incident.title, incident.severity.name, incident.type.name) == (
        "Checkout slow",
        "SEV1",
        "Customer-facing",
    )
    assert [s.name for s in incident.services] == ["api", "db"]
    assert incident.private is True
    assert customfields.values_of(session, incident_id=incident.id) == {"Region": "us"}


def test_unchanged_values_write_nothing(session: Session, alice: Person) -> None:
    api = make_service(session)
    incident = make_incident(session, alice, title="Same", severity="SEV2", service_ids=[api.id])
    incidents.update(
        session,
        incident=incident,
        actor=alice.actor,
        title=" Same ",
        summary="",
        severity="sev2",
        incident_type="Default",
        service_ids=[api.id],
        private=False,
        now=utcnow(),
    )
    assert entries_after_declare(session, incident) == []


@pytest.mark.parametrize(
    ("start", "to", "word"), [("SEV3", "SEV1", "raised"), ("SEV1", "SEV4", "lowered")]
)
def test_severity_changes_say_which_way(
    session: Session, alice: Person, start: str, to: str, word: str
) -> None:
    incident = make_incident(session, alice, severity=start)
    incidents.update(session, incident=incident, actor=alice.actor, severity=to, now=utcnow())
    (entry,) = entries_after_declare(session, incident)
    assert entry.title == f"Severity {word} from {start} to {to}"


def test_clearing_a_custom_field_records_the_old_value(session: Session, alice: Person) -> None:
    customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Ticket", kind="link"
    )
    incident = make_incident(session, alice, custom_fields={"Ticket": "https://t.example.com/1"})
    incidents.update(
        session, incident=incident, actor=alice.actor, custom_fields={"Ticket": None}, now=utcnow()
    )
    (entry,) = entries_after_declare(session, incident)
    assert entry.payload == {"old": "https://t.example.com/1", "new": None, "field": "Ticket"}
    assert customfields.values_of(session, incident_id=incident.id) == {}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"severity": "SEV0"}, "severity"),
        ({"service_ids": [987654]}, "service_ids"),
    ],
)
def test_bad_updates_are_invalid(
    session: Session, alice: Person, kwargs: dict[str, object], field: str
) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as raised:
        incidents.update(session, incident=incident, actor=alice.actor, now=utcnow(), **kwargs)  # type: ignore[arg-type]
    assert raised.value.details["field"] == field


def test_a_bad_custom_field_value_on_update_is_invalid(session: Session, alice: Person) -> None:
    customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Customers", kind="numeric"
    )
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as raised:
        incidents.update(
            session,
            incident=incident,
            actor=alice.actor,
            custom_fields={"Customers": "lots"},
            now=utcnow(),
        )
    assert raised.value.details["field"] == "custom_fields.Customers"


def test_a_viewer_cannot_update(session: Session, alice: Person, viewer: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Forbidden):
        incidents.update(session, incident=incident, actor=viewer.actor, title="Mine", now=utcnow())
    assert incident.title != "Mine"


# --- timestamps ------------------------------------------------------------------------------


def test_setting_a_timestamp_by_hand_is_audited(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    started = NOW - timedelta(hours=1)
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=alice.actor,
        name="impact_started_at",
        value=started,
        now=utcnow(),
    )
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=alice.actor,
        name="acknowledged_at",
        value=NOW + timedelta(minutes=5),
        now=utcnow(),
    )
    assert incident.impact_started_at == started
    assert incident.timestamp_sources["impact_started_at"] == "manual"
    assert incident.timestamp_sources["acknowledged_at"] == "manual"
    assert incident.timestamp_sources["declared_at"] == "auto"
    changes = list(entries_after_declare(session, incident))
    assert [e.kind for e in changes] == ["timestamp_changed", "timestamp_changed"]
    assert changes[0].payload == {
        "old": None,
        "new": "2026-02-03T09:00:00Z",
        "timestamp": "impact_started_at",
    }
    assert changes[1].payload == {
        "old": "2026-02-03T10:00:00Z",
        "new": "2026-02-03T10:05:00Z",
        "timestamp": "acknowledged_at",
    }
    assert changes[1].actor_id == alice.user.id


def test_clearing_a_timestamp_records_the_old_value(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=alice.actor,
        name="acknowledged_at",
        value=None,
        now=utcnow(),
    )
    assert incident.acknowledged_at is None
    (entry,) = entries_after_declare(session, incident)
    assert entry.payload["old"] == "2026-02-03T10:00:00Z"
    assert entry.payload["new"] is None


def test_setting_the_same_value_records_nothing(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    timestamps.set_timestamp(
        session, incident=incident, actor=alice.actor, name="declared_at", value=NOW, now=utcnow()
    )
    assert entries_after_declare(session, incident) == []
    assert incident.timestamp_sources["declared_at"] == "auto"


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [("started_at", NOW, "name"), ("declared_at", None, "value")],
)
def test_bad_timestamps_are_invalid(
    session: Session, alice: Person, name: str, value: datetime | None, field: str
) -> None:
    incident = make_incident(session, alice, now=NOW)
    with pytest.raises(Invalid) as raised:
        timestamps.set_timestamp(
            session, incident=incident, actor=alice.actor, name=name, value=value, now=utcnow()
        )
    assert raised.value.details["field"] == field
    assert incident.declared_at == NOW


def test_a_viewer_cannot_set_timestamps(session: Session, alice: Person, viewer: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    with pytest.raises(Forbidden):
        timestamps.set_timestamp(
            session,
            incident=incident,
            actor=viewer.actor,
            name="reported_at",
            value=None,
            now=utcnow(),
        )


def test_a_manual_mitigation_survives_the_lifecycle(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    mitigated = NOW + timedelta(minutes=3)
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=alice.actor,
        name="mitigated_at",
        value=mitigated,
        now=utcnow(),
    )
    transition(
        session,
        incident=incident,
        actor=alice.actor,
        status="monitoring",
        now=NOW + timedelta(minutes=20),
    )
    transition(
        session,
        incident=incident,
        actor=alice.actor,
        status="resolved",
        now=NOW + timedelta(minutes=40),
    )
    assert incident.mitigated_at == mitigated
    assert incident.timestamp_sources["mitigated_at"] == "manual"
    assert incident.resolved_at == NOW + timedelta(minutes=40)
    assert incident.timestamp_sources["resolved_at"] == "auto"


def test_durations_are_measured_from_impact_start_or_declaration(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, status="triage", now=NOW)
    assert timestamps.durations(incident) == {
        "time_to_acknowledge": None,
        "time_to_mitigate": None,
        "time_to_resolve": None,
        "time_to_close": None,
    }
    minutes = lambda n: NOW + timedelta(minutes=n)  # noqa: E731
    transition(
        session, incident=incident, actor=alice.actor, status="investigating", now=minutes(4)
    )
    transition(session, incident=incident, actor=alice.actor, status="monitoring", now=minutes(10))
    transition(session, incident=incident, actor=alice.actor, status="resolved", now=minutes(30))
    transition(session, incident=incident, actor=alice.actor, status="closed", now=minutes(60))
    assert timestamps.durations(incident) == {
        "time_to_acknowledge": 240.0,
        "time_to_mitigate": 600.0,
        "time_to_resolve": 1800.0,
        "time_to_close": 3600.0,
    }
    timestamps.set_timestamp(
        session,
        incident=incident,
        actor=alice.actor,
        name="impact_started_at",
        value=minutes(-20),
        now=utcnow(),
    )
    durations = timestamps.durations(incident)
    assert (durations["time_to_mitigate"], durations["time_to_resolve"]) == (1800.0, 3000.0)
    assert durations["time_to_acknowledge"] == 240.0
