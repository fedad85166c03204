"""The similarity corpus reads any number of incidents: never one parameter per incident
beyond a batch (PostgreSQL takes at most 65,535 in a statement)."""

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.assist import corpus


def test_named_incidents_are_read_in_batches(
    session: Session, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [make_incident(session, alice, summary=f"disk {n}") for n in range(5)]
    monkeypatch.setattr(corpus, "ID_BATCH", 2)
    largest: list[int] = []

    def note(_conn: object, _cursor: object, _statement: str, params: object, *_: object) -> None:
        largest.append(len(params) if isinstance(params, (dict, tuple, list)) else 0)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        found = corpus.documents(session, [i.id for i in made])
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert sorted(d.id for d in found) == sorted(i.id for i in made)
    # A batch of ids and at most four fixed parameters (statuses left out, empty cause);
    # all five ids in one statement would make nine.
    assert max(largest) <= 2 + 4


def test_all_incidents_are_read_without_an_id_per_parameter(
    session: Session, alice: Person
) -> None:
    made = [make_incident(session, alice) for _ in range(8)]
    counts: dict[str, int] = {}

    def note(_conn: object, _cursor: object, statement: str, params: object, *_: object) -> None:
        for table in ("status_update", "problem_incident"):
            if f"FROM {table}" in statement:
                counts[table] = len(params) if isinstance(params, (dict, tuple, list)) else 0

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        found = {d.id for d in corpus.documents(session)}
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert {i.id for i in made} <= found
    # The updates and causes of every incident are read with the statuses left out and
    # the empty cause as the only parameters, not one per incident.
    assert set(counts) == {"status_update", "problem_incident"}
    assert max(counts.values()) <= 4 < len(found)
