from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_person


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
