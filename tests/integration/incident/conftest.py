from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
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


@pytest.fixture
def alice(session: Session, cheap_password_hashing: None) -> Person:
    return make_person(session, "responder", name="Alice")


@pytest.fixture
def bob(session: Session, cheap_password_hashing: None) -> Person:
    return make_person(session, "responder", name="Bob")


@pytest.fixture
def viewer(session: Session, cheap_password_hashing: None) -> Person:
    return make_person(session, "viewer", name="Vera Viewer")


@pytest.fixture
def admin(session: Session, cheap_password_hashing: None) -> Person:
    return make_person(session, "admin", name="Ada Admin")
