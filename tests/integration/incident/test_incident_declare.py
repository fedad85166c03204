"""Declaring incidents: references, roles, timeline, custom fields and all-or-nothing failure."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin, make_incident, make_service

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import DomainError, Forbidden, Invalid
from watchkeep.incident import customfields, roles
from watchkeep.incident import service as incidents
from watchkeep.incident.access import is_participant
from watchkeep.incident.models import (
    CustomFieldValue,
    Incident,
    Participant,
    RoleAssignment,
    TimelineEntry,
)
from watchkeep.incident.timeline import list_entries

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def stored_counts(session: Session) -> dict[str, int]:
    session.flush()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Incident, TimelineEntry, RoleAssignment, Participant, CustomFieldValue)
    }


def test_reference_numbers_increase(session: Session, alice: Person) -> None:
    numbers = [make_incident(session, alice).number for _ in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    found = session.get(Incident, session.scalar(select(Incident.id).order_by(Incident.id.desc())))
    assert found is not None
    assert found.reference == f"INC-{numbers[2]}"


def test_the_declarer_is_reporter_lead_and_participant(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, title="  Checkout is down  ", now=NOW)
    assert incident.title == "Checkout is down"
    assert incident.reporter_id == alice.user.id
    held = {
        a.role_type.slug: a.user_id for a in roles.assignments(session, incident_id=incident.id)
    }
    assert held == {"lead": alice.user.id, "reporter": alice.user.id}
    assert is_participant(session, incident_id=incident.id, user_id=alice.user.id)


def test_declaring_live_stamps_reported_declared_and_acknowledged(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, now=NOW)
    assert incident.status == "investigating"
    assert incident.reported_at == incident.declared_at == incident.acknowledged_at == NOW
    assert incident.timestamp_sources == {
        "reported_at": "auto",
        "declared_at": "auto",
        "acknowledged_at": "auto",
    }
    assert incident.mitigated_at is None
    assert incident.resolved_at is None


def test_declaring_in_triage_is_not_acknowledged(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, status="triage", now=NOW)
    assert incident.status == "triage"
    assert incident.acknowledged_at is None
    assert "acknowledged_at" not in incident.timestamp_sources


def test_a_named_lead_gets_the_lead_role_and_becomes_participant(
    session: Session, alice: Person, bob: Person
) -> None:
    incident = make_incident(session, alice, lead_id=bob.user.id)
    assert roles.holder(session, incident_id=incident.id, slug="lead").id == bob.user.id  # type: ignore[union-attr]
    assert roles.holder(session, incident_id=incident.id, slug="reporter").id == alice.user.id  # type: ignore[union-attr]
    assert is_participant(session, incident_id=incident.id, user_id=bob.user.id)


def test_declaring_writes_a_declared_entry_first(session: Session, alice: Person) -> None:
    api = make_service(session, name="api")
    incident = make_incident(
        session, alice, severity="sev1", service_ids=[api.id], status="fixing", now=NOW
    )
    entries = list_entries(session, incident_id=incident.id)
    declared = entries[0]
    assert declared.kind == "declared"
    assert declared.actor_id == alice.user.id
    assert declared.occurred_at == NOW
    assert declared.payload == {
        "status": "fixing",
        "severity": "SEV1",
        "type": "Default",
        "services": ["api"],
        "private": False,
    }
    assert [e.kind for e in entries].count("declared") == 1


def test_severity_and_type_are_found_by_name_or_id(session: Session, alice: Person) -> None:
    by_name = make_incident(session, alice, severity="SEV3", incident_type="security")
    by_id = make_incident(
        session, alice, severity=by_name.severity_id, incident_type=by_name.type_id
    )
    assert (by_id.severity.name, by_id.type.name) == ("SEV3", "Security")


def test_security_incidents_are_private_by_default_unless_told(
    session: Session, alice: Person
) -> None:
    assert make_incident(session, alice, incident_type="Security").private is True
    assert make_incident(session, alice, incident_type="Security", private=False).private is False
    assert make_incident(session, alice).private is False
    assert make_incident(session, alice, private=True).private is True


def test_impact_start_is_kept_as_a_manual_timestamp(session: Session, alice: Person) -> None:
    started = NOW - timedelta(minutes=30)
    incident = make_incident(session, alice, impact_started_at=started, now=NOW)
    assert incident.impact_started_at == started
    assert incident.timestamp_sources["impact_started_at"] == "manual"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"severity": "SEV9"}, "severity"),
        ({"severity": 999}, "severity"),
        ({"service_ids": [987654]}, "service_ids"),
        ({"title": "   "}, "title"),
        ({"status": "resolved"}, "status"),
        ({"status": "on-fire"}, "status"),
        ({"impact_started_at": NOW + timedelta(minutes=1)}, "impact_started_at"),
    ],
    ids=["severity-name", "severity-id", "service", "title", "not-declarable", "status", "impact"],
)
def test_bad_input_is_invalid_and_names_the_field(
    session: Session, alice: Person, kwargs: dict[str, Any], field: str
) -> None:
    kwargs = {"title": "t", "severity": "SEV2", **kwargs}
    with pytest.raises(Invalid) as raised:
        incidents.declare(session, actor=alice.actor, now=NOW, **kwargs)
    assert raised.value.details["field"] == field


def test_unknown_incident_type_is_invalid(session: Session, alice: Person) -> None:
    with pytest.raises(Invalid) as raised:
        make_incident(session, alice, incident_type="Volcano")
    assert "Volcano" in raised.value.message
    assert "Security" in raised.value.message  # says what would have been accepted


def test_unknown_service_error_names_the_missing_ids(session: Session, alice: Person) -> None:
    api = make_service(session)
    with pytest.raises(Invalid) as raised:
        make_incident(session, alice, service_ids=[api.id, 987654])
    assert "987654" in raised.value.message
    assert str(api.id) not in raised.value.message.replace("987654", "")


def test_a_viewer_cannot_declare(session: Session, viewer: Person) -> None:
    with pytest.raises(Forbidden):
        make_incident(session, viewer)


# --- custom fields ---------------------------------------------------------------------------

KIND_CASES = [
    # kind, options, given, stored
    ("single_select", ["eu", "us"], "us", "us"),
    ("multi_select", ["web", "ios", "android"], ["android", "web"], ["web", "android"]),
    ("multi_select", ["web", "ios", "android"], "ios", ["ios"]),
    ("text", [], "card payments fail", "card payments fail"),
    ("link", [], "https://status.example.com/x", "https://status.example.com/x"),
    ("numeric", [], 1200, 1200),
    ("numeric", [], "2.5", 2.5),
    ("numeric", [], "7", 7),
]

BAD_CASES = [
    ("single_select", ["eu", "us"], "asia"),
    ("single_select", ["eu", "us"], ["eu"]),
    ("multi_select", ["web", "ios"], ["web", "tv"]),
    ("multi_select", ["web", "ios"], 5),
    ("text", [], 5),
    ("link", [], "ftp://example.com/file"),
    ("link", [], "not a url"),
    ("numeric", [], "many"),
    ("numeric", [], True),
    ("numeric", [], [1]),
]


@pytest.mark.parametrize(("kind", "options", "given", "stored"), KIND_CASES)
def test_custom_field_values_are_validated_and_normalised(
    session: Session, alice: Person, kind: str, options: list[str], given: Any, stored: Any
) -> None:
    customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Impact", kind=kind, options=options
    )
    incident = make_incident(session, alice, custom_fields={"Impact": given})
    assert customfields.values_of(session, incident_id=incident.id) == {"Impact": stored}


@pytest.mark.parametrize(("kind", "options", "given"), BAD_CASES)
def test_bad_custom_field_values_are_invalid_and_nothing_is_stored(
    session: Session, alice: Person, kind: str, options: list[str], given: Any
) -> None:
    customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Impact", kind=kind, options=options
    )
    before = stored_counts(session)
    with pytest.raises(Invalid) as raised, session.begin_nested():
        make_incident(session, alice, custom_fields={"Impact": given})
    assert raised.value.details["field"] == "custom_fields.Impact"
    assert "Impact" in raised.value.message
    assert stored_counts(session) == before


@pytest.mark.parametrize("given", [{}, {"Region": ""}, {"Region": None}])
def test_a_field_required_at_declare_must_be_given(
    session: Session, alice: Person, given: dict[str, Any]
) -> None:
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Region",
        kind="single_select",
        options=["eu", "us"],
        required_at_declare=True,
    )
    before = stored_counts(session)
    with pytest.raises(Invalid) as raised, session.begin_nested():
        make_incident(session, alice, custom_fields=given)
    assert raised.value.details["field"] == "custom_fields"
    assert "Region" in raised.value.message
    assert stored_counts(session) == before
    incident = make_incident(session, alice, custom_fields={"Region": "eu"})
    assert customfields.values_of(session, incident_id=incident.id) == {"Region": "eu"}


def test_custom_fields_are_found_by_id_too(session: Session, alice: Person) -> None:
    field = customfields.create_field(
        session, actor=an_admin(session), now=utcnow(), name="Customers", kind="numeric"
    )
    incident = make_incident(session, alice, custom_fields={str(field.id): 12})
    assert customfields.values_of(session, incident_id=incident.id) == {"Customers": 12}


def test_an_unknown_custom_field_is_invalid(session: Session, alice: Person) -> None:
    with pytest.raises(DomainError) as raised, session.begin_nested():
        make_incident(session, alice, custom_fields={"Nonexistent": 1})
    assert isinstance(raised.value, Invalid)
    assert raised.value.details["field"] == "custom_fields.Nonexistent"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"severity": "SEV9"},
        {"service_ids": [987654]},
        {"custom_fields": {"Impact": "asia"}},
        {"lead_id": 987654},
    ],
    ids=["severity", "service", "custom-field", "lead"],
)
def test_nothing_is_stored_when_declare_fails(
    session: Session, alice: Person, kwargs: dict[str, Any]
) -> None:
    customfields.create_field(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Impact",
        kind="single_select",
        options=["eu"],
    )
    make_incident(session, alice)
    before = stored_counts(session)
    with pytest.raises(Invalid), session.begin_nested():
        make_incident(session, alice, **kwargs)
    assert stored_counts(session) == before
    # The session is still usable and the next incident is complete.
    incident = make_incident(session, alice)
    assert next(e.kind for e in list_entries(session, incident_id=incident.id)) == "declared"
