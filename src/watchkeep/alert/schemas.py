"""API bodies of the alert domain."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from watchkeep.alert.models import (
    Alert,
    AlertEvent,
    AlertPayload,
    AlertRoute,
    AlertSilence,
    AlertSource,
    ChangeEvent,
)
from watchkeep.core.limits import Flag, Id, Input, Instant, Name, Text, Whole, Word

SourceKind = Literal["alertmanager", "pagerduty", "grafana", "generic", "heartbeat", "github"]
Matcher = Text


class Ref(BaseModel):
    id: int
    name: str


class SourceIn(Input):
    name: Name
    kind: SourceKind
    description: Text = ""
    service_id: Id | None = None
    escalation_policy_id: Id | None = Field(
        None, description="Escalates alerts that no route gives a policy"
    )
    heartbeat_seconds: Whole | None = Field(
        None, description="Heartbeat sources: the period within which a ping must come"
    )
    grace_seconds: Whole = Field(0, description="Heartbeat sources: extra time before alerting")


class SourcePatch(Input):
    name: Name | None = None
    description: Text | None = None
    service_id: Id | None = None
    enabled: Flag | None = None
    escalation_policy_id: Id | None = None
    heartbeat_seconds: Whole | None = None
    grace_seconds: Whole | None = None


class SourceRead(BaseModel):
    id: int
    name: str
    kind: str
    description: str
    service: Ref | None
    enabled: bool
    escalation_policy_id: int | None
    integration_key: str = Field(description="The secret that senders use (admins only)")
    signing_secret: str | None = Field(
        description="GitHub sources: the webhook's secret, which signs each delivery "
        "(admins only; rotated with the key)"
    )
    heartbeat_seconds: int | None
    grace_seconds: int
    last_event_at: datetime | None = Field(
        description="The last ping (heartbeat sources) or the last payload received"
    )
    key_rotated_at: datetime | None
    endpoints: dict[str, str] = Field(description="Where each format is sent, with this key")


class RouteIn(Input):
    name: Name
    position: Whole | None = Field(None, description="Order among routes (default: last)")
    source_ids: list[Id] = Field([], max_length=100, description="Empty: any source")
    matchers: list[Matcher] = Field(
        [], max_length=50, description='Alertmanager-style: name="v", name!="v", =~ and !~'
    )
    severities: list[Word] = Field([], max_length=4, description="Empty: any severity")
    urgency: Word = "high"
    escalation_policy_id: Id | None = None
    declare_incident: Flag = False
    severity_map: dict[Word, Id] = Field(
        {}, description="Alert severity (critical, error, warning, info) → incident severity id"
    )
    incident_type_id: Id | None = None
    group_by: list[Word] = Field([], max_length=20, description="Label names that group alerts")
    group_minutes: Whole = 60


class RoutePatch(Input):
    name: Name | None = None
    position: Whole | None = None
    source_ids: list[Id] | None = Field(None, max_length=100)
    matchers: list[Matcher] | None = Field(None, max_length=50)
    severities: list[Word] | None = Field(None, max_length=4)
    urgency: Word | None = None
    escalation_policy_id: Id | None = None
    declare_incident: Flag | None = None
    severity_map: dict[Word, Id] | None = None
    incident_type_id: Id | None = None
    group_by: list[Word] | None = Field(None, max_length=20)
    group_minutes: Whole | None = None


class RouteRead(BaseModel):
    id: int
    name: str
    position: int
    source_ids: list[int]
    matchers: list[str]
    severities: list[str]
    urgency: str
    escalation_policy_id: int | None
    declare_incident: bool
    severity_map: dict[str, int]
    incident_type_id: int | None
    group_by: list[str]
    group_minutes: int


class SilenceIn(Input):
    kind: Literal["silence", "maintenance"] = "silence"
    matchers: list[Matcher] = Field([], max_length=50)
    source_ids: list[Id] = Field([], max_length=100)
    comment: Text = ""
    starts_at: Instant | None = None
    ends_at: Instant


class SilenceRead(BaseModel):
    id: int
    kind: str
    matchers: list[str]
    source_ids: list[int]
    comment: str
    starts_at: datetime
    ends_at: datetime
    created_by: Ref | None
    created_at: datetime


class AlertRead(BaseModel):
    id: int
    reference: str
    source: Ref
    dedup_key: str
    status: str
    title: str
    description: str
    severity: str | None
    urgency: str
    labels: dict[str, str]
    annotations: dict[str, str]
    links: list[dict[str, str]]
    details: dict[str, Any]
    source_url: str | None
    group_key: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    event_count: int
    created_at: datetime
    last_event_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: Ref | None
    resolved_at: datetime | None
    resolved_by: Ref | None
    route_id: int | None
    silence_id: int | None


class AlertPage(BaseModel):
    items: list[AlertRead]
    next_before_id: int | None = Field(description="Pass as before_id for the next page")


class AlertEventRead(BaseModel):
    id: int
    action: str
    outcome: str
    occurred_at: datetime
    actor_id: int | None
    payload_id: int | None
    format: str | None
    body: Any = Field(description="The raw payload the event came in (null for a person's)")


class ChangeRead(BaseModel):
    id: int
    reference: str
    kind: str
    source: Ref | None = Field(description="null for an imported change")
    service_id: int | None
    summary: str
    origin: str | None
    details: dict[str, Any]
    links: list[dict[str, str]]
    occurred_at: datetime
    received_at: datetime


def _ref(obj: Any) -> Ref | None:
    return Ref(id=obj.id, name=obj.name) if obj is not None else None


def source_read(
    source: AlertSource, endpoints: dict[str, str], last_received: datetime | None
) -> SourceRead:
    """A source as the API shows it; ``last_event_at`` is its last ping (heartbeats) or the
    last payload it sent."""
    return SourceRead(
        id=source.id,
        name=source.name,
        kind=source.kind,
        description=source.description,
        service=_ref(source.service),
        enabled=source.enabled,
        escalation_policy_id=source.escalation_policy_id,
        integration_key=source.integration_key,
        signing_secret=source.signing_secret,
        heartbeat_seconds=source.heartbeat_seconds,
        grace_seconds=source.grace_seconds,
        last_event_at=source.last_event_at if source.kind == "heartbeat" else last_received,
        key_rotated_at=source.key_rotated_at,
        endpoints=endpoints,
    )


def route_read(route: AlertRoute) -> RouteRead:
    return RouteRead.model_validate(route, from_attributes=True)


def silence_read(silence: AlertSilence) -> SilenceRead:
    return SilenceRead(
        id=silence.id,
        kind=silence.kind,
        matchers=list(silence.matchers),
        source_ids=list(silence.source_ids),
        comment=silence.comment,
        starts_at=silence.starts_at,
        ends_at=silence.ends_at,
        created_by=_ref(silence.created_by),
        created_at=silence.created_at,
    )


def alert_read(alert: Alert) -> AlertRead:
    return AlertRead(
        id=alert.id,
        reference=alert.reference,
        source=Ref(id=alert.source.id, name=alert.source.name),
        dedup_key=alert.dedup_key,
        status=alert.status,
        title=alert.title,
        description=alert.description,
        severity=alert.severity,
        urgency=alert.urgency,
        labels=alert.labels,
        annotations=alert.annotations,
        links=alert.links,
        details=alert.details,
        source_url=alert.source_url,
        group_key=alert.group_key,
        starts_at=alert.starts_at,
        ends_at=alert.ends_at,
        event_count=alert.event_count,
        created_at=alert.created_at,
        last_event_at=alert.last_event_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=_ref(alert.acknowledged_by),
        resolved_at=alert.resolved_at,
        resolved_by=_ref(alert.resolved_by),
        route_id=alert.route_id,
        silence_id=alert.silence_id,
    )


def event_read(event: AlertEvent, payload: AlertPayload | None) -> AlertEventRead:
    return AlertEventRead(
        id=event.id,
        action=event.action,
        outcome=event.outcome,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        payload_id=event.payload_id,
        format=payload.format if payload else None,
        body=payload.body if payload else None,
    )


def change_read(change: ChangeEvent) -> ChangeRead:
    return ChangeRead(
        id=change.id,
        reference=change.reference,
        kind=change.kind,
        source=_ref(change.source),
        service_id=change.service_id,
        summary=change.summary,
        origin=change.origin,
        details=change.details,
        links=change.links,
        occurred_at=change.occurred_at,
        received_at=change.received_at,
    )


class EventOutcome(BaseModel):
    dedup_key: str
    outcome: str = Field(description="opened, updated, acknowledged, resolved, unchanged, dropped")
    alert: str | None = Field(description="The alert's reference, ALR-n (none when dropped)")


class IngestAnswer(BaseModel):
    """The answer to an accepted webhook: everything in it is stored."""

    status: Literal["success"]
    alerts: list[EventOutcome]


class GitHubAnswer(BaseModel):
    """The answer to a GitHub delivery: what it did; everything in it is stored."""

    status: Literal["success"]
    event: str = Field(description="The delivery's X-GitHub-Event")
    outcome: Literal["stored", "duplicate", "ignored"] = Field(
        description="stored: a new change; duplicate: this change was stored before (a "
        "redelivery); ignored: the event is not a change (a ping, a pull request opened ...)"
    )
    message: str
    change: str | None = Field(description="The change's reference (none when ignored)")


class PagerDutyAnswer(BaseModel):
    """PagerDuty's answer to an accepted event."""

    status: Literal["success"]
    message: str
    dedup_key: str | None = None


class PagerDutyError(BaseModel):
    """PagerDuty's answer to an event it refuses."""

    status: str
    message: str
    errors: list[str] = []


class CheckedAlert(BaseModel):
    action: str
    dedup_key: str | None
    title: str
    severity: str | None
    labels: dict[str, str]


class CheckAnswer(BaseModel):
    """What Watchkeep would make of a payload; nothing is stored."""

    status: Literal["valid"]
    alerts: list[CheckedAlert]
