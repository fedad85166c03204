"""Responders' verdicts on the investigation's hypotheses: confirmed or ruled out.

A verdict holds for every later investigation of the incident (the ranking puts a confirmed
hypothesis first and a ruled-out one last), is noted on the timeline, and a confirmed one is
offered as the post-mortem's root cause.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.models import CONFIRMED, HYPOTHESIS_VERDICTS, HypothesisVerdict
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.incident.models import Incident
from watchkeep.incident.timeline import record

WORDS = {CONFIRMED: "confirmed", "ruled_out": "ruled out"}


def verdicts_for(session: Session, *, incident_id: int, by: datetime) -> dict[str, str]:
    """Hypothesis key → verdict, for one incident, as given by ``by``."""
    rows = session.execute(
        select(HypothesisVerdict.key, HypothesisVerdict.verdict).where(
            HypothesisVerdict.incident_id == incident_id, HypothesisVerdict.created_at <= by
        )
    )
    return dict(rows.all())


def confirmed(session: Session, *, incident_id: int) -> list[HypothesisVerdict]:
    """The hypotheses responders confirmed, oldest first."""
    return list(
        session.scalars(
            select(HypothesisVerdict)
            .where(
                HypothesisVerdict.incident_id == incident_id,
                HypothesisVerdict.verdict == CONFIRMED,
            )
            .order_by(HypothesisVerdict.created_at)
        )
    )


def judge(
    session: Session,
    *,
    incident: Incident,
    key: str,
    verdict: str,
    kind: str,
    ref: str | None,
    title: str,
    actor: Actor,
    now: datetime,
) -> HypothesisVerdict:
    """Store a verdict on the hypothesis ``key`` (replacing any) and note it on the timeline."""
    actor.require(Role.RESPONDER)
    if verdict not in HYPOTHESIS_VERDICTS:
        raise Invalid(f"must be one of {', '.join(HYPOTHESIS_VERDICTS)}", field="verdict")
    stored = session.get(HypothesisVerdict, (incident.id, key))
    if stored is None:
        stored = HypothesisVerdict(incident_id=incident.id, key=key)
        session.add(stored)
    stored.verdict, stored.kind, stored.ref, stored.title = verdict, kind, ref, title
    stored.actor_id, stored.created_at = actor.user_id, now
    record(
        session,
        incident=incident,
        kind="investigation_verdict",
        actor=actor,
        title=f"Hypothesis {WORDS[verdict]}: {title}",
        payload={"key": key, "verdict": verdict, "kind": kind, "ref": ref, "title": title},
        now=now,
    )
    return stored


def withdraw(
    session: Session, *, incident: Incident, key: str, actor: Actor, now: datetime
) -> None:
    """Take back the verdict on ``key``; the timeline notes it."""
    actor.require(Role.RESPONDER)
    stored = session.get(HypothesisVerdict, (incident.id, key))
    if stored is None:
        raise NotFound(f"{incident.reference} has no verdict on {key}")
    record(
        session,
        incident=incident,
        kind="investigation_verdict",
        actor=actor,
        title=f"Verdict withdrawn: {stored.title}",
        payload={"key": key, "verdict": None, "kind": stored.kind, "ref": stored.ref},
        now=now,
    )
    session.delete(stored)
