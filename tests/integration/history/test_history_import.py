"""Importing a history on a real database: every kind of record, timelines in the incident
domain's own kinds, fresh INC numbers, and a second import that changes nothing."""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person
from tests.factories.history import Document, edited, history

from watchkeep.alert.models import Alert, AlertEvent, AlertSource, ChangeEvent, IncidentChange
from watchkeep.auth.models import User
from watchkeep.catalog.models import Service, Team
from watchkeep.core.clock import utcnow
from watchkeep.followup.models import FollowUp
from watchkeep.history.schemas import ImportSummary
from watchkeep.history.service import import_history, parse
from watchkeep.incident import roles
from watchkeep.incident.models import Incident, Participant, StatusUpdate
from watchkeep.incident.timeline import list_entries
from watchkeep.jobs.models import Job
from watchkeep.models import metadata
from watchkeep.problem.models import KnownError


def run(session: Session, who: Person, document: Document, **options: Any) -> ImportSummary:
    return import_history(
        session, actor=who.actor, now=utcnow(), document=parse(document), **options
    )


def by_ref(session: Session, ref: str) -> Incident:
    found = session.scalar(select(Incident).where(Incident.external_ref == ref))
    assert found is not None
    return found


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


def test_a_history_is_imported_in_every_domain(session: Session, admin: Person) -> None:
    summary = run(session, admin, history())
    created = {kind: counts.created for kind, counts in summary.counts.items()}
    assert created == {
        "users": 3,
        "teams": 3,
        "services": 4,
        "change_events": 2,
        "known_errors": 1,
        "alerts": 2,
        "incidents": 3,
    }
    # People: no password until an admin gives one.
    nadia = session.scalar(select(User).where(User.email == "nadia@example.com"))
    assert nadia is not None and nadia.password_hash is None and nadia.role == "responder"
    # Services: kinds, runbooks, owner teams created on the way, dependencies by name
    # (checkout-api names services listed after it).
    services = {s.name: s for s in session.scalars(select(Service))}
    checkout = services["checkout-api"]
    assert [s.name for s in checkout.depends_on] == ["orders-db", "payments-gateway"]
    assert (services["payments-gateway"].kind, services["orders-db"].kind) == (
        "third_party",
        "platform",
    )
    assert checkout.runbook.startswith("# checkout-api")
    assert checkout.runbook_url == "https://runbooks.example.com/checkout-api"
    assert checkout.owner_team is not None and checkout.owner_team.name == "Payments"
    assert {t.name for t in session.scalars(select(Team))} >= {"Payments", "Platform"}
    # Changes: no source, no payload; known by their id.
    deploy = session.scalar(select(ChangeEvent).where(ChangeEvent.external_id == "deploy-4411"))
    assert deploy is not None and (deploy.source_id, deploy.payload_id) == (None, None)
    assert (deploy.kind, deploy.reference, deploy.service_id) == (
        "deploy",
        "deploy-4411",
        checkout.id,
    )
    known = session.scalar(select(KnownError))
    assert known is not None and known.workaround == [
        "Disable the retry flag",
        "Roll back checkout-api",
    ]
    # Alerts: owned by one disabled source, with the events that opened and resolved them.
    source = session.scalar(select(AlertSource).where(AlertSource.name == "Imported history"))
    assert source is not None and not source.enabled and source.kind == "generic"
    alerts = list(session.scalars(select(Alert).order_by(Alert.starts_at)))
    assert [a.status for a in alerts] == ["resolved", "resolved"]
    assert alerts[0].dedup_key == "am-9001"
    events = session.scalars(select(AlertEvent.action).where(AlertEvent.alert_id == alerts[0].id))
    assert sorted(events) == ["resolve", "trigger"]


def test_imported_incidents_are_numbered_afresh_and_keep_their_ref(
    session: Session, admin: Person
) -> None:
    summary = run(session, admin, history())
    found = {i.ref: i.reference for i in summary.incidents}
    numbers = [int(found[ref].removeprefix("INC-")) for ref in ("PD-100", "PD-101", "PD-102")]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3  # in the order declared
    first = by_ref(session, "PD-100")
    assert first.reference == found["PD-100"]
    assert (first.status, first.severity.name) == ("resolved", "SEV1")
    assert first.root_cause.startswith("Deploy 4411")
    assert first.resolution == "Rolled back deploy 4411."
    assert first.updated_at > first.declared_at + timedelta(days=5)  # changed now: indexed
    declined = by_ref(session, "PD-102")
    assert declined.status == "declined"


def test_a_timeline_is_written_in_the_incident_domains_kinds(
    session: Session, admin: Person
) -> None:
    run(session, admin, history())
    incident = by_ref(session, "PD-100")
    entries = list_entries(session, incident_id=incident.id)
    assert [e.kind for e in entries] == [
        "note",  # dated before it was declared: what led up to it
        "declared",
        "role_assigned",
        "role_assigned",
        "role_assigned",
        "status_changed",
        "severity_changed",
        "alert",
        "change_attached",
        "status_changed",
        "status_update",
        "note",
        "status_changed",
        "role_assigned",
        "status_changed",
        "status_update",
        "follow_up_created",
    ]
    declared = entries[1]
    assert declared.title == "Nadia Okafor declared the incident as SEV2 (triage)"
    assert declared.payload["services"] == ["checkout-api", "payments-gateway"]
    assert entries[6].title == "Severity raised from SEV2 to SEV1"
    assert entries[11].pinned and entries[11].description == "Error rate dropping"
    alert = session.scalar(select(Alert).where(Alert.dedup_key == "am-9001"))
    assert alert is not None and alert.incident_id == incident.id
    assert entries[7].payload == {
        "alert_id": alert.id,
        "alert": alert.reference,
        "severity": "critical",
        "labels": alert.labels,
    }
    assert entries[8].payload["reference"] == "deploy-4411"
    link = session.scalar(select(IncidentChange).where(IncidentChange.incident_id == incident.id))
    assert link is not None
    updates = list(
        session.scalars(select(StatusUpdate).where(StatusUpdate.incident_id == incident.id))
    )
    assert sorted(u.status for u in updates) == ["fixing", "resolved"]
    assert entries[10].payload["update_id"] in {u.id for u in updates}
    # Roles as they ended, every holder a participant; labels taken from its alert.
    holders = {
        a.role_type.slug: a.user.name for a in roles.assignments(session, incident_id=incident.id)
    }
    assert holders == {
        "lead": "Nadia Okafor",
        "reporter": "Nadia Okafor",
        "comms": "Tomás Reyes",
        "scribe": "Tomás Reyes",
    }
    participants = session.scalars(
        select(Participant.user_id).where(Participant.incident_id == incident.id)
    )
    assert len(set(participants)) == 2
    assert incident.labels == {
        "alertname": "CheckoutErrorRate",
        "service": "checkout-api",
        "team": "payments",
    }
    assert incident.timestamp_sources["impact_started_at"] == "manual"
    assert incident.acknowledged_at == entries[5].occurred_at  # left triage then


def test_a_record_without_a_timeline_gets_the_one_a_native_incident_has(
    session: Session, admin: Person
) -> None:
    run(session, admin, history())
    incident = by_ref(session, "PD-101")
    entries = list_entries(session, incident_id=incident.id)
    moves = [(e.payload["old"], e.payload["new"]) for e in entries if e.kind == "status_changed"]
    assert moves == [
        ("triage", "investigating"),
        ("investigating", "monitoring"),
        ("monitoring", "resolved"),
        ("resolved", "closed"),
    ]
    assert [e.kind for e in entries[:2]] == ["change_attached", "declared"]  # the flag came first
    follow_ups = {
        f.title: f
        for f in session.scalars(select(FollowUp).where(FollowUp.incident_id == incident.id))
    }
    assert follow_ups["Load-test search-v2"].status == "completed"
    assert follow_ups["Load-test search-v2"].completed_at is not None
    assert follow_ups["Page on p99"].not_doing_reason == "p95 alert is enough"
    assert sum(e.kind == "follow_up_status" for e in entries) == 2
    assert [e.kind for e in entries].count("change_attached") == 1
    assert all(source == "auto" for source in incident.timestamp_sources.values())


def test_importing_twice_changes_nothing(session: Session, admin: Person) -> None:
    document = history()
    run(session, admin, document)
    before = row_counts(session)
    again = run(session, admin, document)
    assert row_counts(session) == before
    assert all(c.created == 0 and c.skipped == 0 for c in again.counts.values())
    assert again.counts["incidents"].unchanged == 3
    assert again.timeline_entries == 0 and again.skipped == []
    assert {i.outcome for i in again.incidents} == {"unchanged"}


def test_a_known_record_that_differs_is_left_as_it_is_and_reported(
    session: Session, admin: Person
) -> None:
    document = history()
    run(session, admin, document)
    incident = by_ref(session, "PD-100")
    changed = edited(
        document, **{"incidents.0.title": "Another title", "services.3.description": "New"}
    )
    before = row_counts(session)
    summary = run(session, admin, changed)
    assert row_counts(session) == before
    assert incident.title == "Checkout failing with 502 after the card retry deploy"
    assert summary.counts["incidents"].skipped == 1
    assert [(s.record, s.reference, s.differs) for s in summary.skipped] == [
        ('services[3] (name "search")', "search", ["description"]),
        ('incidents[0] (ref "PD-100")', incident.reference, ["title"]),
    ]


def test_a_dry_run_counts_and_writes_nothing(session: Session, admin: Person) -> None:
    before = row_counts(session)
    summary = run(session, admin, history(), dry_run=True)
    assert row_counts(session) == before
    assert summary.dry_run and summary.counts["incidents"].created == 3
    real = run(session, admin, history())
    assert real.timeline_entries == summary.timeline_entries > 20
    assert [i.reference for i in summary.incidents] == [None, None, None]


def test_open_imported_incidents_are_announced_and_problems_proposed(
    session: Session, admin: Person
) -> None:
    document = edited(
        history(),
        **{
            "incidents.1.status": "fixing",
            "incidents.1.mitigated_at": None,
            "incidents.1.resolved_at": None,
            "incidents.1.closed_at": None,
            "incidents.1.follow_ups": [],
        },
    )
    run(session, admin, document)
    live = by_ref(session, "PD-101")
    assert live.status == "fixing" and live.next_update_at is not None
    kinds = list(session.scalars(select(Job.kind)))
    assert kinds.count("assist.propose_problems") == 1
    announced = [
        j.payload["incident_id"]
        for j in session.scalars(select(Job).where(Job.kind == "event:incident.changed"))
    ]
    assert announced == [live.id]  # only the open one: matching is for live incidents


@pytest.mark.parametrize("target", ["PD-100", "PD-102"])
def test_a_merged_record_points_where_it_went(session: Session, admin: Person, target: str) -> None:
    document = history()
    document["incidents"].append(
        {
            "ref": "PD-103",
            "title": "Duplicate page for checkout errors",
            "severity": "SEV3",
            "status": "merged",
            "merged_into": target,
            "declared_at": document["incidents"][0]["declared_at"],
        }
    )
    if target == "PD-102":  # a declined incident may take a merge; a merged one may not
        document["incidents"][2]["status"] = "declined"
    run(session, admin, document)
    merged, into = by_ref(session, "PD-103"), by_ref(session, target)
    assert merged.merged_into_id == into.id
    entries = list_entries(session, incident_id=merged.id)
    assert entries[-1].title == f"Merged into {into.reference}"
    assert entries[-1].payload["merged_into"] == into.reference
    noted = [e for e in list_entries(session, incident_id=into.id) if e.kind == "incident_merged"]
    assert [e.payload["merged"] for e in noted] == [merged.reference]


def test_a_change_named_twice_is_attached_once(session: Session, admin: Person) -> None:
    document = history()
    timeline = document["incidents"][0]["timeline"]
    timeline.append(
        {"at": timeline[5]["at"], "kind": "change", "payload": {"change": "deploy-4411"}}
    )
    document["incidents"][0]["changes"] = ["deploy-4411"]
    run(session, admin, document)
    incident = by_ref(session, "PD-100")
    links = session.scalars(select(IncidentChange).where(IncidentChange.incident_id == incident.id))
    assert len(list(links)) == 1
    kinds = [e.kind for e in list_entries(session, incident_id=incident.id)]
    assert kinds.count("change_attached") == 2
