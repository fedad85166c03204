"""The signed one-click acknowledge link of a page: ``/ack/<token>``.

The token names the page and expires; it is signed with a key kept in the database
(``core/signing.py``), so any process can make and check it. Opening the link shows a
page with one button (a GET never acts: mail scanners open links); the button
acknowledges as the person paged.
"""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeep.core import signing
from watchkeep.escalation.models import Page

PURPOSE = "page-ack"
LIFETIME = timedelta(days=7)


def ack_path(token: str) -> str:
    return f"/ack/{token}"


def token_for(session: Session, *, page: Page, now: datetime) -> str:
    """A token that acknowledges ``page`` for a week."""
    key = signing.key_for(session, PURPOSE)
    return signing.sign(key, f"p{page.id}", expires_at=now + LIFETIME)


def page_of(session: Session, *, token: str, now: datetime) -> Page | None:
    """The page a genuine, unexpired token names; ``None`` for anything else."""
    key = signing.existing_key(session, PURPOSE)
    if key is None:
        return None
    payload = signing.verify(key, token, now=now)
    if payload is None or not payload.startswith("p") or not payload[1:].isdigit():
        return None
    return session.get(Page, int(payload[1:]))
