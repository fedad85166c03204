from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from watchkeep.core.counter import next_value
from watchkeep.jobs.models import Job
from watchkeep.models import metadata


def test_migrations_match_the_models(session: Session) -> None:
    context = MigrationContext.configure(session.connection(), opts={"compare_type": False})
    assert compare_metadata(context, metadata) == []


def test_datetimes_round_trip_as_utc_instants(session: Session) -> None:
    local = datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2)))
    job = Job(kind="x", payload={}, due_at=local, created_at=local)
    session.add(job)
    session.flush()
    session.expire_all()
    loaded = session.get(Job, job.id)
    assert loaded is not None
    assert loaded.due_at == local
    assert loaded.due_at.tzinfo is UTC
    assert loaded.due_at.hour == 0


def test_counters_count_per_name(session: Session) -> None:
    assert [next_value(session, "a"), next_value(session, "a"), next_value(session, "b")] == [
        1,
        2,
        1,
    ]
