"""The newest-first page reads the declared-at index in order on both databases, so that
its cost does not grow with the number of incidents (at 100,000 a full sort took 40 ms)."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.incident.listing import IncidentFilter, page_ids


def planned(session: Session, admin: Person, sort: str) -> str:
    """The database's plan for the page query that ``page_ids`` runs."""
    seen: list[tuple[str, Any]] = []
    connection = session.connection()

    def capture(_c: object, _cursor: object, statement: str, params: Any, *_: object) -> None:
        seen.append((statement, params))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        page_ids(session, actor=admin.actor, flt=IncidentFilter(), limit=20, sort=sort)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    [(statement, params)] = [s for s in seen if "ORDER BY" in s[0]]
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        return "\n".join(str(row[-1]) for row in rows)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: force the choice
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", params)
    return "\n".join(str(row[0]) for row in rows)


def test_newest_first_and_oldest_first_walk_the_declared_at_index(
    session: Session, admin: Person
) -> None:
    for n in range(5):
        make_incident(session, admin, title=f"Incident {n}")
    for sort in ("-declared", "declared"):
        plan = planned(session, admin, sort)
        assert "ix_incident_declared_at" in plan, plan
        if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
            assert "Seq Scan" not in plan, plan
