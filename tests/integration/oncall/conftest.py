import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_person


@pytest.fixture
def carol(session: Session) -> Person:
    return make_person(session, name="Carol")
