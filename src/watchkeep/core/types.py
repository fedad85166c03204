"""Column types shared by all models."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores a UTC instant on every database and always reads back an aware UTC value."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant: datetime = value
        if instant.tzinfo is UTC:  # PostgreSQL (its sessions run in UTC): nothing to do
            return instant
        if instant.tzinfo is None:
            return instant.replace(tzinfo=UTC)
        return instant.astimezone(UTC)


JSONValue = JSON().with_variant(JSONB(), "postgresql")

BigId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit id on every database: BIGINT on PostgreSQL; SQLite's INTEGER is already 64-bit,
and only a column declared exactly ``INTEGER PRIMARY KEY`` gets its row id assigned."""
