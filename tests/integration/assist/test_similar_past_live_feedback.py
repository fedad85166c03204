"""Past and live answers, weak matches, and responders' verdicts, on a real database."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_past_incident, make_service

from watchkeep.assist.corpus import documents
from watchkeep.assist.feedback import feedback_for, give_feedback, withdraw_feedback
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.models import NOT_SIMILAR, SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.service import (
    SAME_CAUSE_REASON,
    WEAK_SCORE,
    SimilarIncident,
    State,
    search_similar,
    similar_incidents,
)
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.incident.models import Incident
from watchkeep.incident.status import transition
from watchkeep.problem.links import raise_from_incidents

LAG = "Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"


@dataclass
class Desk:
    query: Incident  # live
    past: list[Incident]  # the same fault, resolved or later
    live: Incident  # the same fault, live: a possible duplicate
    triage: Incident  # the same fault, still in triage
    declined: Incident  # the same fault, declined
    unrelated: Incident  # resolved, nothing in common


@pytest.fixture
def desk(session: Session, alice: Person, similarity: SimilarityStore) -> Desk:
    orders = make_service(session, "orders")

    def lag(maker: Callable[..., Incident] = make_past_incident, **kwargs: object) -> Incident:
        return maker(
            session, alice, title=LAG[0], summary=LAG[1], service_ids=[orders.id], **kwargs
        )

    past = [lag(), lag(), lag()]
    transition(session, incident=past[1], actor=alice.actor, status="documenting", now=utcnow())
    transition(session, incident=past[2], actor=alice.actor, status="closed", now=utcnow())
    declined = lag(make_incident, status="triage")
    transition(session, incident=declined, actor=alice.actor, status="declined", now=utcnow())
    made = Desk(
        query=lag(make_incident),
        past=past,
        live=lag(make_incident, status="monitoring"),
        triage=lag(make_incident, status="triage"),
        declined=declined,
        unrelated=make_past_incident(session, alice, title="Printer out of toner"),
    )
    similarity.refresh()
    return made


def ids(found: list[SimilarIncident]) -> list[int]:
    return [s.incident.id for s in found]


def ask(
    session: Session, index: SimilarityStore, desk: Desk, who: Person, **kwargs: object
) -> list[SimilarIncident]:
    return similar_incidents(
        session,
        index=index,
        incident=desk.query,
        actor=who.actor,
        k=10,
        **kwargs,  # type: ignore[arg-type]
    )


def test_past_means_no_longer_live_and_live_ones_are_apart(
    session: Session, alice: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    past = ask(session, similarity, desk, alice)
    assert set(ids(past)) == {i.id for i in desk.past}  # resolved, documenting, closed
    assert {s.incident.status for s in past} == {"resolved", "documenting", "closed"}
    live = ask(session, similarity, desk, alice, state=State.LIVE)
    assert set(ids(live)) == {desk.live.id, desk.triage.id}
    assert desk.query.id not in ids(live)
    for state in State:
        assert desk.declined.id not in ids(ask(session, similarity, desk, alice, state=state))
    text = search_similar(session, index=similarity, text="kafka consumer lag", actor=alice.actor)
    assert set(ids(text)) == {i.id for i in desk.past}
    live_text = search_similar(
        session, index=similarity, text="kafka consumer lag", actor=alice.actor, state=State.LIVE
    )
    assert set(ids(live_text)) == {desk.query.id, desk.live.id, desk.triage.id}
    # Resolving moves an incident from one answer to the other.
    transition(session, incident=desk.live, actor=alice.actor, status="resolved", now=utcnow())
    assert desk.live.id in ids(ask(session, similarity, desk, alice))
    assert desk.live.id not in ids(ask(session, similarity, desk, alice, state=State.LIVE))


def test_weak_matches_are_marked_rather_than_dropped(
    session: Session, alice: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    strong = search_similar(session, index=similarity, text="kafka consumer lag", actor=alice.actor)
    assert strong
    assert not any(s.weak for s in strong)
    words = (
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november"
        " oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee"
    )
    spelled = make_past_incident(session, alice, title="Radio check", summary=words)
    similarity.refresh()
    found = search_similar(
        session, index=similarity, text=f"printer {words}", actor=alice.actor, k=5
    )
    assert ids(found) == [spelled.id, desk.unrelated.id]  # not dropped: the best there is
    assert found[0].weak is False
    assert 0 < found[1].score < WEAK_SCORE
    assert found[1].weak is True
    # Nothing in common at all is still no answer.
    assert search_similar(session, index=similarity, text="zebra giraffe", actor=alice.actor) == []


def test_not_similar_hides_the_pair_both_ways(
    session: Session, alice: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    hidden = desk.past[0]
    give_feedback(
        session, incident=desk.query, other=hidden, verdict=NOT_SIMILAR, actor=alice.actor,
        now=utcnow(),
    )  # fmt: skip
    assert hidden.id not in ids(ask(session, similarity, desk, alice))
    assert len(ask(session, similarity, desk, alice)) == 2
    from_the_other_side = similar_incidents(
        session, index=similarity, incident=hidden, actor=alice.actor, k=10, state=State.LIVE
    )
    assert desk.query.id not in ids(from_the_other_side)
    assert desk.live.id in ids(from_the_other_side)
    assert feedback_for(session, desk.query.id) == {hidden.id: NOT_SIMILAR}
    assert feedback_for(session, hidden.id) == {desk.query.id: NOT_SIMILAR}


def test_same_cause_comes_first_with_its_reason_even_unmatched(
    session: Session, alice: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    give_feedback(
        session, incident=desk.unrelated, other=desk.query, verdict=SAME_CAUSE,
        actor=alice.actor, now=utcnow(),
    )  # fmt: skip
    found = (
        ask(session, similarity, desk, alice, k=2)
        if False
        else similar_incidents(
            session, index=similarity, incident=desk.query, actor=alice.actor, k=2
        )
    )
    assert ids(found)[0] == desk.unrelated.id
    assert found[0].reasons[0] == SAME_CAUSE_REASON
    assert found[0].verdict == SAME_CAUSE
    assert found[0].weak is False
    assert len(found) == 2 and found[1].incident.id in {i.id for i in desk.past}
    # A same-cause live incident is pinned among the live ones, not the past ones.
    give_feedback(
        session, incident=desk.query, other=desk.triage, verdict=SAME_CAUSE, actor=alice.actor,
        now=utcnow(),
    )  # fmt: skip
    assert desk.triage.id not in ids(ask(session, similarity, desk, alice))
    assert ids(ask(session, similarity, desk, alice, state=State.LIVE))[0] == desk.triage.id


def test_a_new_verdict_replaces_the_old_one_and_can_be_withdrawn(
    session: Session, alice: Person, bob: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    other = desk.past[1]
    give_feedback(
        session, incident=desk.query, other=other, verdict=NOT_SIMILAR, actor=alice.actor,
        now=utcnow(),
    )  # fmt: skip
    stored = give_feedback(
        session, incident=other, other=desk.query, verdict=SAME_CAUSE, actor=bob.actor,
        now=utcnow(),
    )  # fmt: skip
    assert (stored.verdict, stored.actor_id) == (SAME_CAUSE, bob.user.id)
    rows = session.scalar(select(func.count()).select_from(SimilarityFeedback))
    assert rows == 1
    assert ids(ask(session, similarity, desk, alice))[0] == other.id
    withdraw_feedback(session, incident=desk.query, other=other, actor=alice.actor)
    assert feedback_for(session, desk.query.id) == {}
    assert ask(session, similarity, desk, alice)[0].reasons[0] != SAME_CAUSE_REASON
    with pytest.raises(NotFound):
        withdraw_feedback(session, incident=desk.query, other=other, actor=alice.actor)


def test_verdicts_are_checked(session: Session, alice: Person, viewer: Person, desk: Desk) -> None:
    other = desk.past[0]
    with pytest.raises(Invalid, match="verdict must be one of"):
        give_feedback(
            session, incident=desk.query, other=other, verdict="maybe", actor=alice.actor,
            now=utcnow(),
        )  # fmt: skip
    with pytest.raises(Invalid, match="not compared with itself"):
        give_feedback(
            session, incident=other, other=other, verdict=SAME_CAUSE, actor=alice.actor,
            now=utcnow(),
        )  # fmt: skip
    with pytest.raises(Forbidden):
        give_feedback(
            session, incident=desk.query, other=other, verdict=SAME_CAUSE, actor=viewer.actor,
            now=utcnow(),
        )  # fmt: skip
    merged = make_incident(session, alice, title="Orders lag", status="triage")
    transition(
        session, incident=merged, actor=alice.actor, status="merged",
        merged_into=desk.query.reference, now=utcnow(),
    )  # fmt: skip
    with pytest.raises(Conflict):
        give_feedback(
            session, incident=merged, other=other, verdict=SAME_CAUSE, actor=alice.actor,
            now=utcnow(),
        )  # fmt: skip
    assert session.scalar(select(func.count()).select_from(SimilarityFeedback)) == 0


def test_private_incidents_stay_hidden_even_when_pinned(
    session: Session, alice: Person, bob: Person, desk: Desk, similarity: SimilarityStore
) -> None:
    secret = make_past_incident(session, alice, title="Something private", private=True)
    give_feedback(
        session, incident=desk.query, other=secret, verdict=SAME_CAUSE, actor=alice.actor,
        now=utcnow(),
    )  # fmt: skip
    assert ids(ask(session, similarity, desk, alice))[0] == secret.id
    assert secret.id not in ids(ask(session, similarity, desk, bob))


def test_what_responders_confirmed_reaches_the_index_as_groups(
    session: Session, alice: Person, desk: Desk
) -> None:
    first, second, third = desk.past
    give_feedback(
        session, incident=first, other=second, verdict=SAME_CAUSE, actor=alice.actor, now=utcnow()
    )
    give_feedback(
        session, incident=first, other=third, verdict=NOT_SIMILAR, actor=alice.actor, now=utcnow()
    )
    problem = raise_from_incidents(
        session, actor=alice.actor, incident_refs=[second.reference, third.reference], now=utcnow()
    )
    groups = {d.id: d.groups for d in documents(session, [i.id for i in desk.past])}
    pair = f"same-cause:{min(first.id, second.id)}-{max(first.id, second.id)}"
    assert groups[first.id] == (pair,)  # "not similar" makes no group
    assert groups[second.id] == tuple(sorted((f"problem:{problem.id}", pair)))
    assert groups[third.id] == (f"problem:{problem.id}",)
