import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, make_person


@pytest.fixture
def alice(session: Session) -> Person:
    """A committed responder (the app reads it through its own session)."""
    person = make_person(session, name="Alice Lead")
    session.commit()
    return person
