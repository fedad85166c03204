"""Write the planned incidents: each with a fresh INC number (taken in one block, in the
order they were declared), its times, roles, participants, status updates, follow-ups,
linked alerts and changes, and its timeline as the incident domain writes it.

An imported incident counts as changed ``now`` (its ``updated_at``), so the similarity index
notices it as it notices any other; one still open is announced like a declared one, so
known-error matching sees it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.alert.models import Alert, ChangeEvent, IncidentChange
from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.core.counter import next_values
from watchkeep.followup.models import FollowUp
from watchkeep.history.directory import Directory, Person
from watchkeep.history.entries import Entries
from watchkeep.history.plan import (
    AlertFired,
    ChangeAttached,
    Declared,
    FollowUpAdded,
    IncidentPlan,
    NoteAdded,
    RoleGiven,
    SeverityMoved,
    StatusMoved,
    Step,
    UpdatePosted,
)
from watchkeep.incident.events import announce_change
from watchkeep.incident.lifecycle import Category, Status, category
from watchkeep.incident.models import Incident, Participant, RoleAssignment, StatusUpdate

Progress = Callable[[int], None]
"""Told how many records were just written."""


@dataclass(frozen=True)
class Written:
    """What the incidents refer to, as written or found."""

    users: dict[str, User]
    services: dict[str, Service]
    alerts: dict[str, Alert]
    changes: dict[str, ChangeEvent]


class _IncidentWriter:
    def __init__(
        self,
        session: Session,
        now: datetime,
        directory: Directory,
        written: Written,
        plans: list[IncidentPlan],
    ) -> None:
        self.session, self.now, self.directory, self.written = session, now, directory, written
        # What each ref is called here (INC-n), and where each merged one went: a merge's
        # timeline entry names its target, which may be written after it.
        self.references = {ref: incident.reference for ref, incident in directory.incidents.items()}
        self.references |= {plan.record.ref: f"INC-{plan.number}" for plan in plans}
        self.merged_into = {p.record.ref: p.record.merged_into or "" for p in plans}
        self.attached: set[tuple[int, int]] = set()

    def user(self, person: Person | None) -> User | None:
        return self.written.users[person.key] if person is not None else None

    def write(self, plan: IncidentPlan) -> Incident:
        record, replay = plan.record, plan.replay
        severity = self.directory.severity(replay.severity)
        kind = self.directory.incident_type(record.type)
        assert severity is not None and kind is not None and plan.number is not None  # checked
        reporter = self.user(plan.reporter)
        incident = Incident(
            number=plan.number,
            title=record.title.strip(),
            summary=record.summary.strip(),
            status=replay.status,
            severity_id=severity.id,
            type_id=kind.id,
            private=kind.private_by_default if record.private is None else record.private,
            reporter_id=reporter.id if reporter else None,
            **replay.stamps,
            timestamp_sources=replay.sources,
            next_update_at=plan.next_update_at,
            updated_at=self.now,
            labels=plan.labels,
            root_cause=record.root_cause.strip(),
            resolution=record.resolution.strip(),
            external_ref=record.ref,
        )
        incident.services = [self.written.services[name] for name in plan.services]
        self.session.add(incident)
        self.session.flush()
        entries = Entries(incident, self.now)
        people: dict[int, datetime] = {}
        holders: dict[str, tuple[User, datetime]] = {}
        for step in plan.steps:
            self._step(incident, entries, step, people, holders)
        self.session.flush()  # the status updates and follow-ups, whose ids entries name
        entries.fill_ids()
        self.session.add_all(entries.made)
        self.session.add_all(
            Participant(incident_id=incident.id, user_id=user_id, added_at=at)
            for user_id, at in people.items()
        )
        self.session.add_all(
            RoleAssignment(
                incident_id=incident.id,
                role_type_id=self.directory.role_types[role].id,
                user_id=user.id,
                assigned_at=at,
            )
            for role, (user, at) in holders.items()
        )
        self.session.flush()
        if category(Status(incident.status)) in (Category.TRIAGE, Category.LIVE):
            announce_change(self.session, incident=incident, fields=["declared"])
        return incident

    def _step(
        self,
        incident: Incident,
        entries: Entries,
        step: Step,
        people: dict[int, datetime],
        holders: dict[str, tuple[User, datetime]],
    ) -> None:
        if isinstance(step, Declared):
            actor = self.user(step.actor)
            if actor is not None:
                people.setdefault(actor.id, step.at)
            entries.declared(step.at, actor, status=step.status, severity=step.severity)
        elif isinstance(step, RoleGiven):
            user, previous = self.user(step.person), self.user(step.previous)
            assert user is not None
            role = self.directory.role_types[step.role]
            people.setdefault(user.id, step.at)
            holders[step.role] = (user, step.at)
            entries.role_assigned(step.at, self.user(step.actor), role, user, previous)
        elif isinstance(step, StatusMoved):
            merged = None
            if step.new == Status.MERGED and incident.external_ref is not None:
                merged = self.references.get(self.merged_into[incident.external_ref])
            entries.status_changed(step.at, self.user(step.actor), step.old, step.new, merged)
        elif isinstance(step, SeverityMoved):
            old, new = self.directory.severity(step.old), self.directory.severity(step.new)
            raised = bool(old and new and new.rank < old.rank)
            entries.severity_changed(
                step.at, self.user(step.actor), step.old, step.new, raised=raised
            )
        elif isinstance(step, UpdatePosted):
            self._update(incident, entries, step)
        elif isinstance(step, NoteAdded):
            entries.note(step.at, self.user(step.actor), step.text, pinned=step.pinned)
        elif isinstance(step, AlertFired):
            alert = self.written.alerts[step.key]
            if alert.incident_id is None:
                alert.incident_id = incident.id
            entries.alert(step.at, alert)
        elif isinstance(step, ChangeAttached):
            change = self.written.changes[step.change_id]
            if (incident.id, change.id) not in self.attached:  # named twice: attached once
                self.attached.add((incident.id, change.id))
                self.session.add(
                    IncidentChange(
                        incident_id=incident.id, change_event_id=change.id, attached_at=self.now
                    )
                )
            entries.change(step.at, change)
        else:
            self._follow_up(incident, entries, step)

    def _update(self, incident: Incident, entries: Entries, step: UpdatePosted) -> None:
        author = self.user(step.actor)
        update = StatusUpdate(
            incident_id=incident.id,
            author_id=author.id if author else None,
            message=step.message,
            status=step.status,
            severity_name=step.severity,
            next_update_at=step.next_update_at,
            created_at=step.at,
        )
        self.session.add(update)
        entries.status_update(update, author)

    def _follow_up(self, incident: Incident, entries: Entries, step: FollowUpAdded) -> None:
        given, owner = step.follow_up, self.user(step.owner)
        done = given.status != "outstanding"
        follow_up = FollowUp(
            incident_id=incident.id,
            action_type=given.action_type,
            title=given.title.strip(),
            description=given.description,
            owner_id=owner.id if owner else None,
            priority=given.priority,
            due_at=given.due,
            status=given.status,
            not_doing_reason=given.not_doing_reason.strip() if given.status == "not_doing" else "",
            created_at=step.at,
            completed_at=step.finished_at if given.status == "completed" else None,
        )
        self.session.add(follow_up)
        entries.follow_up_created(follow_up, self.user(step.actor))
        if done:
            entries.follow_up_status(step.finished_at, follow_up)


def write_incidents(
    session: Session,
    *,
    now: datetime,
    plans: list[IncidentPlan],
    directory: Directory,
    written: Written,
    progress: Progress,
) -> dict[str, Incident]:
    """Write the planned incidents in the order they were declared, numbered in that order;
    returns every incident the import knows, by ref."""
    ordered = sorted(plans, key=lambda p: (p.record.declared_at, p.record.ref))
    for plan, number in zip(ordered, next_values(session, "incident", len(ordered)), strict=True):
        plan.number = number
    writer = _IncidentWriter(session, now, directory, written, ordered)
    incidents = dict(directory.incidents)
    for plan in ordered:
        incidents[plan.record.ref] = writer.write(plan)
        progress(1)
    _merge(session, now=now, plans=ordered, incidents=incidents, users=written.users)
    return incidents


def _merge(
    session: Session,
    *,
    now: datetime,
    plans: list[IncidentPlan],
    incidents: dict[str, Incident],
    users: dict[str, User],
) -> None:
    """Point each merged incident to the one it went to, and say so on that one's timeline
    (at the time of the merge), as merging does."""
    for plan in plans:
        target_ref = plan.record.merged_into
        if plan.replay.status != Status.MERGED or target_ref is None:
            continue
        merged, target = incidents[plan.record.ref], incidents[target_ref]
        merged.merged_into_id = target.id
        moved = next(
            step
            for step in reversed(plan.steps)
            if isinstance(step, StatusMoved) and step.new == Status.MERGED
        )
        entries = Entries(target, now)
        entries.add(
            "incident_merged",
            moved.at,
            users[moved.actor.key] if moved.actor else None,
            f"{merged.reference} “{merged.title}” was merged into this incident",
            {"merged": merged.reference, "merged_id": merged.id},
        )
        session.add_all(entries.made)
        target.updated_at = now
    session.flush()
