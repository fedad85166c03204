"""Escalation runs: an alert's policy, followed level after level until someone acts.

How a run is kept exactly-once under duplicate, late and concurrent jobs:

- A run starts once per alert (a unique index on ``alert_id``); starting again is a no-op.
- Each step is a timer job that carries the run's ``token`` at the time it was scheduled.
  The step locks the run's row and does nothing unless the token still matches and the run
  is active; every step and every ending changes the token. A duplicate or late step finds
  another token and stops.
- Before paging anyone a step locks the alert's row and reads its status. Acknowledging or
  resolving changes that status in its own transaction (it locks the same row), so once it
  has committed no step can page for the alert again: the acknowledgement *is* the stop.
  The subscriber that marks the run ended afterwards only tidies up (state, pending timer).
- A person is paged once per level and cycle (a unique index); the page is announced as an
  event, and the notify domain delivers it.
"""

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from watchkeep.alert.models import FIRING, Alert, AlertRoute, AlertSource
from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.escalation import policies
from watchkeep.escalation import policy as rules
from watchkeep.escalation.events import announce_page
from watchkeep.escalation.models import ACTIVE, EXHAUSTED, EscalationRun, Page
from watchkeep.jobs.service import cancel, enqueue
from watchkeep.oncall.history import oncall_now
from watchkeep.oncall.models import Schedule

STEP = "escalation.step"
"""The job kind of a run's timer: ``{"run_id": int, "token": str}``."""


def _new_token() -> str:
    return secrets.token_hex(16)


def _step_key(run: EscalationRun) -> str:
    return f"escalation-step:{run.id}:{run.token}"


def find_for_alert(session: Session, *, alert_id: int, lock: bool = False) -> EscalationRun | None:
    query = select(EscalationRun).where(EscalationRun.alert_id == alert_id)
    if lock:
        query = query.options(lazyload("*")).with_for_update()
    return session.scalar(query)


def of_alerts(session: Session, *, alert_ids: list[int]) -> dict[int, EscalationRun]:
    """The runs of these alerts, by alert id (an alert that never escalated has none)."""
    if not alert_ids:
        return {}
    query = select(EscalationRun).where(EscalationRun.alert_id.in_(alert_ids))
    return {run.alert_id: run for run in session.scalars(query)}


def policy_id_for(session: Session, alert: Alert) -> int | None:
    """The policy of the alert's route, else of its source."""
    if alert.route_id is not None:
        route = session.get(AlertRoute, alert.route_id)
        if route is not None and route.escalation_policy_id is not None:
            return route.escalation_policy_id
    source = session.get(AlertSource, alert.source_id)
    return source.escalation_policy_id if source is not None else None


def start(session: Session, *, alert_id: int, now: datetime) -> EscalationRun | None:
    """Start the alert's escalation and page its first level; ``None`` when there is nothing
    to escalate (no policy, silenced, no longer firing). Starting twice starts once."""
    alert = _locked_alert(session, alert_id)
    if alert is None or alert.status != FIRING or alert.silence_id is not None:
        return None
    existing = find_for_alert(session, alert_id=alert_id)
    if existing is not None:
        return existing
    policy_id = policy_id_for(session, alert)
    if policy_id is None:
        return None
    snapshot = policies.snapshot(policies.get(session, policy_id=policy_id))
    run = EscalationRun(
        alert_id=alert.id,
        policy_id=policy_id,
        snapshot=snapshot.to_json(),
        state=ACTIVE,
        token=_new_token(),
        level=0,
        cycle=0,
        started_at=now,
        history=[],
    )
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return find_for_alert(session, alert_id=alert_id)
    _page_level(session, run, alert, snapshot, now)
    return run


def _locked_alert(session: Session, alert_id: int) -> Alert | None:
    query = select(Alert).where(Alert.id == alert_id).options(lazyload("*")).with_for_update()
    return session.scalar(query)


def step(session: Session, *, run_id: int, token: str, now: datetime) -> bool:
    """The current level's time ran out: page the next one, or end the run. Returns whether
    this step was the run's current one (``False``: a duplicate or late job did nothing)."""
    query = (
        select(EscalationRun)
        .where(EscalationRun.id == run_id)
        .options(lazyload("*"))
        .with_for_update()
    )
    run = session.scalar(query)
    if run is None or run.state != ACTIVE or run.token != token:
        return False
    alert = _locked_alert(session, run.alert_id)
    if alert is None or alert.status != FIRING:
        finish(session, run=run, state=alert.status if alert else "resolved", now=now)
        return True
    snapshot = rules.from_json(run.snapshot)
    following = rules.after(snapshot, level=run.level, cycle=run.cycle)
    if following is None:
        _record(run, now, event="exhausted")
        finish(session, run=run, state=EXHAUSTED, now=now)
        return True
    run.level, run.cycle = following
    _page_level(session, run, alert, snapshot, now)
    return True


def finish(
    session: Session,
    *,
    run: EscalationRun,
    state: str,
    now: datetime,
    actor_id: int | None = None,
) -> None:
    """End an active run: no step of it does anything any more."""
    if run.state != ACTIVE:
        return
    cancel(session, idempotency_key=_step_key(run), now=now)
    run.state = state
    run.ended_at = now
    run.ended_by_id = actor_id
    run.next_step_at = None
    run.token = _new_token()
    session.flush()


def _record(run: EscalationRun, now: datetime, **entry: Any) -> None:
    run.history = [*run.history, {"at": now.isoformat(), **entry}]


def _page_level(
    session: Session, run: EscalationRun, alert: Alert, snapshot: rules.Policy, now: datetime
) -> None:
    level = snapshot.levels[run.level]
    paged: list[int] = []
    nobody: list[str] = []
    for target in level.targets:
        users = _users_of(session, target, now)
        if not users:
            nobody.append(f"{target.type} {target.id}")
        for user_id in users:
            if user_id not in paged and _page(session, run, alert, user_id, target, now):
                paged.append(user_id)
    _record(run, now, event="paged", level=run.level, cycle=run.cycle, users=paged, nobody=nobody)
    run.token = _new_token()
    run.next_step_at = now + timedelta(minutes=level.minutes)
    enqueue(
        session,
        kind=STEP,
        payload={"run_id": run.id, "token": run.token},
        due_at=run.next_step_at,
        idempotency_key=_step_key(run),
        now=now,
    )
    session.flush()


def _users_of(session: Session, target: rules.Target, now: datetime) -> list[int]:
    """The active users a target means at ``now``: a user, whoever is on call on a schedule,
    a team's members."""
    ids: list[int] = []
    if target.type == "user":
        ids = [target.id]
    elif target.type == "schedule":
        schedule = session.get(Schedule, target.id)
        ids = [int(u) for u in oncall_now(session, schedule, now)] if schedule else []
    else:
        team = session.get(Team, target.id)
        ids = [member.id for member in team.members] if team else []
    if not ids:
        return []
    active = set(session.scalars(select(User.id).where(User.id.in_(ids), User.is_active)))
    return [i for i in ids if i in active]


def _page(
    session: Session,
    run: EscalationRun,
    alert: Alert,
    user_id: int,
    target: rules.Target,
    now: datetime,
) -> bool:
    page = Page(
        run_id=run.id,
        alert_id=alert.id,
        user_id=user_id,
        level=run.level,
        cycle=run.cycle,
        via=target.type if target.type == "user" else f"{target.type}:{target.id}",
        urgency=alert.urgency,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(page)
    except IntegrityError:
        return False
    announce_page(session, page)
    return True
