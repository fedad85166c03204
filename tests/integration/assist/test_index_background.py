"""A large history is indexed in the background: answers wait for it instead of the request."""

import time
from pathlib import Path

import pytest
from tests.factories import make_incident, make_person

from watchkeep.assist import index as similarity
from watchkeep.assist.index import IndexCache, IndexNotReady
from watchkeep.assist.knownerrors import match_known_errors
from watchkeep.assist.service import similar_incidents
from watchkeep.bootstrap import prepare
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database


def test_a_large_history_is_indexed_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'big.db'}")
    prepare(db)
    with db.session() as session:
        alice = make_person(session)
        first = make_incident(session, alice, title="Kafka consumer lag on orders")
        second = make_incident(session, alice, title="Orders consumer lag again")
        first_id, second_id = first.id, second.id
    cache = IndexCache()
    monkeypatch.setattr(similarity, "cache", cache)
    monkeypatch.setattr(similarity, "SYNC_LIMIT", 0)  # every history counts as large here

    with db.session() as session, pytest.raises(IndexNotReady):
        cache.get(session)
    deadline = time.monotonic() + 20
    while True:
        with db.session() as session:
            try:
                index = cache.get(session)
                break
            except IndexNotReady:
                assert time.monotonic() < deadline, "the background build never finished"
                time.sleep(0.05)
    assert first_id in index and second_id in index
    db.dispose()


def test_answers_wait_politely_while_the_index_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'big.db'}")
    prepare(db)

    class Building(IndexCache):
        def get(self, session: object) -> object:  # type: ignore[override]
            raise IndexNotReady("building")

    monkeypatch.setattr("watchkeep.assist.service.cache", Building())
    monkeypatch.setattr("watchkeep.assist.knownerrors.cache", Building())
    with db.session() as session:
        alice = make_person(session)
        incident = make_incident(session, alice, title="Kafka consumer lag on orders")
        assert similar_incidents(session, incident=incident, actor=alice.actor) == []
        with pytest.raises(IndexNotReady):  # the matching job fails and is retried later
            match_known_errors(session, incident_id=incident.id, now=utcnow())
    db.dispose()
