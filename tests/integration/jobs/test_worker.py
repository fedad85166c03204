"""The job runner on SQLite and PostgreSQL.

The first tests drive :meth:`Worker.run_due` with a frozen clock inside the rolled-back
``database`` fixture. The ``live_*`` tests run :meth:`Worker.run` in threads with real time,
so they need real commits: they use a database of their own (see ``tests/e2e/jobs_support``).
"""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from tests.e2e.jobs_support import clear, dedicated_engine
from typer.testing import CliRunner

from watchkeep.cli.main import app
from watchkeep.core.db import Database
from watchkeep.core.settings import get_settings
from watchkeep.jobs import service as jobs
from watchkeep.jobs.claim import LOST_ON_LAST_ATTEMPT, claim_due, complete, fail, release, renew
from watchkeep.jobs.models import DEAD, DONE, PENDING, RUNNING, Job
from watchkeep.jobs.policy import Backoff, periodic_key
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.jobs.worker import Worker

T0 = datetime(2026, 3, 2, 9, 0, 0, 500000, tzinfo=UTC)
BACKOFF = Backoff(base_seconds=10, cap_seconds=300)


class FrozenClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def to(self, instant: datetime) -> None:
        self.now = instant


class Calls:
    """A handler that records its calls and fails while ``failing`` is set."""

    def __init__(self, failing: bool = False) -> None:
        self.failing = failing
        self.seen: list[tuple[int, int, dict[str, Any]]] = []
        self.lock = threading.Lock()

    def __call__(self, ctx: JobContext, payload: dict[str, Any]) -> None:
        with self.lock:
            self.seen.append((ctx.job_id, ctx.attempt, payload))
        if self.failing:
            raise ValueError(f"cannot page user {payload.get('user_id')}")


def registry_with(**handlers: Calls) -> Registry:
    registry = Registry()
    for kind, handler in handlers.items():
        registry.add(kind, handler)
    return registry


def add_job(db: Database, kind: str, **options: Any) -> int:
    with db.session() as session:
        return jobs.enqueue(session, kind=kind, **options).id


def load(db: Database, job_id: int) -> Job:
    with db.session() as session:
        return jobs.get(session, job_id=job_id)


# --- driven with a frozen clock -------------------------------------------------------------


def test_a_due_job_runs_once_and_is_done(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls()
    worker = Worker(database, registry_with(page=calls), name="w1", clock=clock)
    job_id = add_job(database, "page", payload={"user_id": 7}, now=T0)

    assert worker.run_due() == 1
    assert worker.run_due() == 0

    assert calls.seen == [(job_id, 1, {"user_id": 7})]
    job = load(database, job_id)
    assert (job.state, job.attempts, job.finished_at, job.lease_until) == (DONE, 1, T0, None)


def test_a_timer_waits_for_its_due_time(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls()
    worker = Worker(database, registry_with(remind=calls), name="w1", clock=clock)
    job_id = add_job(database, "remind", due_at=T0 + timedelta(minutes=30), now=T0)

    clock.advance(30 * 60 - 0.001)
    assert worker.run_due() == 0
    clock.advance(0.001)
    assert worker.run_due() == 1
    assert load(database, job_id).state == DONE


def test_a_failing_job_backs_off_exponentially_then_dies(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls(failing=True)
    worker = Worker(database, registry_with(page=calls), name="w1", clock=clock, backoff=BACKOFF)
    job_id = add_job(database, "page", payload={"user_id": 3}, max_attempts=4, now=T0)

    for attempt, ceiling in [(1, 10), (2, 20), (3, 40)]:
        failed_at = clock.now
        assert worker.run_due() == 1
        job = load(database, job_id)
        assert (job.state, job.attempts, job.locked_by) == (PENDING, attempt, None)
        assert job.last_error == "ValueError: cannot page user 3"
        delay = (job.due_at - failed_at).total_seconds()
        assert ceiling / 2 <= delay <= ceiling
        assert worker.run_due() == 0  # nothing runs before the backoff is over
        clock.to(job.due_at)

    assert worker.run_due() == 1
    job = load(database, job_id)
    assert (job.state, job.attempts, job.finished_at) == (DEAD, 4, clock.now)
    assert job.last_error == "ValueError: cannot page user 3"
    assert [attempt for _, attempt, _ in calls.seen] == [1, 2, 3, 4]
    clock.advance(3600)
    assert worker.run_due() == 0


def test_retry_gives_a_dead_job_fresh_attempts(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls(failing=True)
    worker = Worker(database, registry_with(page=calls), name="w1", clock=clock)
    job_id = add_job(database, "page", max_attempts=1, now=T0)
    worker.run_due()
    assert load(database, job_id).state == DEAD

    with database.session() as session:
        jobs.retry(session, job_id=job_id, now=clock.now)
    calls.failing = False
    assert worker.run_due() == 1

    job = load(database, job_id)
    assert (job.state, job.attempts) == (DONE, 1)
    assert len(calls.seen) == 2


def test_an_unknown_kind_fails_with_a_clear_error_then_dies(database: Database) -> None:
    clock = FrozenClock()
    worker = Worker(database, Registry(), name="w1", clock=clock, backoff=BACKOFF)
    job_id = add_job(database, "no.such.kind", max_attempts=2, now=T0)

    worker.run_due()
    job = load(database, job_id)
    assert (job.state, job.last_error) == (PENDING, "no handler for kind no.such.kind")
    clock.to(job.due_at)
    worker.run_due()
    job = load(database, job_id)
    assert (job.state, job.attempts, job.last_error) == (
        DEAD,
        2,
        "no handler for kind no.such.kind",
    )


def test_an_idempotency_key_enqueues_and_runs_once(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls()
    worker = Worker(database, registry_with(notify=calls), name="w1", clock=clock)
    first = add_job(database, "notify", idempotency_key="page:1:email", now=T0)
    second = add_job(database, "notify", idempotency_key="page:1:email", now=T0)
    worker.run_due()
    after_done = add_job(database, "notify", idempotency_key="page:1:email", now=T0)
    worker.run_due()

    assert first == second == after_done
    assert len(calls.seen) == 1


def test_an_expired_lease_is_reclaimed_and_the_old_owner_cannot_overwrite(
    database: Database,
) -> None:
    clock = FrozenClock()
    calls = Calls()
    job_id = add_job(database, "page", now=T0)
    with database.session() as session:
        [stale] = claim_due(session, worker="dead-worker", limit=5, lease_seconds=10, now=T0)
    assert load(database, job_id).state == RUNNING

    taker = Worker(database, registry_with(page=calls), name="taker", clock=clock)
    clock.advance(9)
    assert taker.run_due() == 0  # the lease still holds
    clock.advance(2)
    assert taker.run_due() == 1

    job = load(database, job_id)
    assert (job.state, job.attempts, job.locked_by) == (DONE, 2, "taker")
    assert job.last_error is not None and "lease expired" in job.last_error
    with database.session() as session:
        assert not complete(session, stale, worker="dead-worker", now=clock.now)
        assert not fail(session, stale, worker="dead-worker", error="x", retry_at=None, now=T0)
        assert renew(session, [stale], worker="dead-worker", lease_until=clock.now) == set()
    assert load(database, job_id).state == DONE


def test_a_job_lost_on_its_last_attempt_is_dead_not_rerun(database: Database) -> None:
    clock = FrozenClock()
    calls = Calls()
    job_id = add_job(database, "page", max_attempts=1, now=T0)
    with database.session() as session:
        claim_due(session, worker="dead-worker", limit=1, lease_seconds=10, now=T0)

    clock.advance(11)
    assert Worker(database, registry_with(page=calls), name="w2", clock=clock).run_due() == 0

    job = load(database, job_id)
    assert (job.state, job.attempts) == (DEAD, 1)
    assert job.last_error == LOST_ON_LAST_ATTEMPT.format(max_attempts=1)
    assert calls.seen == []


def test_a_released_claim_is_pending_again_without_spending_an_attempt(
    database: Database,
) -> None:
    job_id = add_job(database, "page", now=T0)
    with database.session() as session:
        claims = claim_due(session, worker="w1", limit=1, lease_seconds=60, now=T0)
        assert release(session, claims, worker="w1") == 1
    job = load(database, job_id)
    assert (job.state, job.attempts, job.locked_by, job.lease_until) == (PENDING, 0, None, None)


def test_claims_take_the_oldest_due_jobs_first_up_to_the_limit(database: Database) -> None:
    later = add_job(database, "page", due_at=T0 - timedelta(seconds=1), now=T0)
    earliest = add_job(database, "page", due_at=T0 - timedelta(seconds=5), now=T0)
    add_job(database, "page", due_at=T0 + timedelta(seconds=1), now=T0)
    with database.session() as session:
        first = claim_due(session, worker="w1", limit=1, lease_seconds=60, now=T0)
        rest = claim_due(session, worker="w1", limit=5, lease_seconds=60, now=T0)
    assert [claim.id for claim in first] == [earliest]
    assert [claim.id for claim in rest] == [later]


def test_periodic_jobs_are_scheduled_once_per_period(database: Database) -> None:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 4, 30, tzinfo=UTC))
    calls = Calls()
    registry = Registry()
    registry.add("sweep", calls, every=timedelta(minutes=5))
    workers = [Worker(database, registry, name=f"w{n}", clock=clock) for n in range(3)]

    for worker in workers:
        assert worker.run_due() == 0
    with database.session() as session:
        pending = session.scalars(select(Job).where(Job.kind == "sweep")).all()
    assert [(job.state, job.due_at) for job in pending] == [
        (PENDING, datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    ]

    clock.to(datetime(2026, 3, 2, 9, 5, 0, 1000, tzinfo=UTC))
    assert sum(worker.run_due() for worker in workers) == 1
    with database.session() as session:
        sweeps = session.scalars(select(Job).where(Job.kind == "sweep").order_by(Job.id)).all()
    slot = int(datetime(2026, 3, 2, 9, 10, tzinfo=UTC).timestamp()) // 300
    assert [(job.state, job.idempotency_key) for job in sweeps] == [
        (DONE, periodic_key("sweep", slot - 1)),
        (PENDING, periodic_key("sweep", slot)),
    ]


def test_a_periodic_kind_keeps_a_day_of_successful_runs(database: Database) -> None:
    start = datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)
    clock = FrozenClock(start)
    registry = Registry()
    registry.add("tick", Calls(), every=timedelta(hours=6))
    registry.add("tock", Calls(failing=True), every=timedelta(hours=6))
    worker = Worker(database, registry, name="w1", clock=clock)
    worker.run_due()
    other = add_job(database, "page", now=start, due_at=start + timedelta(days=30))
    for hours in range(6, 6 * 9, 6):  # two days of runs, each due at the start of its period
        clock.to(start + timedelta(hours=hours))
        while worker.run_due():
            pass
    with database.session() as session:
        left = session.execute(
            select(Job.kind, Job.state, Job.due_at).order_by(Job.kind, Job.due_at)
        ).all()
    cutoff = clock.now - timedelta(days=1)
    ticks = [(state, due) for kind, state, due in left if kind == "tick"]
    assert ticks and all(due >= cutoff for _, due in ticks)  # older successful runs are gone
    assert (DONE, datetime(2026, 3, 3, 12, tzinfo=UTC)) in ticks
    failed = [due for kind, state, due in left if kind == "tock" and state == DEAD]
    assert failed and min(failed) < cutoff  # failed runs stay
    with database.session() as session:
        assert session.get(Job, other) is not None  # not a periodic run: never purged


# --- live: Worker.run in threads, real time, a database of its own -------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = dedicated_engine(request.param, tmp_path_factory.mktemp("live"), "integration")
    yield engine
    engine.dispose()


@pytest.fixture
def live_db(live_engine: Engine) -> Database:
    clear(live_engine)
    return Database(str(live_engine.url), engine=live_engine)


@contextmanager
def running(*workers: Worker) -> Iterator[threading.Event]:
    stop = threading.Event()
    threads = [threading.Thread(target=worker.run, args=(stop,)) for worker in workers]
    for thread in threads:
        thread.start()
    try:
        yield stop
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        assert not any(thread.is_alive() for thread in threads)


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def state_of(db: Database, job_id: int) -> str:
    return load(db, job_id).state


def test_live_a_timer_fires_within_a_second_of_its_due_time(live_db: Database) -> None:
    fired: list[datetime] = []
    registry = Registry()
    registry.add("timer", lambda _ctx, _payload: fired.append(datetime.now(UTC)))
    # A poll interval far longer than the margin: only the wakeup and the known due time
    # can make the timer fire on time.
    worker = Worker(live_db, registry, concurrency=1, poll_seconds=10, name="w1")
    with running(worker):
        time.sleep(0.3)  # the worker is idle, waiting
        due = datetime.now(UTC) + timedelta(seconds=1.5)
        add_job(live_db, "timer", due_at=due)
        wait_for(lambda: bool(fired), timeout=5)
    lateness = (fired[0] - due).total_seconds()
    assert 0 <= lateness < 1.0


def test_live_work_from_another_process_is_noticed_within_a_second(live_db: Database) -> None:
    fired: list[float] = []
    registry = Registry()
    registry.add("timer", lambda _ctx, _payload: fired.append(time.monotonic()))
    # PostgreSQL: NOTIFY must wake a worker sleeping on a long poll. SQLite has no NOTIFY:
    # the default poll interval finds the work.
    poll_seconds = 0.5 if live_db.is_sqlite else 10
    worker = Worker(live_db, registry, concurrency=1, poll_seconds=poll_seconds, name="w1")
    with running(worker):
        time.sleep(0.5)  # the worker is idle, waiting
        # What another process's enqueue does: insert and NOTIFY, but no in-process wakeup.
        with live_db.engine.begin() as connection:
            connection.execute(
                insert(Job).values(
                    kind="timer",
                    payload={},
                    state=PENDING,
                    due_at=datetime.now(UTC),
                    attempts=0,
                    max_attempts=3,
                    created_at=datetime.now(UTC),
                )
            )
            if not live_db.is_sqlite:
                connection.execute(text(f"NOTIFY {jobs.NOTIFY_CHANNEL}"))
        committed = time.monotonic()
        wait_for(lambda: bool(fired), timeout=5)
    assert fired[0] - committed < 1.0


def test_live_the_heartbeat_keeps_a_long_job_leased(live_db: Database) -> None:
    registry = Registry()
    registry.add("long", lambda _ctx, _payload: time.sleep(2.5))
    worker = Worker(live_db, registry, concurrency=1, lease_seconds=1, name="w1")
    job_id = add_job(live_db, "long")
    stolen = []
    with running(worker):
        wait_for(lambda: state_of(live_db, job_id) == RUNNING)
        while state_of(live_db, job_id) == RUNNING:
            with live_db.session() as session:
                stolen += claim_due(
                    session, worker="thief", limit=1, lease_seconds=1, now=datetime.now(UTC)
                )
            time.sleep(0.1)
    job = load(live_db, job_id)
    assert stolen == []
    assert (job.state, job.attempts, job.locked_by) == (DONE, 1, "w1")


def test_live_shutdown_waits_for_short_jobs(live_db: Database) -> None:
    registry = Registry()
    registry.add("short", lambda _ctx, _payload: time.sleep(0.5))
    worker = Worker(live_db, registry, concurrency=2, shutdown_seconds=5, name="w1")
    job_id = add_job(live_db, "short")
    with running(worker):
        wait_for(lambda: state_of(live_db, job_id) == RUNNING)
    assert state_of(live_db, job_id) == DONE


def test_live_shutdown_releases_jobs_that_outlast_the_timeout(live_db: Database) -> None:
    release_handler = threading.Event()
    registry = Registry()
    registry.add("stuck", lambda _ctx, _payload: release_handler.wait(10))
    worker = Worker(live_db, registry, concurrency=1, shutdown_seconds=0.3, name="w1")
    job_id = add_job(live_db, "stuck")
    with running(worker) as stop:
        wait_for(lambda: state_of(live_db, job_id) == RUNNING)
        stop.set()
        stopped_at = time.monotonic()
    assert time.monotonic() - stopped_at < 3
    job = load(live_db, job_id)
    assert (job.state, job.attempts, job.locked_by) == (PENDING, 0, None)

    release_handler.set()  # the abandoned handler finishes late: it must not mark it done
    time.sleep(0.2)
    assert state_of(live_db, job_id) == PENDING


def test_live_two_workers_never_double_schedule_a_periodic_job(live_db: Database) -> None:
    runs: list[int] = []
    lock = threading.Lock()

    def tick(ctx: JobContext, _payload: dict[str, Any]) -> None:
        with lock:
            runs.append(ctx.job_id)

    registry = Registry()
    registry.add("tick", tick, every=timedelta(seconds=1))
    workers = [
        Worker(live_db, registry, concurrency=2, poll_seconds=0.05, name=f"w{n}") for n in (1, 2)
    ]
    active_counts = []
    with running(*workers):
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline:
            with live_db.session() as session:
                active_counts.append(
                    session.scalar(
                        select(func.count())
                        .select_from(Job)
                        .where(Job.kind == "tick", Job.state.in_((PENDING, RUNNING)))
                    )
                )
            time.sleep(0.02)
    assert max(active_counts) == 1
    assert len(runs) == len(set(runs))
    assert 2 <= len(runs) <= 4
    with live_db.session() as session:
        keys = session.scalars(select(Job.idempotency_key).where(Job.kind == "tick")).all()
    assert len(keys) == len(set(keys)) == len(runs) + 1


# --- the `watchkeep job` commands, on the same database ------------------------------------

cli = CliRunner()


@pytest.fixture
def cli_db(live_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = live_db.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("WATCHKEEP_DATABASE_URL", url)
    get_settings.cache_clear()
    yield live_db
    get_settings.cache_clear()


def test_job_list_shows_jobs_and_filters_by_state(cli_db: Database) -> None:
    dead = add_job(cli_db, "no.such.kind", max_attempts=1)
    Worker(cli_db, Registry(), name="w1").run_due()
    later = add_job(cli_db, "remind", due_at=datetime.now(UTC) + timedelta(hours=1))

    listed = cli.invoke(app, ["job", "list", "--json"])
    only_dead = cli.invoke(app, ["job", "list", "--state", "dead", "--json"])
    table = cli.invoke(app, ["job", "list"])

    assert listed.exit_code == only_dead.exit_code == table.exit_code == 0
    assert [row["id"] for row in json.loads(listed.stdout)] == [later, dead]
    [row] = json.loads(only_dead.stdout)
    assert (row["id"], row["state"], row["attempts"], row["locked_by"]) == (dead, DEAD, 1, "w1")
    assert row["last_error"] == "no handler for kind no.such.kind"
    assert "remind" in table.stdout and "pending" in table.stdout and "dead" in table.stdout


def test_job_list_refuses_an_unknown_state(cli_db: Database) -> None:
    result = cli.invoke(app, ["job", "list", "--state", "stuck"])
    assert result.exit_code == 1
    assert "unknown state" in result.stderr


def test_job_retry_revives_a_dead_job_only(cli_db: Database) -> None:
    dead = add_job(cli_db, "no.such.kind", max_attempts=1)
    Worker(cli_db, Registry(), name="w1").run_due()

    revived = cli.invoke(app, ["job", "retry", str(dead)])
    again = cli.invoke(app, ["job", "retry", str(dead)])
    missing = cli.invoke(app, ["job", "retry", "999999"])

    assert revived.exit_code == 0, revived.output
    assert f"job {dead}" in revived.stdout
    job = load(cli_db, dead)
    assert (job.state, job.attempts) == (PENDING, 0)
    assert again.exit_code == 1 and "only dead jobs" in again.stderr
    assert missing.exit_code == 1
