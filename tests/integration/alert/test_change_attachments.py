"""Change events attach to the incidents of their service whose window holds them: from the
impact's start (else the declaration) less the look-back, to the resolution; both when the
change comes and when the incident is declared or given the service; once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_service, make_source

from watchkeep.alert import attachments, changes
from watchkeep.alert.models import AlertSource, ChangeEvent, IncidentChange
from watchkeep.alert.normalize import Change, Link
from watchkeep.app.components import worker_state
from watchkeep.app.tasks import build_registry
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.catalog.models import Service
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.incident import service as incidents
from watchkeep.incident import status
from watchkeep.incident.models import Incident, TimelineEntry
from watchkeep.jobs.worker import Worker

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LOOKBACK = timedelta(minutes=120)


@pytest.fixture
def api(session: Session) -> Service:
    return make_service(session, "api")


@pytest.fixture
def source(session: Session, api: Service) -> AlertSource:
    return make_source(session, kind="pagerduty", service_id=api.id)


def change_at(
    session: Session, source: AlertSource, at: datetime, summary: str = "api v42 to production"
) -> ChangeEvent:
    change = Change(
        summary,
        "ci",
        at,
        {"build": "42"},
        (Link("https://ci.example.com/builds/42", "Build 42"),),
        kind="deploy",
    )
    stored, new = changes.record(session, source=source, body={}, change=change, now=at)
    assert new
    return stored


def declare(session: Session, alice: Person, service: Service, **fields: object) -> Incident:
    fields.setdefault("now", T0)
    return make_incident(session, alice, service_ids=[service.id], **fields)


def attached_to(session: Session, change: ChangeEvent) -> list[int]:
    found = attachments.attach_change(session, change_id=change.id, lookback=LOOKBACK, now=T0)
    return [i.id for i in found]


def entries(session: Session, incident: Incident) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(
        TimelineEntry.incident_id == incident.id, TimelineEntry.kind == "change_attached"
    )
    return list(session.scalars(query))


def links(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IncidentChange)) or 0


def test_a_change_in_the_window_attaches_with_a_timeline_entry_at_its_time(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    incident = declare(session, alice, api)
    change = change_at(session, source, T0 - timedelta(minutes=90))
    assert attached_to(session, change) == [incident.id]
    [entry] = entries(session, incident)
    assert entry.title == "Deploy: api v42 to production"
    assert entry.occurred_at == change.occurred_at
    assert entry.actor_id is None
    assert entry.payload == {
        "change_id": change.id,
        "reference": change.reference,
        "kind": "deploy",
        "summary": "api v42 to production",
        "occurred_at": "2026-03-10T10:30:00+00:00",
        "links": [{"href": "https://ci.example.com/builds/42", "text": "Build 42"}],
        "service": "api",
        "service_id": api.id,
    }
    assert [c.id for c in attachments.changes_of(session, incident_id=incident.id)] == [change.id]


@pytest.mark.parametrize(
    ("minutes", "attached"),
    [
        (-121, False),  # before the look-back
        (-120, True),
        (-1, True),
        (30, True),  # during the incident
        (59, True),
        (61, False),  # after it was resolved
    ],
)
def test_the_window_runs_from_the_look_back_to_the_resolution(
    session: Session, alice: Person, api: Service, source: AlertSource, minutes: int, attached: bool
) -> None:
    incident = declare(session, alice, api)
    status.transition(
        session,
        incident=incident,
        actor=alice.actor,
        status="resolved",
        now=T0 + timedelta(hours=1),
    )
    change = change_at(session, source, T0 + timedelta(minutes=minutes))
    assert attached_to(session, change) == ([incident.id] if attached else [])


def test_an_open_incident_takes_changes_for_as_long_as_it_is_open(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    incident = declare(session, alice, api)
    assert attached_to(session, change_at(session, source, T0 + timedelta(days=3))) == [incident.id]


def test_the_window_starts_at_the_impact_when_it_is_known(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    incident = declare(session, alice, api, impact_started_at=T0 - timedelta(hours=3))
    inside = change_at(session, source, T0 - timedelta(hours=4, minutes=30))
    outside = change_at(session, source, T0 - timedelta(hours=5, minutes=1), "earlier")
    assert attached_to(session, inside) == [incident.id]
    assert attached_to(session, outside) == []


def test_a_change_of_another_service_or_of_none_does_not_attach(
    session: Session, alice: Person, api: Service
) -> None:
    declare(session, alice, api)
    other = make_source(session, kind="pagerduty", service_id=make_service(session).id)
    no_service = make_source(session, kind="pagerduty")
    assert attached_to(session, change_at(session, other, T0)) == []
    assert attached_to(session, change_at(session, no_service, T0)) == []


def test_an_incident_declared_after_the_change_gets_it(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    before = change_at(session, source, T0 - timedelta(minutes=45))
    too_early = change_at(session, source, T0 - timedelta(hours=3), "too early")
    incident = declare(session, alice, api)
    found = attachments.attach_to_incident(
        session, incident_id=incident.id, lookback=LOOKBACK, now=T0
    )
    assert [c.id for c in found] == [before.id]
    assert too_early.id not in [
        c.id for c in attachments.changes_of(session, incident_id=incident.id)
    ]


def test_attaching_again_either_way_changes_nothing(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    incident = declare(session, alice, api)
    change = change_at(session, source, T0 - timedelta(minutes=10))
    assert attached_to(session, change) == [incident.id]
    assert attached_to(session, change) == []
    again = attachments.attach_to_incident(
        session, incident_id=incident.id, lookback=LOOKBACK, now=T0
    )
    assert again == []
    assert links(session) == 1 and len(entries(session, incident)) == 1


def test_a_declined_incident_takes_no_changes(
    session: Session, alice: Person, api: Service, source: AlertSource
) -> None:
    incident = declare(session, alice, api, status="triage")
    status.transition(session, incident=incident, actor=alice.actor, status="declined", now=T0)
    change = change_at(session, source, T0 + timedelta(minutes=5))
    assert attached_to(session, change) == []
    found = attachments.attach_to_incident(
        session, incident_id=incident.id, lookback=LOOKBACK, now=T0
    )
    assert found == []


def run_jobs(database: Database, similarity: SimilarityStore) -> int:
    later = utcnow() + timedelta(minutes=1)
    return Worker(
        database,
        build_registry(),
        name="test",
        clock=lambda: later,
        state=worker_state(similarity=similarity, settings=Settings(change_lookback_minutes=30)),
    ).run_due()


def test_the_worker_attaches_both_ways_with_the_setting_s_look_back(
    session: Session,
    database: Database,
    similarity: SimilarityStore,
    alice: Person,
    api: Service,
    source: AlertSource,
) -> None:
    early = change_at(session, source, T0 - timedelta(minutes=20), "early deploy")
    too_early = change_at(session, source, T0 - timedelta(minutes=40), "older deploy")
    incident = declare(session, alice, api)
    session.commit()
    run_jobs(database, similarity)
    later = change_at(session, source, T0 + timedelta(minutes=5), "fix deploy")
    session.commit()
    run_jobs(database, similarity)
    session.expire_all()
    found = [c.summary for c in attachments.changes_of(session, incident_id=incident.id)]
    assert found == [later.summary, early.summary]
    assert too_early.summary not in found


def test_giving_an_incident_the_service_attaches_its_changes(
    session: Session,
    database: Database,
    similarity: SimilarityStore,
    alice: Person,
    api: Service,
    source: AlertSource,
) -> None:
    change = change_at(session, source, T0 - timedelta(minutes=10))
    incident = make_incident(session, alice, now=T0)
    session.commit()
    run_jobs(database, similarity)
    assert attachments.changes_of(session, incident_id=incident.id) == []
    incidents.update(session, incident=incident, actor=alice.actor, now=T0, service_ids=[api.id])
    session.commit()
    run_jobs(database, similarity)
    session.expire_all()
    assert [c.id for c in attachments.changes_of(session, incident_id=incident.id)] == [change.id]
