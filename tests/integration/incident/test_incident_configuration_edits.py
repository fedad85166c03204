"""Editing severities and incident types: admins only, audited when something changed."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_person

from watchkeep.auth.models import AuditRecord
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Conflict, Forbidden, Invalid, NotFound
from watchkeep.incident import severities


def updates(session: Session, action: str) -> list[AuditRecord]:
    return list(
        session.scalars(
            select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
    )


def test_a_severity_is_edited_and_audited(session: Session) -> None:
    admin = make_person(session, "admin")
    sev3 = severities.get_severity(session, ref="SEV3")
    changed = severities.update_severity(
        session,
        actor=admin.actor,
        now=utcnow(),
        severity_id=sev3.id,
        name=" SEV3 ",
        description="Minor",
        rank=3,
        update_minutes=None,
    )
    assert (changed.name, changed.description, changed.update_minutes) == ("SEV3", "Minor", None)
    [record] = updates(session, "severity:update")
    assert set(record.changes) == {"description", "update_minutes"}
    # The same values again change nothing and record nothing.
    severities.update_severity(
        session,
        actor=admin.actor,
        now=utcnow(),
        severity_id=sev3.id,
        name="SEV3",
        description="Minor",
        rank=3,
        update_minutes=None,
    )
    assert len(updates(session, "severity:update")) == 1


def test_severity_edits_are_checked(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    sev3 = severities.get_severity(session, ref="SEV3")
    base = {
        "severity_id": sev3.id,
        "name": "SEV3",
        "description": "",
        "rank": 3,
        "update_minutes": 60,
    }
    with pytest.raises(Forbidden):
        severities.update_severity(session, actor=person.actor, now=utcnow(), **base)  # type: ignore[arg-type]
    for change, error in (
        ({"name": "SEV1"}, Conflict),
        ({"name": " "}, Invalid),
        ({"rank": -1}, Invalid),
        ({"update_minutes": 0}, Invalid),
        ({"description": "x" * 2001}, Invalid),
        ({"severity_id": 10**9}, NotFound),
    ):
        with pytest.raises(error):
            severities.update_severity(
                session, actor=admin.actor, now=utcnow(), **{**base, **change}
            )  # type: ignore[arg-type]
    assert severities.get_severity(session, ref=sev3.id).update_minutes == 60


def test_an_incident_type_is_edited_and_audited(session: Session) -> None:
    admin, person = make_person(session, "admin"), make_person(session)
    security = severities.get_type(session, ref="Security")
    changed = severities.update_type(
        session,
        actor=admin.actor,
        now=utcnow(),
        type_id=security.id,
        name="Security",
        description="Breaches",
        rank=security.rank,
        private_by_default=False,
    )
    assert not changed.private_by_default
    [record] = updates(session, "incident_type:update")
    assert record.changes["private_by_default"] == [True, False]
    with pytest.raises(Conflict):
        severities.update_type(
            session,
            actor=admin.actor,
            now=utcnow(),
            type_id=security.id,
            name="Default",
            description="",
            rank=1,
            private_by_default=False,
        )
    with pytest.raises(Forbidden):
        severities.update_type(
            session,
            actor=person.actor,
            now=utcnow(),
            type_id=security.id,
            name="S",
            description="",
            rank=1,
            private_by_default=False,
        )
