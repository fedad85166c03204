"""Notices that are not pages: a shift about to start, a status update overdue, a follow-up
past its due date. Each is planned once (its key names the shift, the due time or the
follow-up) and sent by the first step of the person's low-urgency rules."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.followup.models import FollowUp
from watchkeep.incident.models import Incident
from watchkeep.notify.deliveries import plan_notice
from watchkeep.notify.models import Notification
from watchkeep.oncall.history import entries, oncall_now
from watchkeep.oncall.service import list_schedules
from watchkeep.oncall.stored import whole_seconds

OPEN_FOLLOW_UP = "outstanding"


def shift_notices(
    session: Session, *, now: datetime, lead: timedelta, base_url: str
) -> list[Notification]:
    """Tell each person whose shift starts within ``lead`` from ``now`` (once per shift)."""
    now = whole_seconds(now)
    planned: list[Notification] = []
    for schedule in list_schedules(session):
        before = set(oncall_now(session, schedule, now))
        for entry in entries(session, schedule, now, now + lead + timedelta(seconds=1)).final:
            starting = set(entry.users) - before if entry.start > now else set()
            before = set(entry.users)
            for user in sorted(starting):
                planned += plan_notice(
                    session,
                    user_id=int(user),
                    key=f"shift:{schedule.id}:{user}:{int(entry.start.timestamp())}",
                    event="oncall.shift_starts",
                    content={
                        "subject": f"On call for {schedule.name} from "
                        f"{entry.start:%Y-%m-%d %H:%M} UTC",
                        "text": f"Your on-call shift on {schedule.name} starts at "
                        f"{entry.start:%Y-%m-%d %H:%M} UTC and ends at "
                        f"{entry.end:%Y-%m-%d %H:%M} UTC.",
                        "url": f"{base_url.rstrip('/')}/schedules/{schedule.id}",
                        "data": {
                            "schedule": schedule.name,
                            "start": entry.start.isoformat(),
                            "end": entry.end.isoformat(),
                        },
                    },
                    now=now,
                )
    return planned


def update_overdue(
    session: Session,
    *,
    incident_id: int,
    lead_id: int,
    due_at: str,
    now: datetime,
    base_url: str,
) -> list[Notification]:
    """Tell an incident's lead that its status update is overdue (once per due time)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        return []
    return plan_notice(
        session,
        user_id=lead_id,
        key=f"update-due:{incident.id}:{due_at}",
        event="incident.update_overdue",
        content={
            "subject": f"{incident.reference}: a status update is overdue",
            "text": f"{incident.reference} {incident.title}\nA status update was due at "
            f"{due_at}. Post one so that everyone following the incident knows where it stands.",
            "url": f"{base_url.rstrip('/')}/incidents/{incident.reference}",
            "data": {"incident": incident.reference, "due_at": due_at},
        },
        now=now,
        urgency="high",
    )


def follow_up_notices(session: Session, *, now: datetime, base_url: str) -> list[Notification]:
    """Tell each owner of a follow-up past its due date (once per due date)."""
    query = select(FollowUp).where(
        FollowUp.status == OPEN_FOLLOW_UP,
        FollowUp.due_at.is_not(None),
        FollowUp.due_at <= now,
        FollowUp.owner_id.is_not(None),
    )
    planned: list[Notification] = []
    for follow_up in session.scalars(query.order_by(FollowUp.id)):
        if follow_up.owner_id is None or follow_up.due_at is None:
            continue
        incident = session.get(Incident, follow_up.incident_id) if follow_up.incident_id else None
        url = f"{base_url.rstrip('/')}/" + (f"incidents/{incident.reference}" if incident else "")
        planned += plan_notice(
            session,
            user_id=follow_up.owner_id,
            key=f"follow-up:{follow_up.id}:{int(follow_up.due_at.timestamp())}",
            event="follow_up.overdue",
            content={
                "subject": f"Follow-up overdue: {follow_up.title}",
                "text": f"{follow_up.title}\nIt was due at {follow_up.due_at:%Y-%m-%d %H:%M} "
                "UTC. Complete it, or say why it will not be done.",
                "url": url,
                "data": {"follow_up_id": follow_up.id, "due_at": follow_up.due_at.isoformat()},
            },
            now=now,
        )
    return planned
