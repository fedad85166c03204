"""Incident roles: assign, replace, unassign, several per person, custom role types."""

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.incident import roles
from watchkeep.incident.access import is_participant
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import list_entries


def held(session: Session, incident: Incident) -> dict[str, int]:
    return {
        a.role_type.slug: a.user_id for a in roles.assignments(session, incident_id=incident.id)
    }


def role_entries(session: Session, incident: Incident) -> list[tuple[str, dict[str, object]]]:
    return [
        (e.kind, e.payload)
        for e in list_entries(session, incident_id=incident.id)
        if e.kind.startswith("role_")
    ]


def test_declare_records_both_initial_roles(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    assert role_entries(session, incident) == [
        (
            "role_assigned",
            {"old": None, "new": "Alice", "role": "reporter", "user_id": alice.user.id},
        ),
        ("role_assigned", {"old": None, "new": "Alice", "role": "lead", "user_id": alice.user.id}),
    ]


def test_assigning_a_role_records_it_and_adds_a_participant(
    session: Session, alice: Person, bob: Person
) -> None:
    incident = make_incident(session, alice)
    assert not is_participant(session, incident_id=incident.id, user_id=bob.user.id)
    assignment = roles.assign(
        session,
        incident=incident,
        role="comms",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    assert (assignment.role_type.slug, assignment.user.name) == ("comms", "Bob")
    assert held(session, incident)["comms"] == bob.user.id
    assert is_participant(session, incident_id=incident.id, user_id=bob.user.id)
    entry = list_entries(session, incident_id=incident.id)[-1]
    assert (entry.kind, entry.actor_id, entry.title) == (
        "role_assigned",
        alice.user.id,
        "Bob is now Communications lead",
    )
    assert entry.payload == {"old": None, "new": "Bob", "role": "comms", "user_id": bob.user.id}


def test_assigning_a_held_role_replaces_its_holder(
    session: Session, alice: Person, bob: Person
) -> None:
    incident = make_incident(session, alice)
    roles.assign(
        session,
        incident=incident,
        role="lead",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    assert held(session, incident) == {"lead": bob.user.id, "reporter": alice.user.id}
    assert role_entries(session, incident)[-1] == (
        "role_assigned",
        {"old": "Alice", "new": "Bob", "role": "lead", "user_id": bob.user.id},
    )
    assert len(roles.assignments(session, incident_id=incident.id)) == 2


def test_assigning_the_current_holder_again_records_nothing(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice)
    before = role_entries(session, incident)
    roles.assign(
        session,
        incident=incident,
        role="lead",
        user_id=alice.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    assert role_entries(session, incident) == before


def test_one_person_may_hold_several_roles(session: Session, alice: Person, bob: Person) -> None:
    incident = make_incident(session, alice)
    for role in ("lead", "comms", "scribe"):
        roles.assign(
            session,
            incident=incident,
            role=role,
            user_id=bob.user.id,
            actor=alice.actor,
            now=utcnow(),
        )
    assert held(session, incident) == {
        "lead": bob.user.id,
        "reporter": alice.user.id,
        "comms": bob.user.id,
        "scribe": bob.user.id,
    }
    # Built-in roles come in their rank order.
    assert [a.role_type.slug for a in roles.assignments(session, incident_id=incident.id)] == [
        "lead",
        "reporter",
        "comms",
        "scribe",
    ]


def test_unassigning_a_role_records_it(session: Session, alice: Person, bob: Person) -> None:
    incident = make_incident(session, alice)
    roles.assign(
        session,
        incident=incident,
        role="scribe",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    roles.unassign(session, incident=incident, role="scribe", actor=alice.actor, now=utcnow())
    assert "scribe" not in held(session, incident)
    assert roles.holder(session, incident_id=incident.id, slug="scribe") is None
    assert role_entries(session, incident)[-1] == (
        "role_unassigned",
        {"old": "Bob", "new": None, "role": "scribe"},
    )
    with pytest.raises(NotFound):
        roles.unassign(session, incident=incident, role="scribe", actor=alice.actor, now=utcnow())


def test_custom_roles_can_be_created_and_assigned(
    session: Session, alice: Person, bob: Person
) -> None:
    liaison = roles.create_role_type(
        session,
        actor=an_admin(session),
        now=utcnow(),
        name="Customer Liaison",
        instructions="Talks to the affected customers.",
    )
    assert (liaison.slug, liaison.builtin) == ("customer-liaison", False)
    assert "customer-liaison" in [r.slug for r in roles.list_role_types(session)]
    incident = make_incident(session, alice)
    roles.assign(
        session,
        incident=incident,
        role="customer-liaison",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    roles.assign(
        session,
        incident=incident,
        role=liaison.id,
        user_id=alice.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    assert held(session, incident)["customer-liaison"] == alice.user.id


def test_custom_role_slugs_are_unique_and_names_required(session: Session) -> None:
    roles.create_role_type(session, actor=an_admin(session), now=utcnow(), name="Liaison")
    with pytest.raises(Conflict) as raised:
        roles.create_role_type(session, actor=an_admin(session), now=utcnow(), name="liaison")
    assert raised.value.details["field"] == "slug"
    with pytest.raises(Invalid):
        roles.create_role_type(session, actor=an_admin(session), now=utcnow(), name="  ")
    with pytest.raises(Invalid) as raised_slug:
        roles.create_role_type(session, actor=an_admin(session), now=utcnow(), name="!!!")
    assert raised_slug.value.details["field"] == "slug"


def test_an_unknown_role_or_user_is_invalid(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as unknown_role:
        roles.assign(
            session,
            incident=incident,
            role="captain",
            user_id=alice.user.id,
            actor=alice.actor,
            now=utcnow(),
        )
    assert unknown_role.value.details["field"] == "role"
    assert "lead" in unknown_role.value.message
    with pytest.raises(Invalid) as unknown_user:
        roles.assign(
            session,
            incident=incident,
            role="comms",
            user_id=987654,
            actor=alice.actor,
            now=utcnow(),
        )
    assert unknown_user.value.details["field"] == "user_id"


def test_an_inactive_user_cannot_take_a_role(session: Session, alice: Person, bob: Person) -> None:
    incident = make_incident(session, alice)
    bob.user.is_active = False
    session.flush()
    with pytest.raises(Invalid):
        roles.assign(
            session,
            incident=incident,
            role="comms",
            user_id=bob.user.id,
            actor=alice.actor,
            now=utcnow(),
        )
    assert "comms" not in held(session, incident)
