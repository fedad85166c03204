import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_person


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
