from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import BigInteger, inspect, text
from sqlalchemy.orm import Session

from watchkeep.assist.models import SEARCH_STRUCTURES
from watchkeep.auth.models import ApiToken, User
from watchkeep.core.counter import next_value
from watchkeep.jobs.models import Job
from watchkeep.models import metadata


def _modelled(item: Any, name: str | None, kind: str, reflected: bool, _other: Any) -> bool:
    """Whether the comparison looks at ``item``: not at the full-text structures that the
    similarity migration creates per database, outside the models."""
    if kind == "table" and name and name.startswith(SEARCH_STRUCTURES[0]):
        return False
    if kind == "index":
        return name not in SEARCH_STRUCTURES
    if kind == "column" and reflected:
        return f"{item.table.name}.{name}" not in SEARCH_STRUCTURES
    return True


def test_migrations_match_the_models(session: Session) -> None:
    context = MigrationContext.configure(
        session.connection(), opts={"compare_type": False, "include_object": _modelled}
    )
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


def test_ids_foreign_keys_and_numbers_are_64_bit(session: Session) -> None:
    connection = session.connection()
    wanted = {
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, BigInteger)
    }
    assert ("incident", "number") in wanted
    assert ("incident", "severity_id") in wanted
    columns = {
        (table, column["name"]): str(column["type"]).upper()
        for table, _ in wanted
        for column in inspect(connection).get_columns(table)
    }
    big = "BIGINT" if connection.dialect.name == "postgresql" else "INTEGER"
    assert {key: columns[key] for key in wanted} == dict.fromkeys(wanted, big)
    if connection.dialect.name == "postgresql":
        sequences = connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE data_type <> 'bigint'::regtype")
        ).all()
        assert sequences == []


LARGEST_64_BIT = 2**63 - 1


def test_the_largest_64_bit_id_is_stored_and_referred_to(session: Session) -> None:
    session.add(
        User(id=LARGEST_64_BIT, email="big@example.com", name="Big", created_at=datetime.now(UTC))
    )
    session.flush()
    token = ApiToken(
        user_id=LARGEST_64_BIT,
        name="t",
        role="viewer",
        prefix="p",
        token_hash="h" * 64,
        created_at=datetime.now(UTC),
    )
    session.add(token)
    session.flush()
    session.expire_all()
    assert session.get(ApiToken, token.id).user.id == LARGEST_64_BIT  # type: ignore[union-attr]
