"""Private incidents: seen by participants and admins only, reported as missing to others."""

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_follow_up, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.incident import followups as inc_followups
from watchkeep.incident import roles
from watchkeep.incident import service as incidents
from watchkeep.incident.followups import FollowUpFilter
from watchkeep.incident.listing import IncidentFilter, list_incidents
from watchkeep.incident.models import Incident
from watchkeep.incident.status import merge, merged_into_this
from watchkeep.incident.timeline import list_entries


@pytest.fixture
def secret(session: Session, alice: Person) -> Incident:
    incident = make_incident(session, alice, title="Leaked keys", incident_type="Security")
    assert incident.private is True
    make_follow_up(session, alice, incident, title="Rotate keys")
    return incident


def listed(session: Session, person: Person) -> list[int]:
    rows, _ = list_incidents(session, actor=person.actor, flt=IncidentFilter())
    return [i.id for i in rows]


def follow_up_titles(session: Session, person: Person) -> list[str]:
    return [
        f.title
        for f, _ in inc_followups.list_all(session, actor=person.actor, flt=FollowUpFilter())
    ]


def test_a_non_participant_cannot_see_a_private_incident(
    session: Session, alice: Person, bob: Person, viewer: Person, secret: Incident
) -> None:
    public = make_incident(session, alice, title="Public outage")
    make_follow_up(session, alice, public, title="Public follow-up")
    for outsider in (bob, viewer):
        assert listed(session, outsider) == [public.id]
        with pytest.raises(NotFound) as raised:
            incidents.get(session, ref=secret.reference, actor=outsider.actor)
        # Reported exactly like a reference that does not exist.
        assert raised.value.message == f"incident {secret.reference} does not exist"
        assert follow_up_titles(session, outsider) == ["Public follow-up"]
        rows, _ = list_incidents(session, actor=outsider.actor, flt=IncidentFilter(text="Leaked"))
        assert rows == []


def test_participants_and_admins_see_it(
    session: Session, alice: Person, admin: Person, secret: Incident
) -> None:
    for insider in (alice, admin):
        assert listed(session, insider) == [secret.id]
        assert incidents.get(session, ref=secret.reference, actor=insider.actor).id == secret.id
        assert follow_up_titles(session, insider) == ["Rotate keys"]


def test_getting_a_role_lets_you_see_it(
    session: Session, alice: Person, bob: Person, secret: Incident
) -> None:
    roles.assign(
        session,
        incident=secret,
        role="scribe",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    assert incidents.get(session, ref=secret.reference, actor=bob.actor).id == secret.id
    assert listed(session, bob) == [secret.id]


def test_being_invited_lets_you_see_it(
    session: Session, alice: Person, viewer: Person, secret: Incident
) -> None:
    incidents.add_participant_by(
        session, incident=secret, actor=alice.actor, user_id=viewer.user.id, now=utcnow()
    )
    assert incidents.get(session, ref=secret.reference, actor=viewer.actor).id == secret.id
    assert follow_up_titles(session, viewer) == ["Rotate keys"]
    entry = sorted(list_entries(session, incident_id=secret.id), key=lambda e: e.id)[-1]
    assert (entry.kind, entry.payload) == ("participant_added", {"user_id": viewer.user.id})
    # Inviting twice keeps one participation.
    incidents.add_participant_by(
        session, incident=secret, actor=alice.actor, user_id=viewer.user.id, now=utcnow()
    )
    assert listed(session, viewer) == [secret.id]


def test_making_an_incident_public_shows_it_to_everyone(
    session: Session, alice: Person, bob: Person, secret: Incident
) -> None:
    incidents.update(session, incident=secret, actor=alice.actor, private=False, now=utcnow())
    assert listed(session, bob) == [secret.id]


def test_incidents_merged_into_a_visible_one_stay_hidden_if_private(
    session: Session, alice: Person, bob: Person
) -> None:
    target = make_incident(session, alice)
    hidden = make_incident(session, alice, status="triage", private=True)
    shown = make_incident(session, alice, status="triage")
    merge(session, incident=hidden, actor=alice.actor, into=target.reference, now=utcnow())
    merge(session, incident=shown, actor=alice.actor, into=target.reference, now=utcnow())
    assert merged_into_this(session, incident=target, actor=alice.actor) == [
        hidden.reference,
        shown.reference,
    ]
    assert merged_into_this(session, incident=target, actor=bob.actor) == [shown.reference]


@pytest.mark.parametrize("ref", ["INC-987654", "nonsense", "INC-", ""])
def test_unknown_references_are_not_found(session: Session, alice: Person, ref: str) -> None:
    with pytest.raises(NotFound):
        incidents.get(session, ref=ref, actor=alice.actor)


def test_references_may_be_written_several_ways(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    for ref in (
        incident.reference,
        incident.reference.lower(),
        str(incident.number),
        incident.number,
    ):
        assert incidents.get(session, ref=ref, actor=alice.actor).id == incident.id


def test_inviting_an_unknown_user_is_invalid(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Invalid) as raised, session.begin_nested():
        incidents.add_participant_by(
            session, incident=incident, actor=alice.actor, user_id=987654, now=utcnow()
        )
    assert raised.value.details["field"] == "user_id"
