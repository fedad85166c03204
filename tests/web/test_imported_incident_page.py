"""An imported incident's page: drawn like any other, with the reference it came with."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin
from tests.factories.history import history
from tests.web.helpers import HTML, log_in

from watchkeep.core.clock import utcnow
from watchkeep.history.service import import_history, parse
from watchkeep.incident.models import Incident


def test_the_page_shows_where_it_was_imported_from(
    client: TestClient, session: Session, alice: Person
) -> None:
    import_history(session, actor=an_admin(session), now=utcnow(), document=parse(history()))
    session.commit()
    incident = session.scalar(select(Incident).where(Incident.external_ref == "PD-100"))
    assert incident is not None
    log_in(client, alice)
    page = client.get(f"/incidents/{incident.reference}", headers=HTML)
    assert page.status_code == 200
    assert "Imported as" in page.text and "PD-100" in page.text
    assert "Nadia Okafor declared the incident as SEV2 (triage)" in page.text
    assert "Rollback of 4411 done" in page.text
