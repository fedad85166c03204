from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_person

from watchkeep.auth import secrets


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Real argon2 at its lowest cost: at production cost each user takes ~0.2 s to create."""
    monkeypatch.setattr(
        secrets, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    yield


def _committed(session: Session, role: str, name: str) -> Person:
    person = make_person(session, role, name=name)
    session.commit()
    return person


@pytest.fixture
def alice(session: Session, cheap_password_hashing: None) -> Person:
    return _committed(session, "responder", "Alice")


@pytest.fixture
def bob(session: Session, cheap_password_hashing: None) -> Person:
    return _committed(session, "responder", "Bob")


@pytest.fixture
def viewer(session: Session, cheap_password_hashing: None) -> Person:
    return _committed(session, "viewer", "Vera Viewer")


@pytest.fixture
def admin(session: Session, cheap_password_hashing: None) -> Person:
    return _committed(session, "admin", "Ada Admin")


Declare = Callable[..., dict[str, Any]]


@pytest.fixture
def declare(client: TestClient, alice: Person) -> Declare:
    """Declare through the API (as Alice unless ``as_=`` names someone else); returns the body."""

    def run(as_: Person | None = None, **body: Any) -> dict[str, Any]:
        body.setdefault("title", "Something is wrong")
        body.setdefault("severity", "SEV2")
        response = client.post("/api/v1/incidents", json=body, headers=(as_ or alice).headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return run
