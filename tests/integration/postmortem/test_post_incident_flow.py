"""The post-incident flow: a resolved incident enters documenting with its checklist (through
the worker's job), and moves to reviewing and closed as the tasks are finished; configured
flows choose other checklists; owners of overdue tasks are told once."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import Person, an_admin, make_incident, make_person

from watchkeep.app.components import worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.core.db import Database
from watchkeep.core.errors import Conflict, Invalid
from watchkeep.core.settings import Settings
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.incident.status import transition
from watchkeep.jobs.worker import Worker
from watchkeep.notify.models import Notification
from watchkeep.postmortem import checklist, documents, outlines, reminders


def resolve_and_run(
    database: Database,
    session: Session,
    similarity: SimilarityStore,
    incident: Incident,
    person: Person,
) -> None:
    resolved_at = incident.declared_at + timedelta(hours=1)
    transition(session, incident=incident, actor=person.actor, status="resolved", now=resolved_at)
    session.commit()
    worker = Worker(
        database,
        build_registry(),
        name="test",
        clock=lambda: resolved_at + timedelta(seconds=1),
        state=worker_state(similarity=similarity, settings=Settings()),
    )
    worker.run_due()
    session.expire_all()


def test_a_resolved_incident_enters_documenting_with_the_default_checklist(
    database: Database, session: Session, similarity: SimilarityStore, alice: Person
) -> None:
    incident = make_incident(session, alice, title="Checkout down")
    resolve_and_run(database, session, similarity, incident, alice)
    assert incident.status == "documenting"
    tasks = checklist.tasks_of(session, incident_id=incident.id)
    assert [(t.kind, t.phase, t.owner_id) for t in tasks] == [
        ("write_postmortem", "documenting", alice.user.id),
        ("confirm_follow_ups", "documenting", alice.user.id),
        ("link_problem", "documenting", alice.user.id),
        ("hold_review", "reviewing", alice.user.id),
    ]
    assert incident.resolved_at is not None
    assert tasks[0].due_at == incident.resolved_at + timedelta(days=5)
    titles = session.scalars(
        select(TimelineEntry.title).where(TimelineEntry.incident_id == incident.id)
    )
    assert any("to documenting: the post-incident checklist has 4 tasks" in t for t in titles)


def test_finishing_the_tasks_moves_the_incident_on(
    database: Database, session: Session, similarity: SimilarityStore, alice: Person
) -> None:
    incident = make_incident(session, alice, title="Search slow")
    resolve_and_run(database, session, similarity, incident, alice)
    tasks = {t.kind: t for t in checklist.tasks_of(session, incident_id=incident.id)}
    now = incident.declared_at + timedelta(days=1)
    checklist.finish(
        session, incident=incident, task_id=tasks["write_postmortem"].id, actor=alice.actor, now=now
    )
    with pytest.raises(Invalid):
        checklist.finish(
            session,
            incident=incident,
            task_id=tasks["link_problem"].id,
            actor=alice.actor,
            now=now,
            skip_reason="  ",
        )
    checklist.finish(
        session,
        incident=incident,
        task_id=tasks["link_problem"].id,
        actor=alice.actor,
        now=now,
        skip_reason="a one-off",
    )
    assert incident.status == "documenting"
    checklist.finish(
        session,
        incident=incident,
        task_id=tasks["confirm_follow_ups"].id,
        actor=alice.actor,
        now=now,
    )
    assert incident.status == "reviewing"
    with pytest.raises(Conflict):
        checklist.finish(
            session, incident=incident, task_id=tasks["link_problem"].id, actor=alice.actor, now=now
        )
    checklist.finish(
        session, incident=incident, task_id=tasks["hold_review"].id, actor=alice.actor, now=now
    )
    assert incident.status == "closed"
    assert tasks["link_problem"].state == "skipped" and tasks["link_problem"].reason == "a one-off"


def test_a_configured_flow_chooses_the_checklist_and_the_template(
    database: Database, session: Session, similarity: SimilarityStore, alice: Person
) -> None:
    admin = an_admin(session)
    outlines.save_flow(
        session,
        actor=admin,
        now=alice.user.created_at,
        name="Small ones",
        position=0,
        incident_types=[],
        severities=["SEV4"],
        template="Lightweight",
        tasks=[
            {
                "kind": "write_postmortem",
                "title": "Write a short note",
                "phase": "documenting",
                "due_days": 2,
            }
        ],
    )
    small = make_incident(session, alice, title="Typo on the status page", severity="SEV4")
    big = make_incident(session, alice, title="Everything down", severity="SEV1")
    resolve_and_run(database, session, similarity, small, alice)
    resolve_and_run(database, session, similarity, big, alice)
    assert [t.title for t in checklist.tasks_of(session, incident_id=small.id)] == [
        "Write a short note"
    ]
    assert len(checklist.tasks_of(session, incident_id=big.id)) == 4
    document = documents.open_for(session, incident=small, actor=alice.actor, now=small.declared_at)
    assert [s["key"] for s in document.sections] == [
        "summary",
        "timeline",
        "root_cause",
        "follow_ups",
    ]
    checklist.finish(
        session,
        incident=small,
        task_id=checklist.tasks_of(session, incident_id=small.id)[0].id,
        actor=alice.actor,
        now=small.declared_at,
    )
    assert small.status == "closed"


def test_owners_of_overdue_tasks_are_told_once(
    database: Database, session: Session, similarity: SimilarityStore, alice: Person
) -> None:
    incident = make_incident(session, alice, title="Queue backlog")
    resolve_and_run(database, session, similarity, incident, alice)
    assert incident.resolved_at is not None
    later = incident.resolved_at + timedelta(days=6)
    assert {t.kind for t in checklist.overdue(session, now=later)} == {
        "write_postmortem",
        "confirm_follow_ups",
    }
    assert reminders.remind_overdue(session, now=later, base_url="http://wk.example") == 2
    assert (
        reminders.remind_overdue(
            session, now=later + timedelta(hours=1), base_url="http://wk.example"
        )
        == 0
    )
    notices = session.scalars(
        select(Notification).where(Notification.user_id == alice.user.id)
    ).all()
    assert sum(n.event == "post_incident_task.overdue" for n in notices) >= 2
    assert any("Write the post-mortem" in str(n.content) for n in notices)


def test_an_open_task_may_change_hands(session: Session, alice: Person) -> None:
    bob = make_person(session, name="Bob")
    incident = make_incident(session, alice, title="DNS flaps")
    transition(
        session, incident=incident, actor=alice.actor, status="resolved", now=incident.declared_at
    )
    (first, *_) = checklist.start(session, incident=incident, now=incident.declared_at)
    moved = checklist.assign(
        session,
        incident=incident,
        task_id=first.id,
        actor=alice.actor,
        now=incident.declared_at,
        owner_id=bob.user.id,
        due_at=None,
    )
    assert moved.owner is not None and moved.owner.name == "Bob" and moved.due_at is None
