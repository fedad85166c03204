import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_person


@pytest.fixture
def alice(session: Session) -> Person:
    return make_person(session, name="Alice")


@pytest.fixture
def bob(session: Session) -> Person:
    return make_person(session, name="Bob")


@pytest.fixture
def carol(session: Session) -> Person:
    return make_person(session, name="Carol")


@pytest.fixture
def viewer(session: Session) -> Person:
    return make_person(session, "viewer", name="Vera Viewer")


@pytest.fixture
def admin(session: Session) -> Person:
    return make_person(session, "admin", name="Ada Admin")
