"""Problem candidates (propose, list, accept, dismiss) and known-error matches on incidents."""

from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_known_error, raise_problem

from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, NotFound
from watchkeep.incident.access import add_participant
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import list_entries
from watchkeep.problem import candidates, links
from watchkeep.problem.matching import dismiss_match, matches_for_incident, record_match
from watchkeep.problem.models import KnownError, ProblemCandidate

EVIDENCE = {"shared_services": ["orders"], "count": 3, "pattern": "3 incidents over 9 days"}


def propose(
    session: Session, incidents: list[Incident], *, title: str = "Recurring lag", **kw: Any
) -> ProblemCandidate | None:
    ids = [i.id for i in incidents]
    return candidates.propose(
        session,
        fingerprint=kw.pop("fingerprint", ",".join(map(str, sorted(ids)))),
        title=title,
        incident_ids=ids,
        evidence=kw.pop("evidence", EVIDENCE),
        score=kw.pop("score", 0.5),
        now=utcnow(),
    )


def listed(session: Session, person: Person, status: str = "proposed") -> list[tuple[str, Any]]:
    return [
        (c.title, c.evidence)
        for c in candidates.list_candidates(session, actor=person.actor, status=status)
    ]


@pytest.fixture
def three(session: Session, alice: Person) -> list[Incident]:
    return [make_incident(session, alice, title=f"Consumer lag {n}") for n in range(3)]


# --- propose ---------------------------------------------------------------------------------


def test_propose_stores_a_proposal_once_per_fingerprint(
    session: Session, alice: Person, three: list[Incident]
) -> None:
    made = propose(session, list(reversed(three)))
    assert made is not None
    assert made.incident_ids == sorted(i.id for i in three)
    assert (made.status, made.title, made.evidence, made.score) == (
        "proposed",
        "Recurring lag",
        EVIDENCE,
        0.5,
    )
    assert propose(session, three, title="Again") is None
    candidates.dismiss(session, candidate_id=made.id, actor=alice.actor, now=utcnow())
    assert propose(session, three) is None  # whatever became of it


def test_a_larger_cluster_supersedes_open_proposals_it_covers(
    session: Session, alice: Person, three: list[Incident]
) -> None:
    fourth, stranger = make_incident(session, alice), make_incident(session, alice)
    subset = propose(session, three)
    overlapping = propose(session, [*three[:2], stranger])
    dismissed = propose(session, three[1:])
    assert subset and overlapping and dismissed
    candidates.dismiss(session, candidate_id=dismissed.id, actor=alice.actor, now=utcnow())
    larger = propose(session, [*three, fourth])
    assert larger is not None
    assert (subset.status, overlapping.status, dismissed.status, larger.status) == (
        "superseded",
        "proposed",
        "dismissed",
        "proposed",
    )
    assert {c.id for c in candidates.list_candidates(session, actor=alice.actor)} == {
        overlapping.id,
        larger.id,
    }
    assert [c.id for c in candidates.list_candidates(
        session, actor=alice.actor, status="superseded"
    )] == [subset.id]  # fmt: skip


def test_linked_incident_ids_are_those_of_any_problem(
    session: Session, alice: Person, three: list[Incident]
) -> None:
    assert candidates.linked_incident_ids(session) == set()
    raise_problem(session, alice, three[0])
    assert candidates.linked_incident_ids(session) == {three[0].id}


# --- list and privacy --------------------------------------------------------------------------


def test_list_is_best_first(session: Session, alice: Person, three: list[Incident]) -> None:
    low = propose(session, three[:2], title="Low", score=0.2)
    high = propose(session, three[1:], title="High", score=0.9)
    assert low and high
    assert [c.id for c in candidates.list_candidates(session, actor=alice.actor)] == [
        high.id,
        low.id,
    ]
    [shown] = [c for c in candidates.list_candidates(session, actor=alice.actor) if c.id == high.id]
    assert [i.id for i in shown.incidents] == [three[1].id, three[2].id]


def test_a_private_member_is_kept_from_those_who_cannot_see_it(
    session: Session, alice: Person, bob: Person, admin: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked signing key", private=True)
    public = [make_incident(session, alice, title=f"Token errors {n}") for n in range(2)]
    propose(
        session,
        [secret, *public],
        title="Recurring leaked signing key",
        evidence={"top_terms": ["leaked", "signing", "key"], "count": 3},
    )
    for insider in (alice, admin):
        assert listed(session, insider) == [
            (
                "Recurring leaked signing key",
                {"top_terms": ["leaked", "signing", "key"], "count": 3},
            )
        ]
    [view] = candidates.list_candidates(session, actor=bob.actor)
    assert (view.title, view.evidence) == ("Token errors 0", {"count": 2})
    assert [i.id for i in view.incidents] == [p.id for p in public]
    assert "leaked" not in repr(view).lower()

    add_participant(session, incident_id=secret.id, user_id=bob.user.id, now=utcnow())
    assert listed(session, bob)[0][0] == "Recurring leaked signing key"


def test_a_proposal_of_only_private_incidents_is_hidden_from_outsiders(
    session: Session, alice: Person, bob: Person, viewer: Person
) -> None:
    secrets = [make_incident(session, alice, title=f"Breach {n}", private=True) for n in range(3)]
    made = propose(session, secrets, title="Recurring breach")
    assert made is not None
    assert listed(session, bob) == listed(session, viewer) == []
    assert [t for t, _ in listed(session, alice)] == ["Recurring breach"]
    with pytest.raises(NotFound) as raised:
        candidates.accept(session, candidate_id=made.id, actor=bob.actor, now=utcnow())
    assert raised.value.message == f"problem candidate {made.id} does not exist"
    assert made.status == "proposed"


# --- accept and dismiss ----------------------------------------------------------------------


def test_accept_creates_the_problem_and_links_the_incidents(
    session: Session, alice: Person, bob: Person, three: list[Incident]
) -> None:
    made = propose(session, three)
    assert made is not None
    problem = candidates.accept(session, candidate_id=made.id, actor=bob.actor, now=utcnow())
    assert problem.title == "Recurring lag"
    found = links.linked_incidents(session, problem_id=problem.id, actor=bob.actor)
    assert [i.id for i, _ in found] == [i.id for i in three]
    assert {row.reason for _, row in found} == {"proposed as recurring and accepted"}
    assert {row.linked_by_id for _, row in found} == {bob.user.id}
    assert (made.status, made.problem_id, made.decided_by_id) == (
        "accepted",
        problem.id,
        bob.user.id,
    )
    assert made.decided_at is not None
    assert listed(session, alice) == []
    assert [t for t, _ in listed(session, alice, "accepted")] == ["Recurring lag"]
    with pytest.raises(Conflict, match="this proposal was already accepted"):
        candidates.accept(session, candidate_id=made.id, actor=alice.actor, now=utcnow())
    with pytest.raises(Conflict, match="this proposal was already accepted"):
        candidates.dismiss(session, candidate_id=made.id, actor=alice.actor, now=utcnow())


def test_accept_links_only_what_the_acceptor_can_see(
    session: Session, alice: Person, bob: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked signing key", private=True)
    public = [make_incident(session, alice, title=f"Token errors {n}") for n in range(2)]
    made = propose(session, [secret, *public])
    assert made is not None
    problem = candidates.accept(session, candidate_id=made.id, actor=bob.actor, now=utcnow())
    assert [i.id for i, _ in links.linked_incidents(
        session, problem_id=problem.id, actor=alice.actor
    )] == [p.id for p in public]  # fmt: skip


def test_accepting_does_not_leak_the_title_drawn_from_a_private_incident(
    session: Session, alice: Person, bob: Person
) -> None:
    secret = make_incident(session, alice, title="Leaked signing key", private=True)
    public = [make_incident(session, alice, title=f"Token errors {n}") for n in range(2)]
    made = propose(session, [secret, *public], title="Recurring leaked signing key")
    assert made is not None
    [view] = candidates.list_candidates(session, actor=bob.actor)
    assert view.title == "Token errors 0"  # what bob was shown
    problem = candidates.accept(session, candidate_id=made.id, actor=bob.actor, now=utcnow())
    assert "leaked" not in problem.title.lower()


def test_accept_refuses_viewers_and_unknown_proposals(
    session: Session, viewer: Person, alice: Person, three: list[Incident]
) -> None:
    made = propose(session, three)
    assert made is not None
    with pytest.raises(Forbidden):
        candidates.accept(session, candidate_id=made.id, actor=viewer.actor, now=utcnow())
    with pytest.raises(Forbidden):
        candidates.dismiss(session, candidate_id=made.id, actor=viewer.actor, now=utcnow())
    with pytest.raises(NotFound, match="problem candidate 987654 does not exist"):
        candidates.accept(session, candidate_id=987654, actor=alice.actor, now=utcnow())
    with pytest.raises(NotFound, match="problem candidate 987654 does not exist"):
        candidates.dismiss(session, candidate_id=987654, actor=alice.actor, now=utcnow())
    assert made.status == "proposed"


def test_dismiss_is_final(session: Session, alice: Person, three: list[Incident]) -> None:
    made = propose(session, three)
    assert made is not None
    candidates.dismiss(session, candidate_id=made.id, actor=alice.actor, now=utcnow())
    assert (made.status, made.decided_by_id) == ("dismissed", alice.user.id)
    assert made.decided_at is not None
    assert listed(session, alice) == []
    assert [t for t, _ in listed(session, alice, "dismissed")] == ["Recurring lag"]
    with pytest.raises(Conflict, match="this proposal was already dismissed"):
        candidates.dismiss(session, candidate_id=made.id, actor=alice.actor, now=utcnow())
    with pytest.raises(Conflict, match="this proposal was already dismissed"):
        candidates.accept(session, candidate_id=made.id, actor=alice.actor, now=utcnow())
    assert candidates.linked_incident_ids(session) == set()


# --- known-error matches -----------------------------------------------------------------------


@pytest.fixture
def known(session: Session, alice: Person) -> KnownError:
    return make_known_error(
        session,
        alice,
        title="Consumer group stuck",
        symptoms="lag grows",
        workaround=["Restart the consumer group", "Check the lag drains"],
        now=utcnow(),
    )


def test_a_match_is_recorded_once_with_the_workaround_on_the_timeline(
    session: Session, alice: Person, known: KnownError
) -> None:
    incident = make_incident(session, alice)
    match = record_match(
        session, incident=incident, known=known, score=0.4, reasons=["same"], now=utcnow()
    )
    assert match is not None
    assert (match.score, match.reasons, match.dismissed) == (0.4, ["same"], False)
    assert (
        record_match(session, incident=incident, known=known, score=0.9, reasons=[], now=utcnow())
        is None
    )
    entries = list_entries(session, incident_id=incident.id)
    matched = [e for e in entries if e.kind == "known_error_matched"]
    assert len(matched) == 1
    assert matched[0].title == f"Matches {known.reference}: Restart the consumer group"
    assert matched[0].description == "1. Restart the consumer group\n2. Check the lag drains"
    assert matched[0].actor_id is None
    assert matched[0].payload == {
        "known_error": known.reference,
        "known_error_id": known.id,
        "score": 0.4,
        "reasons": ["same"],
    }


def test_matches_are_best_first_and_a_dismissed_one_disappears_for_good(
    session: Session, alice: Person, bob: Person, known: KnownError
) -> None:
    better = make_known_error(session, alice, title="Better", symptoms="s", workaround=["w"])
    incident = make_incident(session, alice)
    other = make_incident(session, alice)
    record_match(session, incident=incident, known=known, score=0.3, reasons=[], now=utcnow())
    record_match(session, incident=incident, known=better, score=0.8, reasons=[], now=utcnow())
    record_match(session, incident=other, known=known, score=0.5, reasons=[], now=utcnow())
    assert [m.known_error_id for m in matches_for_incident(session, incident_id=incident.id)] == [
        better.id,
        known.id,
    ]
    dismiss_match(
        session, incident=incident, known_error_id=better.id, actor=bob.actor, now=utcnow()
    )
    assert [m.known_error_id for m in matches_for_incident(session, incident_id=incident.id)] == [
        known.id
    ]
    assert len(matches_for_incident(session, incident_id=other.id)) == 1
    entry = list_entries(session, incident_id=incident.id)[-1]
    assert (entry.kind, entry.title, entry.actor_id) == (
        "known_error_dismissed",
        f"{better.reference} does not apply (dismissed)",
        bob.user.id,
    )
    with pytest.raises(Conflict) as again:
        dismiss_match(
            session, incident=incident, known_error_id=better.id, actor=bob.actor, now=utcnow()
        )
    assert again.value.message == (
        f"{better.reference} was already dismissed on {incident.reference}"
    )
    assert (
        record_match(session, incident=incident, known=better, score=0.9, reasons=[], now=utcnow())
        is None
    )
    assert len(matches_for_incident(session, incident_id=incident.id)) == 1


def test_dismissing_refuses_viewers_and_unmatched_known_errors(
    session: Session, alice: Person, viewer: Person, known: KnownError
) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(NotFound) as raised:
        dismiss_match(
            session, incident=incident, known_error_id=known.id, actor=alice.actor, now=utcnow()
        )
    assert raised.value.message == f"{incident.reference} has no match with known error {known.id}"
    record_match(session, incident=incident, known=known, score=0.3, reasons=[], now=utcnow())
    with pytest.raises(Forbidden):
        dismiss_match(
            session, incident=incident, known_error_id=known.id, actor=viewer.actor, now=utcnow()
        )
    assert len(matches_for_incident(session, incident_id=incident.id)) == 1
