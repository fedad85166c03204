"""Routes: ordered rules that decide an alert's urgency and whether it declares an incident.

The first route (by ``position``) whose sources, label matchers and severities fit a new alert
is its route; an alert no route fits has high urgency and declares nothing. The decision is
made once, when the alert opens, and kept on the alert (``route_id``), so the alert's page can
say why it was handled as it was.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, select, table
from sqlalchemy.orm import Session

from watchkeep.alert import matchers
from watchkeep.alert.models import AlertRoute, AlertSource
from watchkeep.alert.normalize import SEVERITIES
from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.incident.models import IncidentType, Severity

URGENCIES = ("high", "low")
MAX_GROUP_MINUTES = 7 * 24 * 60
DEFAULT_URGENCY = "high"
LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_POLICIES = table("escalation_policy", column("id"), column("name"))
"""The escalation domain's policies, which routes and sources name by id only (that domain
builds on this one)."""


def check_policy(session: Session, policy_id: int | None) -> None:
    """``NotFound`` unless ``policy_id`` is ``None`` or an escalation policy's id."""
    if policy_id is None:
        return
    if session.scalar(select(_POLICIES.c.id).where(_POLICIES.c.id == policy_id)) is None:
        raise NotFound(
            f"escalation policy {policy_id} does not exist", field="escalation_policy_id"
        )


def policy_names(session: Session) -> dict[int, str]:
    """Every escalation policy's name by id, in name order (for the pages' policy choices)."""
    query = select(_POLICIES.c.id, _POLICIES.c.name).order_by(_POLICIES.c.name)
    return {row.id: row.name for row in session.execute(query)}


@dataclass(frozen=True)
class Rule:
    """A route as the decision needs it."""

    match: matchers.RouteRule
    urgency: str


def list_routes(session: Session) -> list[AlertRoute]:
    return list(session.scalars(select(AlertRoute).order_by(AlertRoute.position, AlertRoute.id)))


def get(session: Session, *, route_id: int) -> AlertRoute:
    route = session.get(AlertRoute, route_id)
    if route is None:
        raise NotFound(f"route {route_id} does not exist", field="route_id")
    return route


def find(session: Session, *, route_id: int) -> AlertRoute | None:
    """The route, or ``None`` if it was deleted since."""
    return session.get(AlertRoute, route_id)


def rules(session: Session) -> list[Rule]:
    """Every route in order, ready to decide."""
    return [
        Rule(
            matchers.RouteRule(
                id=route.id,
                matchers=matchers.parse_all(route.matchers),
                source_ids=frozenset(route.source_ids),
                severities=frozenset(route.severities),
            ),
            route.urgency,
        )
        for route in list_routes(session)
    ]


def decide(
    routes: list[Rule], *, source_id: int, labels: Mapping[str, str], severity: str | None
) -> tuple[int | None, str]:
    """A new alert's route (``None``: no route fits) and urgency."""
    chosen = matchers.choose_route(
        [rule.match for rule in routes], source_id=source_id, labels=labels, severity=severity
    )
    if chosen is None:
        return None, DEFAULT_URGENCY
    return chosen.id, next(rule.urgency for rule in routes if rule.match.id == chosen.id)


def _values(route: AlertRoute) -> dict[str, Any]:
    return {
        "name": route.name,
        "position": route.position,
        "source_ids": list(route.source_ids),
        "matchers": list(route.matchers),
        "severities": list(route.severities),
        "urgency": route.urgency,
        "escalation_policy_id": route.escalation_policy_id,
        "declare_incident": route.declare_incident,
        "severity_map": dict(route.severity_map),
        "incident_type_id": route.incident_type_id,
        "group_by": list(route.group_by),
        "group_minutes": route.group_minutes,
    }


def _checked(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """The route's values made canonical, or ``Invalid`` saying what to fix."""
    name = values["name"].strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    try:
        parsed = matchers.parse_all(values["matchers"])
    except matchers.MatcherError as exc:
        raise Invalid(str(exc), field="matchers") from None
    unknown = sorted(set(values["severities"]) - set(SEVERITIES))
    if unknown:
        raise Invalid(
            f"unknown severities {', '.join(unknown)}; use {', '.join(SEVERITIES)}",
            field="severities",
        )
    if values["urgency"] not in URGENCIES:
        raise Invalid("urgency must be high or low", field="urgency")
    source_ids = sorted(set(values["source_ids"]))
    found = set(session.scalars(select(AlertSource.id).where(AlertSource.id.in_(source_ids))))
    missing = [str(i) for i in source_ids if i not in found]
    if missing:
        raise NotFound(f"alert sources {', '.join(missing)} do not exist", field="source_ids")
    check_policy(session, values["escalation_policy_id"])
    _check_incident_settings(session, values)
    return values | {
        "name": name,
        "matchers": [str(m) for m in parsed],
        "severities": [s for s in SEVERITIES if s in values["severities"]],
        "source_ids": source_ids,
    }


def _check_incident_settings(session: Session, values: dict[str, Any]) -> None:
    bad_keys = sorted(set(values["severity_map"]) - set(SEVERITIES))
    if bad_keys:
        raise Invalid(
            f"severity_map keys must be alert severities ({', '.join(SEVERITIES)}), "
            f"not {', '.join(bad_keys)}",
            field="severity_map",
        )
    for severity_id in values["severity_map"].values():
        if session.get(Severity, severity_id) is None:
            raise NotFound(f"severity {severity_id} does not exist", field="severity_map")
    type_id = values["incident_type_id"]
    if type_id is not None and session.get(IncidentType, type_id) is None:
        raise NotFound(f"incident type {type_id} does not exist", field="incident_type_id")
    for label in values["group_by"]:
        if not LABEL_NAME.fullmatch(label):
            raise Invalid(f"group_by: {label!r} is not a label name", field="group_by")
    if not 1 <= values["group_minutes"] <= MAX_GROUP_MINUTES:
        raise Invalid(
            f"group_minutes must be between 1 and {MAX_GROUP_MINUTES}", field="group_minutes"
        )


def _audit(
    session: Session, actor: Actor, now: datetime, route: AlertRoute, action: str, changes: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"alert_route:{action}",
        subject_type="alert_route",
        subject_id=route.id,
        summary=f"Route {route.name} {action}d",
        changes=changes,
        now=now,
    )


def create(session: Session, *, actor: Actor, now: datetime, **fields: Any) -> AlertRoute:
    """Add a route; without a ``position`` it goes last (admins only; audited)."""
    actor.require(Role.ADMIN)
    defaults: dict[str, Any] = {
        "position": None,
        "source_ids": [],
        "matchers": [],
        "severities": [],
        "urgency": DEFAULT_URGENCY,
        "escalation_policy_id": None,
        "declare_incident": False,
        "severity_map": {},
        "incident_type_id": None,
        "group_by": [],
        "group_minutes": 60,
    }
    values = defaults | fields
    if values["position"] is None:
        last = session.scalar(select(func.max(AlertRoute.position)))
        values["position"] = 0 if last is None else last + 1
    route = AlertRoute(**_checked(session, values), created_at=now, updated_at=now)
    session.add(route)
    session.flush()
    _audit(session, actor, now, route, "create", audit.created(_values(route)))
    return route


def update(
    session: Session, *, actor: Actor, now: datetime, route_id: int, **changes: Any
) -> AlertRoute:
    """Change a route; fields not given, or given as ``None`` where a route must have a
    value, stay (admins only; audited). Alerts already open keep the decision made when they
    opened."""
    actor.require(Role.ADMIN)
    route = get(session, route_id=route_id)
    before = _values(route)
    nullable = ("incident_type_id", "escalation_policy_id")
    given = {k: v for k, v in changes.items() if v is not None or k in nullable}
    for name, value in _checked(session, before | given).items():
        setattr(route, name, value)
    route.updated_at = now
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="alert_route",
        label=f"Route {route.name}",
        subject_id=route.id,
        before=before,
        after=_values(route),
    )
    return route


def delete(session: Session, *, actor: Actor, now: datetime, route_id: int) -> None:
    """Remove a route (admins only; audited); alerts it routed keep their urgency."""
    actor.require(Role.ADMIN)
    route = get(session, route_id=route_id)
    _audit(session, actor, now, route, "delete", {k: (v, None) for k, v in _values(route).items()})
    session.delete(route)
    session.flush()
