"""Incidents opened from alerts: a route that declares incidents opens one per group within its
window, the alert's labels go with it, and alerts show on the incident's timeline."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import make_route, make_service, make_source

from watchkeep.alert import incidents, ingest
from watchkeep.alert.models import Alert, AlertSource
from watchkeep.alert.normalize import Signal
from watchkeep.incident.models import Incident, Severity, TimelineEntry

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def fire(
    session: Session,
    source: AlertSource,
    key: str,
    now: datetime = T0,
    severity: str | None = "critical",
    **labels: str,
) -> Alert:
    signal = Signal(
        action="trigger",
        dedup_key=key,
        title=f"High latency on {labels.get('instance', 'api')}",
        description="p99 over 2 s",
        severity=severity,  # type: ignore[arg-type]
        labels={"alertname": "HighLatency", **labels},
    )
    [outcome] = ingest.accept(
        session, source=source, format="generic", body={}, signals=[signal], now=now
    )
    alert = session.get(Alert, outcome.alert_id)
    assert alert is not None
    return alert


def sev(session: Session, name: str) -> int:
    found = session.scalar(select(Severity.id).where(Severity.name == name))
    assert found is not None
    return found


def test_a_route_that_declares_opens_an_incident_with_the_alerts_labels(
    session: Session,
) -> None:
    service = make_service(session)
    source = make_source(session, service_id=service.id)
    make_route(session, declare_incident=True, severity_map={"critical": sev(session, "SEV1")})
    alert = fire(session, source, "a", instance="api-1")
    incident = incidents.attach(session, alert_id=alert.id, now=T0)
    assert incident is not None and alert.incident_id == incident.id
    assert (incident.status, incident.severity.name) == ("triage", "SEV1")
    assert incident.title == "High latency on api-1" and incident.summary == "p99 over 2 s"
    assert incident.labels == {"alertname": "HighLatency", "instance": "api-1"}
    assert [s.id for s in incident.services] == [service.id]
    assert incident.reporter_id is None
    kinds = session.scalars(
        select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident.id)
    ).all()
    assert sorted(kinds) == ["alert", "declared"]
    assert incidents.attach(session, alert_id=alert.id, now=T0) is None  # once


def test_alerts_of_one_group_within_the_window_share_an_incident(session: Session) -> None:
    source = make_source(session)
    make_route(session, declare_incident=True, group_by=["cluster"], group_minutes=30)
    first = fire(session, source, "a", cluster="eu", instance="api-1")
    second = fire(session, source, "b", T0 + timedelta(minutes=10), cluster="eu", instance="api-2")
    other = fire(session, source, "c", T0 + timedelta(minutes=10), cluster="us")
    late = fire(session, source, "d", T0 + timedelta(minutes=45), cluster="eu")
    found = [
        incidents.attach(session, alert_id=a.id, now=a.created_at)
        for a in (first, second, other, late)
    ]
    assert all(found)
    ids = [i.id for i in found if i]
    assert ids[0] == ids[1] and len({ids[0], ids[2], ids[3]}) == 3
    shared = found[0]
    assert shared is not None and shared.labels["instance"] == "api-1"  # the first one's stay
    assert session.scalar(select(Incident).where(Incident.id == ids[0])) is shared


def test_no_incident_without_a_declaring_route(session: Session) -> None:
    source = make_source(session)
    plain = fire(session, source, "a")
    assert incidents.attach(session, alert_id=plain.id, now=T0) is None
    make_route(session, declare_incident=False)
    routed = fire(session, source, "b")
    assert routed.route_id is not None
    assert incidents.attach(session, alert_id=routed.id, now=T0) is None


def test_without_a_severity_mapping_the_least_severe_is_used(session: Session) -> None:
    source = make_source(session)
    make_route(session, declare_incident=True)
    incident = incidents.attach(session, alert_id=fire(session, source, "a").id, now=T0)
    assert incident is not None
    least = session.scalars(select(Severity).order_by(Severity.rank.desc())).first()
    assert least is not None and incident.severity_id == least.id
