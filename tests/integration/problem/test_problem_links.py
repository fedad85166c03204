"""Incidents joined to problems: link and unlink, raise a problem from incidents, impact."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_problem, make_service

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.incident.access import add_participant
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition as move_incident
from watchkeep.incident.timeline import list_entries
from watchkeep.problem import links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.models import Problem
from watchkeep.problem.timeline import list_events

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def linked_refs(session: Session, problem: Problem, person: Person) -> list[str]:
    rows = links.linked_incidents(session, problem_id=problem.id, actor=person.actor)
    return [incident.reference for incident, _ in rows]


def incident_kinds(session: Session, incident: Incident) -> list[str]:
    return [e.kind for e in list_entries(session, incident_id=incident.id)]


@pytest.fixture
def problem(session: Session, alice: Person) -> Problem:
    return make_problem(session, alice, title="Replica lag")


def test_link_records_who_and_why_on_both_timelines(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    incident = make_incident(session, alice, title="Replica lag on db-2")
    row = links.link(
        session,
        problem=problem,
        incident_ref=incident.reference,
        actor=bob.actor,
        reason=" same ",
        now=utcnow(),
    )
    assert (row.linked_by_id, row.reason) == (bob.user.id, "same")
    [(shown, link_row)] = links.linked_incidents(session, problem_id=problem.id, actor=bob.actor)
    assert (shown.id, link_row.linked_by.name) == (incident.id, "Bob")
    assert [p.id for p in links.problems_of_incident(session, incident_id=incident.id)] == [
        problem.id
    ]
    event = list_events(session, problem_id=problem.id)[-1]
    assert (event.kind, event.title, event.actor_id) == (
        "incident_linked",
        f"Linked {incident.reference}",
        bob.user.id,
    )
    assert event.payload == {"incident_id": incident.id, "reason": "same"}
    entry = list_entries(session, incident_id=incident.id)[-1]
    assert (entry.kind, entry.title) == (
        "problem_linked",
        f"Linked to {problem.reference}: Replica lag",
    )
    assert entry.payload == {
        "problem": problem.reference,
        "problem_id": problem.id,
        "reason": "same",
    }


def test_unlink_takes_it_off_both_sides_and_both_timelines_say_so(
    session: Session, alice: Person, problem: Problem
) -> None:
    incident = make_incident(session, alice)
    links.link(
        session, problem=problem, incident_ref=incident.reference, actor=alice.actor, now=utcnow()
    )
    links.unlink(
        session, problem=problem, incident_ref=str(incident.number), actor=alice.actor, now=utcnow()
    )
    assert linked_refs(session, problem, alice) == []
    assert links.problems_of_incident(session, incident_id=incident.id) == []
    assert [e.kind for e in list_events(session, problem_id=problem.id)][-2:] == [
        "incident_linked",
        "incident_unlinked",
    ]
    assert incident_kinds(session, incident)[-2:] == ["problem_linked", "problem_unlinked"]
    assert list_entries(session, incident_id=incident.id)[-1].title == (
        f"Unlinked from {problem.reference}"
    )
    with pytest.raises(NotFound) as raised:
        links.unlink(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=alice.actor,
            now=utcnow(),
        )
    assert raised.value.message == f"{incident.reference} is not linked to {problem.reference}"


def test_an_incident_may_be_explained_by_several_problems(
    session: Session, alice: Person, problem: Problem
) -> None:
    other = make_problem(session, alice, title="Slow disks")
    incident = make_incident(session, alice)
    for target in (other, problem):
        links.link(
            session,
            problem=target,
            incident_ref=incident.reference,
            actor=alice.actor,
            now=utcnow(),
        )
    found = links.problems_of_incident(session, incident_id=incident.id)
    assert [p.reference for p in found] == sorted(
        [problem.reference, other.reference], key=lambda r: int(r[4:])
    )


def test_linking_twice_is_a_conflict(session: Session, alice: Person, problem: Problem) -> None:
    incident = make_incident(session, alice)
    links.link(
        session, problem=problem, incident_ref=incident.reference, actor=alice.actor, now=utcnow()
    )
    with pytest.raises(Conflict) as raised:
        links.link(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=alice.actor,
            now=utcnow(),
        )
    assert raised.value.message == f"{incident.reference} is already linked to {problem.reference}"
    assert [e.kind for e in list_events(session, problem_id=problem.id)].count(
        "incident_linked"
    ) == 1


def test_unknown_and_invisible_incidents_are_not_found_alike(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    secret = make_incident(session, alice, title="Leaked keys", private=True)
    missing = "INC-987654"
    with pytest.raises(NotFound, match=f"incident {missing} does not exist"):
        links.link(session, problem=problem, incident_ref=missing, actor=alice.actor, now=utcnow())
    with pytest.raises(NotFound) as raised:
        links.link(
            session, problem=problem, incident_ref=secret.reference, actor=bob.actor, now=utcnow()
        )
    assert raised.value.message == f"incident {secret.reference} does not exist"
    links.link(
        session, problem=problem, incident_ref=secret.reference, actor=alice.actor, now=utcnow()
    )
    with pytest.raises(NotFound, match=f"incident {secret.reference} does not exist"):
        links.unlink(
            session, problem=problem, incident_ref=secret.reference, actor=bob.actor, now=utcnow()
        )
    assert linked_refs(session, problem, alice) == [secret.reference]
    assert linked_refs(session, problem, bob) == []


def test_viewers_cannot_link_or_unlink(
    session: Session, alice: Person, viewer: Person, problem: Problem
) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Forbidden):
        links.link(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=viewer.actor,
            now=utcnow(),
        )
    links.link(
        session, problem=problem, incident_ref=incident.reference, actor=alice.actor, now=utcnow()
    )
    with pytest.raises(Forbidden):
        links.unlink(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=viewer.actor,
            now=utcnow(),
        )
    assert linked_refs(session, problem, viewer) == [incident.reference]


# --- raise a problem from incidents -------------------------------------------------------


def test_raise_carries_services_summaries_and_links_over(session: Session, alice: Person) -> None:
    db, api, web = make_service(session, "db"), make_service(session, "api"), make_service(session)
    first = make_incident(
        session, alice, title="Replica lag", summary="Reads stale", service_ids=[db.id, api.id]
    )
    second = make_incident(session, alice, title="Replica lag again", service_ids=[db.id])
    make_incident(session, alice, title="Unrelated", service_ids=[web.id])
    problem = links.raise_from_incidents(
        session,
        actor=alice.actor,
        incident_refs=[first.reference, second.reference, first.reference],
        priority="high",
        now=utcnow(),
    )
    assert (problem.title, problem.priority, problem.state) == ("Replica lag", "high", "new")
    assert problem.owner_id == alice.user.id
    assert [s.name for s in problem.services] == ["api", "db"]
    assert problem.description == (
        f"{first.reference} — Replica lag\nReads stale\n\n{second.reference} — Replica lag again"
    )
    assert linked_refs(session, problem, alice) == [first.reference, second.reference]
    reasons = {
        row.reason
        for _, row in links.linked_incidents(session, problem_id=problem.id, actor=alice.actor)
    }
    assert reasons == {"raised from the incident"}
    assert [e.kind for e in list_events(session, problem_id=problem.id)] == [
        "created",
        "incident_linked",
        "incident_linked",
    ]
    for incident in (first, second):
        assert incident_kinds(session, incident)[-1] == "problem_linked"


def test_raise_with_a_title_keeps_it(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, title="Replica lag")
    problem = links.raise_from_incidents(
        session,
        actor=alice.actor,
        incident_refs=[incident.reference],
        title="WAL archiving",
        now=utcnow(),
    )
    assert problem.title == "WAL archiving"


def test_raise_does_not_copy_a_private_incidents_text(
    session: Session, alice: Person, bob: Person
) -> None:
    secret = make_incident(
        session, alice, title="Leaked signing key", summary="key in a public repo", private=True
    )
    public = make_incident(session, alice, title="Token validation errors", summary="401s")
    problem = links.raise_from_incidents(
        session, actor=alice.actor, incident_refs=[secret.reference, public.reference], now=utcnow()
    )
    assert problem.title == "Token validation errors"
    assert "Leaked" not in problem.description and "public repo" not in problem.description
    assert public.reference in problem.description and secret.reference not in problem.description
    assert linked_refs(session, problem, alice) == [secret.reference, public.reference]
    assert linked_refs(session, problem, bob) == [public.reference]

    alone = links.raise_from_incidents(
        session, actor=alice.actor, incident_refs=[secret.reference], now=utcnow()
    )
    assert (alone.title, alone.description) == ("Recurring private incidents", "")


def test_raise_refuses_no_incidents_invisible_ones_and_viewers(
    session: Session, alice: Person, bob: Person, viewer: Person
) -> None:
    secret = make_incident(session, alice, private=True)
    public = make_incident(session, alice)
    with pytest.raises(Invalid, match="name at least one incident"):
        links.raise_from_incidents(session, actor=alice.actor, incident_refs=[], now=utcnow())
    with pytest.raises(NotFound, match=f"incident {secret.reference} does not exist"):
        links.raise_from_incidents(
            session,
            actor=bob.actor,
            incident_refs=[public.reference, secret.reference],
            now=utcnow(),
        )
    with pytest.raises(Forbidden):
        links.raise_from_incidents(
            session, actor=viewer.actor, incident_refs=[public.reference], now=utcnow()
        )
    assert links.problems_of_incident(session, incident_id=public.id) == []


# --- impact ---------------------------------------------------------------------------------


def resolve(session: Session, incident: Incident, person: Person, at: datetime) -> None:
    move_incident(session, incident=incident, actor=person.actor, status="resolved", now=at)


def test_impact_counts_durations_severities_recurrence_and_time_to_root_cause(
    session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    hour, day = timedelta(hours=1), timedelta(days=1)
    first = make_incident(session, alice, severity="SEV1", now=T0, impact_started_at=T0 - hour / 2)
    resolve(session, first, alice, T0 + hour)
    second = make_incident(session, alice, severity="SEV2", now=T0 + day)
    resolve(session, second, alice, T0 + day + 2 * hour)
    declined = make_incident(session, alice, status="triage", now=T0 + day)
    move_incident(session, incident=declined, actor=alice.actor, status="declined", now=utcnow())
    canceled = make_incident(session, alice, status="triage", now=T0 + day)
    move_incident(session, incident=canceled, actor=alice.actor, status="canceled", now=utcnow())
    merged = make_incident(session, alice, status="triage", now=T0 + day)
    move_incident(
        session,
        incident=merged,
        actor=alice.actor,
        status="merged",
        merged_into=first.reference,
        now=utcnow(),
    )
    secret = make_incident(session, alice, severity="SEV3", private=True, now=T0 + 2 * day)
    resolve(session, secret, alice, T0 + 2 * day + hour)

    problem = make_problem(session, alice, title="Replica lag", now=T0)
    for incident in (first, second, declined, canceled, merged, secret):
        links.link(
            session,
            problem=problem,
            incident_ref=incident.reference,
            actor=alice.actor,
            now=utcnow(),
        )
    rca.set_root_cause(
        session, problem=problem, actor=alice.actor, statement="WAL stalls", now=utcnow()
    )
    for state, at in (
        ("investigating", T0 + day),
        ("root_cause_identified", T0 + 3 * day),
        ("known_error", T0 + 3 * day),
        ("resolved", T0 + 4 * day),
    ):
        problems.transition(session, problem=problem, actor=alice.actor, state=state, now=at)
    recurred = make_incident(session, alice, severity="SEV2", now=T0 + 5 * day)
    links.link(
        session, problem=problem, incident_ref=recurred.reference, actor=alice.actor, now=utcnow()
    )

    now = T0 + 5 * day + hour
    seen_by_all = links.impact(session, problem=problem, actor=alice.actor, now=now)
    assert seen_by_all == links.impact(session, problem=problem, actor=admin.actor, now=now)
    assert seen_by_all.incident_count == 4
    assert seen_by_all.severity_mix == {"SEV1": 1, "SEV2": 2, "SEV3": 1}
    # 1.5 h (impact started before it was declared) + 2 h + 1 h + 1 h still going
    assert seen_by_all.total_duration_seconds == 5.5 * 3600
    assert seen_by_all.first_incident_at == T0 - hour / 2
    assert seen_by_all.last_incident_at == T0 + 5 * day
    assert seen_by_all.incidents_after_resolved == 1
    assert seen_by_all.time_to_root_cause_seconds == (3 * day + hour / 2).total_seconds()

    outsider = links.impact(session, problem=problem, actor=bob.actor, now=now)
    assert outsider.incident_count == 3
    assert outsider.severity_mix == {"SEV1": 1, "SEV2": 2}
    assert outsider.total_duration_seconds == 4.5 * 3600


def test_impact_of_a_problem_without_incidents_is_empty(
    session: Session, alice: Person, problem: Problem
) -> None:
    found = links.impact(session, problem=problem, actor=alice.actor, now=utcnow())
    assert (found.incident_count, found.total_duration_seconds, found.severity_mix) == (0, 0, {})
    assert (found.first_incident_at, found.last_incident_at) == (None, None)
    assert (found.incidents_after_resolved, found.time_to_root_cause_seconds) == (0, None)


def test_a_participant_counts_the_private_incident_they_take_part_in(
    session: Session, alice: Person, bob: Person, problem: Problem
) -> None:
    secret = make_incident(session, alice, private=True)
    links.link(
        session, problem=problem, incident_ref=secret.reference, actor=alice.actor, now=utcnow()
    )
    assert links.impact(session, problem=problem, actor=bob.actor, now=utcnow()).incident_count == 0
    add_participant(session, incident_id=secret.id, user_id=bob.user.id, now=utcnow())
    assert links.impact(session, problem=problem, actor=bob.actor, now=utcnow()).incident_count == 1
    assert links.hidden_incident_ids(session, incident_ids={secret.id}, actor=bob.actor) == set()
