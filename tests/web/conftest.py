import pytest
from sqlalchemy.orm import Session
from tests.factories import Person, committed_person


@pytest.fixture
def alice(session: Session) -> Person:
    """A committed responder (the app reads it through its own session)."""
    return committed_person(session, name="Alice Lead")
