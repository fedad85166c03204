"""Per-name counters for human references such as ``INC-42``.

On PostgreSQL a number is taken in a short transaction of its own (one upsert on its own
connection, committed at once), so concurrent declares never wait for each other's whole
transaction; like a sequence, numbers are unique and increase in the order they are taken,
and a transaction that takes a number and then fails leaves a gap. On SQLite the number is
taken in the caller's transaction, which already holds the database's write lock: no gaps.
"""

from sqlalchemy import String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import ReturningInsert

from watchkeep.core.db import Base
from watchkeep.core.types import BigId


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigId, default=0)


def next_value(session: Session, name: str) -> int:
    """Return the next value of counter ``name``, creating it on first use."""
    return next_values(session, name, 1)[0]


def next_values(session: Session, name: str, count: int) -> range:
    """The next ``count`` values of counter ``name``, taken in one statement: a block of
    consecutive numbers (an import numbers thousands of incidents at once)."""
    if count < 1:
        return range(0)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        with bind.engine.connect() as connection:
            last: int = connection.execute(
                _take(postgresql.insert(Counter), name, count)
            ).scalar_one()
            connection.commit()
    else:
        last = session.execute(_take(sqlite.insert(Counter), name, count)).scalar_one()
    return range(last - count + 1, last + 1)


def _take(insert: postgresql.Insert | sqlite.Insert, name: str, count: int) -> ReturningInsert[int]:
    """One statement: count ``name`` up by ``count`` (from 0 on first use) and return the
    last value taken."""
    return (
        insert.values(name=name, value=count)
        .on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + count})
        .returning(Counter.value)
    )
