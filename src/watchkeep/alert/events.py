"""Domain events of alerts and change events; escalation, incidents and notifications
subscribe in their own ``tasks.py``. Alert events carry ``{"alert_id": int}``."""

from sqlalchemy.orm import Session

from watchkeep.jobs.events import Event, publish

ALERT_OPENED = Event("alert.opened")
"""A new alert opened (a trigger on a key with no open alert)."""
ALERT_ACKNOWLEDGED = Event("alert.acknowledged")
"""An open alert was acknowledged, by a person (``actor_id``) or by its sender."""
ALERT_RESOLVED = Event("alert.resolved")
"""An open alert was resolved, by a person (``actor_id``) or by its sender."""
CHANGE_RECORDED = Event("alert.change_recorded")
"""A new change event on a known service was stored. Payload: ``{"change_id": int}``."""


def announce(session: Session, event: Event, alert_id: int, *, actor_id: int | None = None) -> None:
    payload: dict[str, int] = {"alert_id": alert_id}
    if actor_id is not None:
        payload["actor_id"] = actor_id
    publish(session, event, payload)
