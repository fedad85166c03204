"""Status updates set when the next is due and schedule a reminder; the reminder handler."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident

from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.errors import Forbidden, Invalid
from watchkeep.incident import roles, updates
from watchkeep.incident.models import Incident, StatusUpdate
from watchkeep.incident.status import transition
from watchkeep.incident.tasks import UPDATE_DUE, remind_update_due
from watchkeep.incident.timeline import list_entries
from watchkeep.jobs.models import PENDING, Job
from watchkeep.jobs.registry import JobContext

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def reminder_jobs(session: Session, *, declared: bool = False) -> list[Job]:
    """The reminders set by status updates (or, with ``declared``, by declaring)."""
    jobs = session.scalars(select(Job).where(Job.kind == UPDATE_DUE).order_by(Job.id))
    return [j for j in jobs if (":declared:" in (j.idempotency_key or "")) == declared]


def test_the_first_update_is_due_after_the_severitys_time(session: Session, alice: Person) -> None:
    sev1 = make_incident(session, alice, severity="SEV1", now=NOW)
    sev3 = make_incident(session, alice, severity="SEV3", now=NOW)
    assert (sev1.next_update_at, sev3.next_update_at) == (at(15), at(60))
    assert [(j.payload, j.due_at) for j in reminder_jobs(session, declared=True)] == [
        ({"incident_id": sev1.id, "due_at": at(15).isoformat()}, at(15)),
        ({"incident_id": sev3.id, "due_at": at(60).isoformat()}, at(60)),
    ]
    assert updates.is_overdue(sev1, at(15)) and not updates.is_overdue(sev3, at(15))


def test_an_incident_nobody_updates_is_reminded(
    session: Session, database: Database, alice: Person
) -> None:
    incident = make_incident(session, alice, severity="SEV2", now=NOW)
    (job,) = reminder_jobs(session, declared=True)
    session.commit()
    run_reminder(database, job, now=at(31))
    assert reminders(session, incident) == [
        {"due_at": at(30).isoformat(), "lead_id": alice.user.id}
    ]


def test_posting_an_update_sets_the_next_due_time_and_schedules_a_reminder(
    session: Session, alice: Person
) -> None:
    incident = make_incident(session, alice, severity="SEV1", now=NOW)
    update = updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="Investigating elevated errors\nMore soon.",
        next_update_in_minutes=15,
        now=at(2),
    )
    assert (update.status, update.severity_name, update.author_id) == (
        "investigating",
        "SEV1",
        alice.user.id,
    )
    assert update.message == "Investigating elevated errors\nMore soon."
    assert update.next_update_at == incident.next_update_at == at(17)

    (entry,) = [
        e for e in list_entries(session, incident_id=incident.id) if e.kind == "status_update"
    ]
    assert (entry.kind, entry.title, entry.occurred_at) == (
        "status_update",
        "Update: Investigating elevated errors",
        at(2),
    )
    assert entry.payload == {
        "update_id": update.id,
        "status": "investigating",
        "next_update_at": at(17).isoformat(),
    }

    (job,) = reminder_jobs(session)
    assert job.payload == {"incident_id": incident.id, "due_at": at(17).isoformat()}
    assert job.due_at == at(17)
    assert job.idempotency_key == f"incident.update_due:{update.id}"
    assert job.state == PENDING


def test_the_default_interval_applies_when_none_is_given(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="hi",
        default_interval_minutes=45,
        now=at(0),
    )
    assert incident.next_update_at == at(45)
    assert reminder_jobs(session)[0].due_at == at(45)


def test_each_update_schedules_its_own_reminder(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    first = updates.post(session, incident=incident, actor=alice.actor, message="one", now=at(1))
    second = updates.post(session, incident=incident, actor=alice.actor, message="two", now=at(5))
    assert [j.idempotency_key for j in reminder_jobs(session)] == [
        f"incident.update_due:{first.id}",
        f"incident.update_due:{second.id}",
    ]
    assert incident.next_update_at == at(35)
    assert [u.id for u in updates.list_updates(session, incident_id=incident.id)] == [
        second.id,
        first.id,
    ]


def test_an_update_can_move_the_status(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    update = updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="Fix deployed",
        status="monitoring",
        now=at(10),
    )
    assert (incident.status, update.status) == ("monitoring", "monitoring")
    assert incident.mitigated_at == at(10)
    entries = sorted(list_entries(session, incident_id=incident.id), key=lambda e: e.id)
    assert [e.kind for e in entries][-2:] == ["status_changed", "status_update"]
    assert entries[-2].payload == {"old": "investigating", "new": "monitoring"}


def test_a_resolving_update_expects_no_further_update(session: Session, alice: Person) -> None:
    incident = make_incident(session, alice, now=NOW)
    updates.post(session, incident=incident, actor=alice.actor, message="looking", now=at(1))
    update = updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="All good",
        status="resolved",
        now=at(20),
    )
    assert update.next_update_at is None
    assert incident.next_update_at is None
    assert len(reminder_jobs(session)) == 1  # only the first update's


@pytest.mark.parametrize(
    ("message", "minutes", "field"),
    [
        ("  ", None, "message"),
        ("ok", 0, "next_update_in_minutes"),
        ("ok", 10081, "next_update_in_minutes"),
    ],
)
def test_bad_updates_are_invalid_and_store_nothing(
    session: Session, alice: Person, message: str, minutes: int | None, field: str
) -> None:
    incident = make_incident(session, alice, now=NOW)
    first_due = incident.next_update_at  # set by declaring
    with pytest.raises(Invalid) as raised:
        updates.post(
            session,
            incident=incident,
            actor=alice.actor,
            message=message,
            next_update_in_minutes=minutes,
            now=at(1),
        )
    assert raised.value.details["field"] == field
    assert updates.list_updates(session, incident_id=incident.id) == []
    assert reminder_jobs(session) == []
    assert incident.next_update_at == first_due


def test_a_viewer_cannot_post_updates(session: Session, alice: Person, viewer: Person) -> None:
    incident = make_incident(session, alice)
    with pytest.raises(Forbidden):
        updates.post(session, incident=incident, actor=viewer.actor, message="hello", now=utcnow())


# --- the reminder job ------------------------------------------------------------------------


def run_reminder(database: Database, job: Job, now: datetime) -> None:
    ctx = JobContext(db=database, job_id=job.id, kind=job.kind, attempt=1, now=now)
    remind_update_due(ctx, job.payload)


def reminders(session: Session, incident: Incident) -> list[dict[str, object]]:
    session.expire_all()
    return [
        e.payload
        for e in list_entries(session, incident_id=incident.id)
        if e.kind == "update_reminder"
    ]


@pytest.fixture
def posted(session: Session, alice: Person) -> tuple[Incident, StatusUpdate, Job]:
    incident = make_incident(session, alice, now=NOW)
    update = updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="looking",
        next_update_in_minutes=30,
        now=at(0),
    )
    (job,) = reminder_jobs(session)
    session.commit()
    return incident, update, job


def test_an_overdue_update_reminds_the_lead(
    session: Session,
    database: Database,
    alice: Person,
    bob: Person,
    posted: tuple[Incident, StatusUpdate, Job],
) -> None:
    incident, update, job = posted
    roles.assign(
        session,
        incident=incident,
        role="lead",
        user_id=bob.user.id,
        actor=alice.actor,
        now=utcnow(),
    )
    session.commit()
    run_reminder(database, job, now=at(31))
    assert reminders(session, incident) == [
        {"due_at": update.next_update_at.isoformat(), "lead_id": bob.user.id}
    ]
    (entry,) = [
        e for e in list_entries(session, incident_id=incident.id) if e.kind == "update_reminder"
    ]
    assert entry.title == "Status update overdue: reminded Bob"
    assert entry.actor_id is None


def test_the_reminder_fires_exactly_at_the_due_time(
    session: Session, database: Database, posted: tuple[Incident, StatusUpdate, Job]
) -> None:
    incident, _update, job = posted
    run_reminder(database, job, now=at(30))
    assert len(reminders(session, incident)) == 1


def test_a_reminder_before_the_due_time_does_nothing(
    session: Session, database: Database, posted: tuple[Incident, StatusUpdate, Job]
) -> None:
    incident, _, job = posted
    run_reminder(database, job, now=at(29))
    assert reminders(session, incident) == []


def test_a_superseded_reminder_does_nothing(
    session: Session,
    database: Database,
    alice: Person,
    posted: tuple[Incident, StatusUpdate, Job],
) -> None:
    incident, _, first_job = posted
    newer = updates.post(
        session,
        incident=incident,
        actor=alice.actor,
        message="still looking",
        next_update_in_minutes=30,
        now=at(20),
    )
    second_job = next(j for j in reminder_jobs(session) if j.id != first_job.id)
    session.commit()
    run_reminder(database, first_job, now=at(31))
    assert reminders(session, incident) == []
    run_reminder(database, second_job, now=at(51))
    assert reminders(session, incident) == [
        {"due_at": newer.next_update_at.isoformat(), "lead_id": alice.user.id}
    ]


def test_no_reminder_once_the_incident_is_resolved(
    session: Session,
    database: Database,
    alice: Person,
    posted: tuple[Incident, StatusUpdate, Job],
) -> None:
    incident, _, job = posted
    transition(session, incident=incident, actor=alice.actor, status="resolved", now=at(10))
    session.commit()
    run_reminder(database, job, now=at(31))
    assert reminders(session, incident) == []


def test_a_reminder_for_a_vanished_incident_or_update_does_nothing(
    session: Session, database: Database, posted: tuple[Incident, StatusUpdate, Job]
) -> None:
    incident, update, job = posted
    for payload in (
        {"incident_id": 987654, "update_id": update.id},
        {"incident_id": incident.id, "update_id": 987654},
    ):
        ctx = JobContext(db=database, job_id=job.id, kind=job.kind, attempt=1, now=at(31))
        remind_update_due(ctx, payload)
    assert reminders(session, incident) == []


def test_a_reminder_queued_before_reminders_carried_their_time_still_works(
    session: Session, database: Database, posted: tuple[Incident, StatusUpdate, Job]
) -> None:
    incident, update, job = posted
    ctx = JobContext(db=database, job_id=job.id, kind=job.kind, attempt=1, now=at(31))
    remind_update_due(ctx, {"incident_id": incident.id, "update_id": update.id})
    assert len(reminders(session, incident)) == 1
