"""Timeline entries as the incident domain writes them: the same kinds, titles and payloads
as ``incident.service.declare``, ``incident.status``, ``incident.roles``,
``incident.updates``, ``incident.timeline.add_note``, ``incident.followups`` and
``alert.incidents`` (a change event attached to an incident is ``change``), so that an
imported incident's timeline reads like a native one to people and to code.

Each entry happened at its step's time and is written ``now``.
"""

from datetime import datetime
from typing import Any

from watchkeep.alert import attachments
from watchkeep.alert.models import Alert, ChangeEvent
from watchkeep.auth.models import User
from watchkeep.followup.models import FollowUp
from watchkeep.incident.models import Incident, RoleType, StatusUpdate, TimelineEntry

TITLE_LENGTH = 500


class Entries:
    """Makes the entries of one incident; ``made`` holds them until they are added."""

    def __init__(self, incident: Incident, now: datetime) -> None:
        self.incident = incident
        self.now = now
        self.made: list[TimelineEntry] = []
        self._ids: list[tuple[TimelineEntry, str, StatusUpdate | FollowUp]] = []

    def refer(self, entry: TimelineEntry, key: str, row: StatusUpdate | FollowUp) -> None:
        """Name ``row`` by its id in ``entry``'s payload once it has one (rows are flushed
        together, not one at a time)."""
        self._ids.append((entry, key, row))

    def fill_ids(self) -> None:
        """Put the flushed rows' ids into the payloads that refer to them."""
        for entry, key, row in self._ids:
            entry.payload = {**entry.payload, key: row.id}

    def add(
        self,
        kind: str,
        at: datetime,
        actor: User | None,
        title: str,
        payload: dict[str, Any],
        *,
        description: str = "",
        pinned: bool = False,
    ) -> TimelineEntry:
        entry = TimelineEntry(
            incident_id=self.incident.id,
            kind=kind,
            actor_id=actor.id if actor else None,
            occurred_at=at,
            title=title[:TITLE_LENGTH],
            description=description,
            payload=payload,
            pinned=pinned,
            created_at=self.now,
        )
        self.made.append(entry)
        return entry

    def declared(
        self, at: datetime, actor: User | None, *, status: str, severity: str
    ) -> TimelineEntry:
        incident = self.incident
        said = f"as {severity} ({status})"
        title = f"{actor.name} declared the incident {said}" if actor else f"Declared {said}"
        payload = {
            "status": status,
            "severity": severity,
            "type": incident.type.name,
            "services": [s.name for s in incident.services],
            "private": incident.private,
        }
        return self.add("declared", at, actor, title, payload)

    def role_assigned(
        self, at: datetime, actor: User | None, role: RoleType, user: User, previous: User | None
    ) -> TimelineEntry:
        payload = {
            "old": previous.name if previous else None,
            "new": user.name,
            "role": role.slug,
            "user_id": user.id,
        }
        return self.add("role_assigned", at, actor, f"{user.name} is now {role.name}", payload)

    def status_changed(
        self, at: datetime, actor: User | None, old: str, new: str, merged_into: str | None
    ) -> TimelineEntry:
        payload: dict[str, Any] = {"old": old, "new": new}
        title = f"Status changed from {old} to {new}"
        if merged_into is not None:
            payload["merged_into"] = merged_into
            title = f"Merged into {merged_into}"
        return self.add("status_changed", at, actor, title, payload)

    def severity_changed(
        self, at: datetime, actor: User | None, old: str, new: str, *, raised: bool
    ) -> TimelineEntry:
        direction = "raised" if raised else "lowered"
        title = f"Severity {direction} from {old} to {new}"
        return self.add("severity_changed", at, actor, title, {"old": old, "new": new})

    def status_update(self, update: StatusUpdate, actor: User | None) -> TimelineEntry:
        due = update.next_update_at
        payload = {
            "update_id": update.id,
            "status": update.status,
            "next_update_at": due.isoformat() if due else None,
        }
        title = f"Update: {update.message.splitlines()[0][:200]}"
        entry = self.add(
            "status_update", update.created_at, actor, title, payload, description=update.message
        )
        self.refer(entry, "update_id", update)
        return entry

    def note(self, at: datetime, actor: User | None, text: str, *, pinned: bool) -> TimelineEntry:
        title, _, rest = text.strip().partition("\n")
        return self.add("note", at, actor, title, {}, description=rest.strip(), pinned=pinned)

    def alert(self, at: datetime, alert: Alert) -> TimelineEntry:
        payload = {
            "alert_id": alert.id,
            "alert": alert.reference,
            "severity": alert.severity,
            "labels": alert.labels,
        }
        title = f"Alert {alert.reference} fired: {alert.title}"[:300]
        return self.add("alert", at, None, title, payload)

    def change(self, at: datetime, change: ChangeEvent) -> TimelineEntry:
        """A change attached to the incident, as the alert domain attaches one."""
        payload = attachments.entry_payload(change)
        return self.add(attachments.ENTRY_KIND, at, None, attachments.entry_title(change), payload)

    def follow_up_created(self, follow_up: FollowUp, actor: User | None) -> TimelineEntry:
        payload = {
            "follow_up_id": follow_up.id,
            "priority": follow_up.priority,
            "owner_id": follow_up.owner_id,
        }
        title = f"Follow-up added: {follow_up.title}"
        entry = self.add("follow_up_created", follow_up.created_at, actor, title, payload)
        self.refer(entry, "follow_up_id", follow_up)
        return entry

    def follow_up_status(self, at: datetime, follow_up: FollowUp) -> TimelineEntry:
        payload = {
            "old": "outstanding",
            "new": follow_up.status,
            "follow_up_id": follow_up.id,
            "reason": follow_up.not_doing_reason,
        }
        state = follow_up.status.replace("_", " ")
        title = f"Follow-up “{follow_up.title}” is now {state}"
        entry = self.add("follow_up_status", at, None, title, payload)
        self.refer(entry, "follow_up_id", follow_up)
        return entry
