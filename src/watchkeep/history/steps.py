"""An incident record's timeline as the replay reads it (``build_items``), and its whole
history as steps to write (``build_steps``): the declaration and the roles given with it,
then every entry played, then the alerts, changes and follow-ups the record attaches
without a timeline entry of their own (at the alert's start, the change's time, the
follow-up's creation)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from watchkeep.history.directory import Directory, Person
from watchkeep.history.plan import (
    AlertFired,
    ChangeAttached,
    Declared,
    FollowUpAdded,
    NoteAdded,
    RoleGiven,
    SeverityMoved,
    StatusMoved,
    Step,
    UpdatePosted,
)
from watchkeep.history.replay import Item, Played, Replay
from watchkeep.history.schemas import (
    AlertEntry,
    AlertIn,
    ChangeEntry,
    ChangeEventIn,
    FollowUpEntry,
    FollowUpIn,
    IncidentIn,
    NoteEntry,
    RoleEntry,
    SeverityEntry,
    StatusEntry,
    UpdateEntry,
)
from watchkeep.history.words import quoted
from watchkeep.incident.lifecycle import Category, Status, category

Loc = tuple[str | int, ...]
MAX_LABELS = 200
OPEN = (Category.TRIAGE, Category.LIVE)


@dataclass(frozen=True)
class Context:
    """What every incident's check may refer to besides the directory: the file's alerts
    and change events by key, and each incident's status as the file gives it."""

    directory: Directory
    alerts: dict[str, AlertIn]
    changes: dict[str, ChangeEventIn]
    file_status: dict[str, str]
    update_interval: timedelta
    alerts_of: dict[str, list[str]] = field(default_factory=dict)
    """The keys of the file's alerts that name each incident ref."""

    def __post_init__(self) -> None:
        for key, alert in self.alerts.items():
            if alert.incident is not None:
                self.alerts_of.setdefault(alert.incident, []).append(key)

    @property
    def change_ids(self) -> set[str]:
        return set(self.changes) | set(self.directory.changes)

    def alert_start(self, key: str) -> datetime | None:
        if key in self.alerts:
            return self.alerts[key].starts_at
        stored = self.directory.alerts.get(key)
        return stored.starts_at or stored.created_at if stored else None

    def change_time(self, key: str) -> datetime | None:
        if key in self.changes:
            return self.changes[key].occurred_at
        stored = self.directory.changes.get(key)
        return stored.occurred_at if stored else None

    def alert_labels(self, key: str) -> dict[str, str]:
        if key in self.alerts:
            return dict(self.alerts[key].labels)
        stored = self.directory.alerts.get(key)
        return dict(stored.labels) if stored else {}


class Checker(Protocol):
    """Where an incident's problems go, and how its people are named."""

    context: Context
    record: IncidentIn

    def problem(self, loc: Loc, message: str) -> None: ...

    def person(self, loc: Loc, ref: str | None, *, holds_role: bool = False) -> Person | None: ...

    def follow_up(self, loc: Loc, follow_up: FollowUpIn, created: datetime) -> Person | None: ...


def canonical_severity(directory: Directory, name: str) -> str:
    """The severity's name as configured (``sev1`` names ``SEV1``)."""
    found = directory.severity(name)
    return found.name if found else name


def _severity_item(check: Checker, k: int, entry: SeverityEntry) -> Item | None:
    directory = check.context.directory
    loc = ("timeline", k, "payload")
    names = {"to": entry.payload.to, "from": entry.payload.from_}
    for part, name in names.items():
        if name is not None and directory.severity(name) is None:
            check.problem((*loc, part), directory.severity_unknown(name))
            return None
    source = canonical_severity(directory, entry.payload.from_) if entry.payload.from_ else None
    to = canonical_severity(directory, entry.payload.to)
    return Item(k, entry.at, "severity", to=to, source=source, loc=("timeline", k))


def _linked_item(check: Checker, k: int, entry: AlertEntry | ChangeEntry) -> Item | None:
    loc: Loc = ("timeline", k)
    if entry.actor is not None:
        check.problem((*loc, "actor"), f"{entry.kind} entries are Watchkeep's own: leave actor out")
    if isinstance(entry, AlertEntry):
        key, at = entry.payload.alert, check.context.alert_start(entry.payload.alert)
        other = check.context.alerts[key].incident if key in check.context.alerts else None
        if at is None:
            check.problem((*loc, "payload", "alert"), f"no alert with id {quoted(key)}")
            return None
        if other is not None and other != check.record.ref:
            check.problem(
                (*loc, "payload", "alert"), f"that alert belongs to incident {quoted(other)}"
            )
    else:
        key, at = entry.payload.change, check.context.change_time(entry.payload.change)
        if at is None:
            check.problem((*loc, "payload", "change"), f"no change event with id {quoted(key)}")
            return None
    return Item(k, entry.at or at, entry.kind, loc=loc)


def build_items(check: Checker, record: IncidentIn) -> list[Item]:
    """The timeline's entries as replay items (the declaration aside), checking what only
    the entries say: their people, severities, roles, alerts, changes and follow-ups."""
    items: list[Item] = []
    for k, entry in enumerate(record.timeline or ()):
        loc: Loc = ("timeline", k)
        check.person((*loc, "actor"), entry.actor)
        item: Item | None = None
        if isinstance(entry, StatusEntry):
            source, to = entry.payload.from_, entry.payload.to
            item = Item(k, entry.at, "status", to=to, source=source, loc=loc)
        elif isinstance(entry, SeverityEntry):
            item = _severity_item(check, k, entry)
        elif isinstance(entry, RoleEntry):
            if entry.payload.role not in check.context.directory.role_types:
                problem = check.context.directory.role_unknown(entry.payload.role)
                check.problem((*loc, "payload", "role"), problem)
            check.person((*loc, "payload", "user"), entry.payload.user, holds_role=True)
            item = Item(k, entry.at, "role", loc=loc)
        elif isinstance(entry, UpdateEntry):
            item = Item(k, entry.at, "update", to=entry.payload.status, loc=loc)
        elif isinstance(entry, NoteEntry):
            item = Item(k, entry.at, "note", loc=loc)
        elif isinstance(entry, AlertEntry | ChangeEntry):
            item = _linked_item(check, k, entry)
        elif isinstance(entry, FollowUpEntry):
            check.follow_up((*loc, "payload"), entry.payload, entry.at)
            item = Item(k, entry.at, "follow_up", loc=loc)
        if item is not None:
            items.append(item)
    return items


class _Builder:
    def __init__(self, context: Context, record: IncidentIn) -> None:
        self.context, self.record = context, record
        self.steps: list[tuple[datetime, int, Step]] = []
        self.holders: dict[str, Person] = {}

    def person(self, ref: str | None) -> Person | None:
        found = self.context.directory.person(ref) if ref else None
        return found if isinstance(found, Person) else None

    def add(self, step: Step) -> None:
        self.steps.append((step.at, len(self.steps), step))

    def give(self, at: datetime, actor: Person | None, role: str, person: Person) -> None:
        previous = self.holders.get(role)
        if previous is None or previous.key != person.key:
            self.add(RoleGiven(at, actor, role, person, previous))
            self.holders[role] = person

    def declare(self, played: Replay, reporter: Person | None, roles: dict[str, Person]) -> None:
        at = self.record.declared_at
        self.add(Declared(at, reporter, played.start_status, played.start_severity))
        if reporter is not None:
            self.give(at, reporter, "reporter", reporter)
        lead = roles.get("lead") or reporter
        if lead is not None:
            self.give(at, reporter, "lead", lead)
        for role, person in roles.items():
            if role not in ("lead", "reporter"):
                self.give(at, reporter, role, person)

    def play(self, played: Played) -> None:
        item = played.item
        entry = (self.record.timeline or [])[item.order] if item.order >= 0 else None
        actor = self.person(entry.actor) if entry is not None else None
        moved = played.status != played.status_before
        if item.kind in ("status", "update") and moved:
            self.add(StatusMoved(item.at, actor, played.status_before, played.status))
        if item.kind == "severity" and played.severity != played.severity_before:
            self.add(SeverityMoved(item.at, actor, played.severity_before, played.severity))
        elif isinstance(entry, UpdateEntry):
            minutes = entry.payload.next_update_in_minutes
            interval = timedelta(minutes=minutes) if minutes else self.context.update_interval
            live = category(Status(played.status)) in OPEN
            due = item.at + interval if live else None
            message = entry.payload.message.strip()
            self.add(UpdatePosted(item.at, actor, message, played.status, played.severity, due))
        elif isinstance(entry, NoteEntry):
            self.add(NoteAdded(item.at, actor, entry.payload.text.strip(), entry.payload.pinned))
        elif isinstance(entry, RoleEntry):
            person = self.person(entry.payload.user)
            assert person is not None  # checked
            self.give(item.at, actor, entry.payload.role, person)
        elif isinstance(entry, AlertEntry):
            self.add(AlertFired(item.at, entry.payload.alert))
        elif isinstance(entry, ChangeEntry):
            self.add(ChangeAttached(item.at, entry.payload.change))
        elif isinstance(entry, FollowUpEntry):
            owner = self.person(entry.payload.owner)
            self.add(FollowUpAdded(item.at, actor, entry.payload, owner))

    def attachments(self, owners: list[Person | None]) -> list[str]:
        """The alerts, changes and follow-ups the record attaches outside its timeline;
        returns the keys of every alert the incident has, in time order."""
        timeline = self.record.timeline or []
        named = {e.payload.alert for e in timeline if isinstance(e, AlertEntry)}
        for key in self.context.alerts_of.get(self.record.ref, ()):
            if key not in named:
                self.add(AlertFired(self.context.alerts[key].starts_at, key))
        attached = {e.payload.change for e in timeline if isinstance(e, ChangeEntry)}
        for change in dict.fromkeys(self.record.changes):
            at = self.context.change_time(change)
            if change not in attached and at is not None:
                self.add(ChangeAttached(at, change))
        record = self.record
        for follow_up, owner in zip(record.follow_ups, owners, strict=True):
            created = follow_up.created_at or record.resolved_at or record.declared_at
            self.add(FollowUpAdded(created, None, follow_up, owner))
        self.steps.sort(key=lambda s: (s[0], s[1]))
        return [s.key for _, _, s in self.steps if isinstance(s, AlertFired)]


def _next_update(context: Context, record: IncidentIn, steps: list[Step]) -> datetime | None:
    """When the next status update is due, as natively: after the declared severity's time,
    then as each update said; cleared when the incident leaves the live statuses."""
    declared = next(step for step in steps if isinstance(step, Declared))
    severity = context.directory.severity(declared.severity)
    minutes = severity.update_minutes if severity and severity.update_minutes else None
    due: datetime | None = record.declared_at + (
        timedelta(minutes=minutes) if minutes else context.update_interval
    )
    for step in steps:
        if isinstance(step, UpdatePosted):
            due = step.next_update_at
        elif isinstance(step, StatusMoved) and category(Status(step.new)) is not Category.LIVE:
            due = None
    return due


def build_steps(
    context: Context,
    record: IncidentIn,
    played: Replay,
    reporter: Person | None,
    roles: dict[str, Person],
    owners: list[Person | None],
) -> tuple[list[Step], dict[str, str], datetime | None]:
    """The incident's steps in time order, its labels (its own over its alerts', as an
    incident opened from alerts takes them) and when its next status update is due."""
    builder = _Builder(context, record)
    builder.declare(played, reporter, roles)
    for step in played.played:
        builder.play(step)
    alerts = builder.attachments(owners)
    labels = dict(record.labels)
    for key in alerts:
        labels = {**context.alert_labels(key), **labels}
    steps = [step for _, _, step in builder.steps]
    return steps, dict(list(labels.items())[:MAX_LABELS]), _next_update(context, record, steps)
