"""Escalation runs on a real database: level after level, a snapshot of the policy, steps
that happen once, and an acknowledgement that stops everything at once."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_person, make_schedule, make_source, rotation
from tests.factories.alert import make_route
from tests.factories.escalation import level, make_policy

from watchkeep.alert import ingest, silences
from watchkeep.alert.models import Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.escalation import pages, policies, runs
from watchkeep.escalation.models import EscalationPolicy, EscalationRun, Page
from watchkeep.jobs.models import PENDING, Job

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def fire(session: Session, source: AlertSource, key: str = "k", now: datetime = T0) -> Alert:
    signal = Signal(action="trigger", dedup_key=key, title="Disk full", labels={"team": "db"})
    [outcome] = ingest.accept(
        session, source=source, format="generic", body={}, signals=[signal], now=now
    )
    alert = session.get(Alert, outcome.alert_id)
    assert alert is not None
    return alert


def paged(session: Session, run: EscalationRun) -> list[tuple[int, int, int]]:
    """(cycle, level, user id) of each page of the run, in order."""
    query = select(Page.cycle, Page.level, Page.user_id).where(Page.run_id == run.id)
    return [tuple(row) for row in session.execute(query.order_by(Page.id)).all()]


def two_levels(session: Session, alice: Person, bob: Person, **fields: object) -> AlertSource:
    schedule = make_schedule(session, alice, rotation(alice))
    policy = make_policy(
        session,
        level(("schedule", schedule.id), minutes=5),
        level(("user", bob.user.id), minutes=10),
        **fields,
    )
    return make_source(session, escalation_policy_id=policy.id)


def step_jobs(session: Session, run: EscalationRun) -> list[Job]:
    jobs = session.scalars(select(Job).where(Job.kind == runs.STEP).order_by(Job.id))
    return [j for j in jobs if j.payload["run_id"] == run.id]


def test_levels_page_in_turn_until_the_policy_is_exhausted(
    session: Session, alice: Person, bob: Person
) -> None:
    alert = fire(session, two_levels(session, alice, bob))
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None and run.state == "active"
    assert paged(session, run) == [(0, 0, alice.user.id)]  # whoever is on call at T0
    [timer] = step_jobs(session, run)
    assert timer.due_at == T0 + timedelta(minutes=5) and timer.payload["token"] == run.token

    assert runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=5))
    assert paged(session, run) == [(0, 0, alice.user.id), (0, 1, bob.user.id)]
    assert run.next_step_at == T0 + timedelta(minutes=15)

    assert runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=15))
    assert run.state == "exhausted" and run.ended_at == T0 + timedelta(minutes=15)
    assert [entry["event"] for entry in run.history] == ["paged", "paged", "exhausted"]


def test_a_policy_repeats(session: Session, alice: Person) -> None:
    policy = make_policy(session, level(("user", alice.user.id), minutes=1), repeat=2)
    alert = fire(session, make_source(session, escalation_policy_id=policy.id))
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None
    for minute in (1, 2, 3):
        runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=minute))
    assert paged(session, run) == [
        (0, 0, alice.user.id),
        (1, 0, alice.user.id),
        (2, 0, alice.user.id),
    ]
    assert run.state == "exhausted"


def test_a_duplicate_or_late_step_does_nothing(
    session: Session, alice: Person, bob: Person
) -> None:
    alert = fire(session, two_levels(session, alice, bob))
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None
    first_token = run.token
    assert runs.step(session, run_id=run.id, token=first_token, now=T0 + timedelta(minutes=5))
    # the same timer again (a retried job), and one with a made-up token
    assert not runs.step(session, run_id=run.id, token=first_token, now=T0 + timedelta(minutes=6))
    assert not runs.step(session, run_id=run.id, token="0" * 32, now=T0 + timedelta(minutes=6))
    assert len(paged(session, run)) == 2


def test_starting_twice_starts_once(session: Session, alice: Person, bob: Person) -> None:
    alert = fire(session, two_levels(session, alice, bob))
    first = runs.start(session, alert_id=alert.id, now=T0)
    again = runs.start(session, alert_id=alert.id, now=T0 + timedelta(seconds=1))
    assert first is not None and again is not None and first.id == again.id
    assert len(paged(session, first)) == 1


def test_the_run_follows_the_policy_as_it_was_when_it_started(
    session: Session, alice: Person, bob: Person
) -> None:
    source = two_levels(session, alice, bob)
    alert = fire(session, source)
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None and source.escalation_policy_id is not None
    carol = make_person(session)
    policies.update(
        session,
        actor=make_person(session, "admin").actor,
        now=T0,
        policy_id=source.escalation_policy_id,
        levels=[level(("user", carol.user.id), minutes=1)],
    )
    runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=5))
    assert paged(session, run)[-1] == (0, 1, bob.user.id)  # not Carol: the snapshot holds


def test_acknowledging_stops_the_escalation_at_once(
    session: Session, alice: Person, bob: Person
) -> None:
    alert = fire(session, two_levels(session, alice, bob))
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None
    token = run.token
    pages.acknowledge(session, alert_id=alert.id, actor=alice.actor, now=T0 + timedelta(minutes=1))
    assert alert.status == "acknowledged" and run.state == "acknowledged"
    assert run.ended_by_id == alice.user.id
    assert not runs.step(session, run_id=run.id, token=token, now=T0 + timedelta(minutes=5))
    assert len(paged(session, run)) == 1
    [timer] = step_jobs(session, run)
    assert timer.state != PENDING  # the timer was canceled


def test_a_step_after_the_sender_resolved_ends_the_run_without_paging(
    session: Session, alice: Person, bob: Person
) -> None:
    source = two_levels(session, alice, bob)
    alert = fire(session, source)
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None
    resolve = Signal(action="resolve", dedup_key="k", title="")
    ingest.accept(session, source=source, format="generic", body={}, signals=[resolve], now=T0)
    # the ``alert.resolved`` subscriber has not run yet: the step itself sees the status
    assert runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=5))
    assert run.state == "resolved" and len(paged(session, run)) == 1


def test_with_mode_all_everyone_paged_must_acknowledge(
    session: Session, alice: Person, bob: Person
) -> None:
    policy = make_policy(
        session, level(("user", alice.user.id), ("user", bob.user.id)), ack_mode="all"
    )
    alert = fire(session, make_source(session, escalation_policy_id=policy.id))
    run = runs.start(session, alert_id=alert.id, now=T0)
    assert run is not None
    pages.acknowledge(session, alert_id=alert.id, actor=alice.actor, now=T0)
    assert alert.status == "firing" and run.state == "active"
    pages.acknowledge(session, alert_id=alert.id, actor=bob.actor, now=T0)
    assert alert.status == "acknowledged" and run.state == "acknowledged"


def test_the_route_policy_wins_over_the_source_policy(
    session: Session, alice: Person, bob: Person
) -> None:
    by_source = make_policy(session, level(("user", alice.user.id)))
    by_route = make_policy(session, level(("user", bob.user.id)))
    source = make_source(session, escalation_policy_id=by_source.id)
    make_route(session, matchers=['team="db"'], escalation_policy_id=by_route.id)
    run = runs.start(session, alert_id=fire(session, source).id, now=T0)
    assert run is not None and run.policy_id == by_route.id
    assert paged(session, run) == [(0, 0, bob.user.id)]


def test_no_escalation_without_a_policy_or_for_a_silenced_alert(
    session: Session, alice: Person
) -> None:
    assert runs.start(session, alert_id=fire(session, make_source(session)).id, now=T0) is None
    policy = make_policy(session, level(("user", alice.user.id)))
    source = make_source(session, escalation_policy_id=policy.id)
    silences.create(
        session,
        actor=alice.actor,
        now=T0 - timedelta(minutes=1),
        starts_at=T0 - timedelta(minutes=1),
        ends_at=T0 + timedelta(hours=1),
        matchers_text=['team="db"'],
    )
    silenced = fire(session, source)
    assert silenced.silence_id is not None
    assert runs.start(session, alert_id=silenced.id, now=T0) is None


def test_a_schedule_with_nobody_on_call_is_noted(session: Session, alice: Person) -> None:
    empty = make_schedule(session, alice, rotation(None, alice), name="Nobody")
    policy = make_policy(session, level(("schedule", empty.id), ("user", alice.user.id)))
    run = runs.start(
        session,
        alert_id=fire(session, make_source(session, escalation_policy_id=policy.id)).id,
        now=T0,
    )
    assert run is not None
    assert run.history[0]["users"] == [alice.user.id]
    assert run.history[0]["nobody"] == [f"schedule {empty.id}"]


def test_a_deleted_policy_leaves_running_escalations_on_their_snapshot(
    session: Session, alice: Person, bob: Person
) -> None:
    source = two_levels(session, alice, bob)
    run = runs.start(session, alert_id=fire(session, source).id, now=T0)
    policy_id = source.escalation_policy_id
    assert run is not None and policy_id is not None
    policies.delete(session, actor=make_person(session, "admin").actor, now=T0, policy_id=policy_id)
    session.expire_all()
    assert session.get(EscalationPolicy, policy_id) is None and run.policy_id is None
    runs.step(session, run_id=run.id, token=run.token, now=T0 + timedelta(minutes=5))
    assert paged(session, run)[-1] == (0, 1, bob.user.id)
