"""Domain events: any number of subscribers, each delivered as a job of its own."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from tests.integration.jobs.test_worker import Calls, FrozenClock

from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.jobs.events import Event, publish
from watchkeep.jobs.models import DONE, PENDING, Job
from watchkeep.jobs.policy import Backoff
from watchkeep.jobs.registry import JobContext, Registry
from watchkeep.jobs.worker import Worker

DEPLOYED = Event("test.deployed")


def soon() -> FrozenClock:
    """A worker clock a minute ahead: published jobs are due at the real now."""
    return FrozenClock(utcnow() + timedelta(minutes=1))


def jobs_of(db: Database) -> dict[str, Job]:
    with db.session() as session:
        return {j.kind: j for j in session.scalars(select(Job).order_by(Job.id))}


def publish_one(db: Database, payload: dict[str, Any]) -> None:
    with db.session() as session:
        publish(session, DEPLOYED, payload)


def test_every_subscriber_gets_the_event_once(database: Database) -> None:
    pager, auditor = Calls(), Calls()
    registry = Registry()
    registry.subscribe(DEPLOYED, "pager", pager)
    registry.subscribe(DEPLOYED, "auditor", auditor)
    publish_one(database, {"service_id": 3})

    ran = Worker(database, registry, name="w", clock=soon()).run_due()

    assert ran == 3  # the fan-out, then one delivery per subscriber
    assert [p for _, _, p in pager.seen] == [{"service_id": 3}]
    assert [p for _, _, p in auditor.seen] == [{"service_id": 3}]
    kinds = jobs_of(database)
    assert set(kinds) == {"event:test.deployed", "test.deployed>pager", "test.deployed>auditor"}
    assert {j.state for j in kinds.values()} == {DONE}


def test_a_failing_subscriber_retries_alone(database: Database) -> None:
    broken, fine = Calls(failing=True), Calls()
    registry = Registry()
    registry.subscribe(DEPLOYED, "broken", broken)
    registry.subscribe(DEPLOYED, "fine", fine)
    publish_one(database, {"n": 1})
    clock = soon()
    worker = Worker(database, registry, name="w", clock=clock, backoff=Backoff(10, 60))

    worker.run_due()
    clock.advance(3600)
    worker.run_due()

    assert len(fine.seen) == 1
    assert len(broken.seen) == 2  # retried on its own
    kinds = jobs_of(database)
    assert kinds["test.deployed>fine"].state == DONE
    assert kinds["test.deployed>broken"].state == PENDING
    assert kinds["test.deployed>broken"].attempts == 2


def test_running_the_fan_out_again_enqueues_nothing_twice(database: Database) -> None:
    calls = Calls()
    registry = Registry()
    registry.subscribe(DEPLOYED, "pager", calls)
    publish_one(database, {"n": 1})
    event_job = jobs_of(database)["event:test.deployed"]
    fan_out = registry.handler_for(event_job.kind)
    assert fan_out is not None
    ctx = JobContext(database, event_job.id, event_job.kind, 1, utcnow())
    fan_out(ctx, {"n": 1})
    fan_out(ctx, {"n": 1})  # a re-claimed fan-out after a lost outcome

    with database.session() as session:
        deliveries = session.scalars(select(Job).where(Job.kind == "test.deployed>pager")).all()
    assert len(deliveries) == 1


def test_an_event_nobody_subscribes_to_completes(database: Database) -> None:
    publish_one(database, {"n": 1})
    ran = Worker(database, Registry(), name="w", clock=soon()).run_due()
    assert ran == 1
    assert jobs_of(database)["event:test.deployed"].state == DONE


def test_one_subscriber_name_per_event() -> None:
    registry = Registry()
    registry.subscribe(DEPLOYED, "pager", Calls())
    with pytest.raises(ValueError, match="already registered"):
        registry.subscribe(DEPLOYED, "pager", Calls())


def test_nothing_is_published_when_the_transaction_rolls_back(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as session:
        publish(session, DEPLOYED, {"n": 1})
        raise RuntimeError("the change failed")
    assert jobs_of(database) == {}
