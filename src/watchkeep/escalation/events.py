"""Domain events of escalation; the notify domain subscribes in its ``tasks.py``."""

from sqlalchemy.orm import Session

from watchkeep.escalation.models import Page
from watchkeep.jobs.events import Event, publish

PAGED = Event("escalation.paged")
"""A person was paged (by an escalation, or directly). Payload: ``{"page_id": int}``."""


def announce_page(session: Session, page: Page) -> None:
    publish(session, PAGED, {"page_id": page.id})
