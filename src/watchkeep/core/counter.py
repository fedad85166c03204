"""Gap-tolerant per-name counters for human references such as ``INC-42``.

The row lock taken by the UPDATE serialises concurrent callers on PostgreSQL; on SQLite
the write lock of the transaction already does.
"""

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from watchkeep.core.db import Base
from watchkeep.core.types import BigId


class Counter(Base):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigId, default=0)


def next_value(session: Session, name: str) -> int:
    """Return the next value of counter ``name``, creating it on first use."""
    value = session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
    if value is not None:
        return value
    start = session.execute(select(Counter.value).where(Counter.name == name)).scalar()
    if start is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        return 1
    return next_value(session, name)
