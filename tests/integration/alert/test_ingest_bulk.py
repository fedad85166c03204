"""Storing a group of payloads in a few statements gives exactly what storing them one at a
time gives: the same outcomes, the same alerts, the same events, one ``alert.opened`` per
alert opened."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import make_source

from watchkeep.alert import bulk, ingest
from watchkeep.alert.events import ALERT_OPENED
from watchkeep.alert.models import Alert, AlertEvent, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.jobs.models import Job

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

ACTIONS = st.sampled_from(["trigger", "trigger", "trigger", "acknowledge", "resolve"])
SIGNAL = st.tuples(ACTIONS, st.sampled_from(["a", "b", "c", "d"]))
GROUP = st.lists(st.lists(SIGNAL, min_size=1, max_size=3), min_size=1, max_size=6)


def signals(spec: list[tuple[str, str]]) -> list[Signal]:
    return [Signal(action=a, dedup_key=k, title=f"Alert {k}") for a, k in spec]  # type: ignore[arg-type]


def state(session: Session, source: AlertSource) -> list[tuple[str, str, int]]:
    """The source's alerts by key (alerts of different keys may open in another order)."""
    rows = session.execute(
        select(Alert.dedup_key, Alert.status, Alert.event_count)
        .where(Alert.source_id == source.id)
        .order_by(Alert.dedup_key, Alert.id)
    ).all()
    return [(k, s, c) for k, s, c in rows]


def plain(outcomes: list[list[ingest.Outcome]]) -> list[list[tuple[str, str]]]:
    return [[(o.dedup_key, o.outcome) for o in item] for item in outcomes]


def opened_jobs(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(Job).where(Job.kind == ALERT_OPENED.kind))
        or 0
    )


def test_a_group_stores_what_one_at_a_time_stores(session: Session) -> None:
    one_by_one = make_source(session, kind="generic")
    grouped = make_source(session, kind="generic")
    group = [
        [("trigger", "a"), ("trigger", "b")],
        [("trigger", "a")],  # the same key again in the group: in order
        [("resolve", "b"), ("acknowledge", "x")],  # resolve in the group, an unknown key
        [("trigger", "b")],  # a resolved key opens a new alert
    ]
    expected = [
        ingest.accept(
            session, source=one_by_one, format="generic", body={}, signals=signals(spec), now=T0
        )
        for spec in group
    ]
    before = opened_jobs(session)
    got = bulk.accept_many(
        session,
        [
            bulk.Received(grouped, "generic", {"n": n}, signals(spec), T0)
            for n, spec in enumerate(group)
        ],
        ingest.Decisions(session, T0),
    )
    assert plain(got) == plain(expected)
    assert state(session, grouped) == state(session, one_by_one)
    assert opened_jobs(session) - before == 3  # a, b, and b again
    events = session.scalar(
        select(func.count())
        .select_from(AlertEvent)
        .where(AlertEvent.dedup_key.in_(["a", "b", "x"]))
    )
    assert events == 2 * sum(len(spec) for spec in group)


def test_a_group_adds_to_alerts_opened_earlier(session: Session) -> None:
    source = make_source(session, kind="generic")
    ingest.accept(
        session,
        source=source,
        format="generic",
        body={},
        signals=signals([("trigger", "a")]),
        now=T0,
    )
    [outcomes] = bulk.accept_many(
        session,
        [
            bulk.Received(
                source,
                "generic",
                {},
                signals([("trigger", "a"), ("trigger", "z")]),
                T0 + timedelta(seconds=1),
            )
        ],
        ingest.Decisions(session, T0),
    )
    assert [(o.dedup_key, o.outcome) for o in outcomes] == [("a", "updated"), ("z", "opened")]
    assert state(session, source) == [("a", "firing", 2), ("z", "firing", 1)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(group=GROUP)
def test_any_group_stores_what_one_at_a_time_stores(
    session: Session, group: list[list[tuple[str, str]]]
) -> None:
    one_by_one = make_source(session, kind="generic")
    grouped = make_source(session, kind="generic")
    for source in (one_by_one, grouped):  # some keys already open
        ingest.accept(
            session,
            source=source,
            format="generic",
            body={},
            signals=signals([("trigger", "c")]),
            now=T0,
        )
    expected = [
        ingest.accept(
            session, source=one_by_one, format="generic", body={}, signals=signals(spec), now=T0
        )
        for spec in group
    ]
    got = bulk.accept_many(
        session,
        [bulk.Received(grouped, "generic", {}, signals(spec), T0) for spec in group],
        ingest.Decisions(session, T0),
    )
    assert [[o.outcome for o in item] for item in got] == [
        [o.outcome for o in item] for item in expected
    ]
    assert state(session, grouped) == state(session, one_by_one)
