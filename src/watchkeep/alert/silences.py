"""Silences and maintenance windows: matching alerts are kept and shown, but page nobody and
declare nothing while the silence lasts. An alert is silenced when it opens inside one, and
its page says by which."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.alert import matchers
from watchkeep.alert.models import AlertSilence, AlertSource
from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound

KINDS = ("silence", "maintenance")
MAX_LENGTH = timedelta(days=366)

Rule = matchers.SilenceRule


def list_silences(
    session: Session, *, now: datetime, include_expired: bool = False
) -> list[AlertSilence]:
    """Silences that have not ended (all of them with ``include_expired``), soonest end first."""
    query = select(AlertSilence).order_by(AlertSilence.ends_at, AlertSilence.id)
    if not include_expired:
        query = query.where(AlertSilence.ends_at > now)
    return list(session.scalars(query))


def get(session: Session, *, silence_id: int) -> AlertSilence:
    silence = session.get(AlertSilence, silence_id)
    if silence is None:
        raise NotFound(f"silence {silence_id} does not exist", field="silence_id")
    return silence


def find(session: Session, *, silence_id: int) -> AlertSilence | None:
    """The silence, or ``None`` if it was deleted since."""
    return session.get(AlertSilence, silence_id)


def active_rules(session: Session, *, now: datetime) -> list[Rule]:
    """The silences in force at ``now``, ready to decide."""
    query = select(AlertSilence).where(AlertSilence.starts_at <= now, AlertSilence.ends_at > now)
    return [
        Rule(
            id=silence.id,
            matchers=matchers.parse_all(silence.matchers),
            starts_at=silence.starts_at,
            ends_at=silence.ends_at,
            source_ids=frozenset(silence.source_ids),
        )
        for silence in session.scalars(query.order_by(AlertSilence.id))
    ]


def decide(
    rules: list[Rule], *, source_id: int, labels: Mapping[str, str], now: datetime
) -> int | None:
    """The silence in force that a new alert falls under, if any."""
    found = matchers.silenced_by(rules, source_id=source_id, labels=labels, now=now)
    return found.id if found else None


def _values(silence: AlertSilence) -> dict[str, Any]:
    return {
        "kind": silence.kind,
        "matchers": list(silence.matchers),
        "source_ids": list(silence.source_ids),
        "comment": silence.comment,
        "starts_at": silence.starts_at,
        "ends_at": silence.ends_at,
    }


def create(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    ends_at: datetime,
    matchers_text: list[str],
    source_ids: list[int] | None = None,
    kind: str = "silence",
    comment: str = "",
    starts_at: datetime | None = None,
) -> AlertSilence:
    """Silence matching alerts from ``starts_at`` (default now) until ``ends_at``.

    A silence must say what it silences: at least one matcher or one source (responders and
    admins).
    """
    actor.require(Role.RESPONDER)
    starts_at = starts_at or now
    if kind not in KINDS:
        raise Invalid("kind must be silence or maintenance", field="kind")
    if ends_at <= max(starts_at, now):
        raise Invalid("ends_at must be after starts_at and in the future", field="ends_at")
    if ends_at - starts_at > MAX_LENGTH:
        raise Invalid("a silence lasts at most 366 days", field="ends_at")
    try:
        parsed = matchers.parse_all(matchers_text)
    except matchers.MatcherError as exc:
        raise Invalid(str(exc), field="matchers") from None
    sources = sorted(set(source_ids or ()))
    if not parsed and not sources:
        raise Invalid(
            "give at least one matcher or one source: a silence of everything would hide "
            "every alert",
            field="matchers",
        )
    found = set(session.scalars(select(AlertSource.id).where(AlertSource.id.in_(sources))))
    missing = [str(i) for i in sources if i not in found]
    if missing:
        raise NotFound(f"alert sources {', '.join(missing)} do not exist", field="source_ids")
    silence = AlertSilence(
        kind=kind,
        matchers=[str(m) for m in parsed],
        source_ids=sources,
        comment=comment.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(silence)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_silence:create",
        subject_type="alert_silence",
        subject_id=silence.id,
        summary=f"{kind.capitalize()} {silence.id} created",
        changes=audit.created(_values(silence)),
        now=now,
    )
    return silence


def expire(session: Session, *, actor: Actor, now: datetime, silence_id: int) -> AlertSilence:
    """End a silence now (responders and admins; audited); one that has not started yet is
    called off (it starts and ends now). Ending one that already ended changes nothing."""
    actor.require(Role.RESPONDER)
    silence = get(session, silence_id=silence_id)
    if silence.ends_at <= now:
        return silence
    before = _values(silence)
    silence.starts_at = min(silence.starts_at, now)
    silence.ends_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="alert_silence:expire",
        subject_type="alert_silence",
        subject_id=silence.id,
        summary=f"{silence.kind.capitalize()} {silence.id} ended",
        changes=audit.changed(before, _values(silence)),
        now=now,
    )
    return silence
