"""Escalation policies: admins configure them (audited); runs snapshot them."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.escalation import policy as rules
from watchkeep.escalation.models import EscalationPolicy
from watchkeep.oncall.models import Schedule

_TARGET_MODELS: dict[str, type[User] | type[Schedule] | type[Team]] = {
    "user": User,
    "schedule": Schedule,
    "team": Team,
}


def list_policies(session: Session) -> list[EscalationPolicy]:
    return list(session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.name)))


def get(session: Session, *, policy_id: int) -> EscalationPolicy:
    found = session.get(EscalationPolicy, policy_id)
    if found is None:
        raise NotFound(f"escalation policy {policy_id} does not exist", field="policy_id")
    return found


def snapshot(found: EscalationPolicy) -> rules.Policy:
    """The policy as a run follows it."""
    return rules.parse(found.name, found.levels, repeat=found.repeat, ack_mode=found.ack_mode)


def _check_targets(session: Session, levels: Iterable[rules.Level]) -> None:
    for index, level in enumerate(levels):
        for target in level.targets:
            if session.get(_TARGET_MODELS[target.type], target.id) is None:
                raise NotFound(
                    f"levels[{index}]: {target.type} {target.id} does not exist", field="levels"
                )


def _values(found: EscalationPolicy) -> dict[str, Any]:
    return {
        "name": found.name,
        "description": found.description,
        "team_id": found.team_id,
        "levels": found.levels,
        "repeat": found.repeat,
        "ack_mode": found.ack_mode,
    }


def _apply(session: Session, found: EscalationPolicy, values: dict[str, Any]) -> None:
    name = values["name"].strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    clash = session.scalar(select(EscalationPolicy.id).where(EscalationPolicy.name == name))
    if clash is not None and clash != found.id:
        raise Conflict(f"an escalation policy named {name!r} already exists", field="name")
    try:
        parsed = rules.parse(
            name, values["levels"], repeat=values["repeat"], ack_mode=values["ack_mode"]
        )
    except rules.PolicyError as exc:
        raise Invalid(str(exc), field="levels", errors=exc.errors) from None
    _check_targets(session, parsed.levels)
    team_id = values["team_id"]
    if team_id is not None and session.get(Team, team_id) is None:
        raise NotFound(f"team {team_id} does not exist", field="team_id")
    found.name = name
    found.description = values["description"]
    found.team_id = team_id
    found.levels = rules.levels_json(parsed.levels)
    found.repeat = parsed.repeat
    found.ack_mode = parsed.ack_mode


def create(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    levels: list[Any],
    description: str = "",
    team_id: int | None = None,
    repeat: int = 0,
    ack_mode: str = "first",
) -> EscalationPolicy:
    """Create a policy (admins only; audited)."""
    actor.require(Role.ADMIN)
    found = EscalationPolicy(created_at=now, updated_at=now)
    values = {
        "name": name,
        "description": description,
        "team_id": team_id,
        "levels": levels,
        "repeat": repeat,
        "ack_mode": ack_mode,
    }
    _apply(session, found, values)
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="escalation_policy:create",
        subject_type="escalation_policy",
        subject_id=found.id,
        summary=f"Escalation policy {found.name} created",
        changes=audit.created(_values(found)),
        now=now,
    )
    return found


def update(
    session: Session, *, actor: Actor, now: datetime, policy_id: int, **changes: Any
) -> EscalationPolicy:
    """Change a policy; fields not given stay (admins only; audited). Running escalations
    keep the policy they started with."""
    actor.require(Role.ADMIN)
    found = get(session, policy_id=policy_id)
    before = _values(found)
    _apply(session, found, before | changes)
    found.updated_at = now
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="escalation_policy",
        label=f"Escalation policy {found.name}",
        subject_id=found.id,
        before=before,
        after=_values(found),
    )
    return found


def delete(session: Session, *, actor: Actor, now: datetime, policy_id: int) -> None:
    """Delete a policy (admins only; audited); routes and sources that used it escalate to
    nobody until given another, running escalations finish on their snapshot."""
    actor.require(Role.ADMIN)
    found = get(session, policy_id=policy_id)
    audit.record(
        session,
        actor=actor,
        action="escalation_policy:delete",
        subject_type="escalation_policy",
        subject_id=found.id,
        summary=f"Escalation policy {found.name} deleted",
        changes={k: (v, None) for k, v in _values(found).items()},
        now=now,
    )
    session.delete(found)
    session.flush()
