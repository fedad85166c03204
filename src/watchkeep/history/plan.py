"""What an import will write, once every record is checked: the new records with their
references resolved, and each new incident's history as steps in time order.

A step is one thing that happened to an incident; the writer turns it into the rows and
timeline entries the incident domain writes for it natively. ``entries`` says how many
timeline entries that is, so that a dry run counts what a real run writes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from watchkeep.history.directory import Person
from watchkeep.history.replay import Replay
from watchkeep.history.schemas import (
    AlertIn,
    ChangeEventIn,
    Counts,
    FollowUpIn,
    ImportedIncident,
    IncidentIn,
    KnownErrorIn,
    ServiceIn,
    SkippedRecord,
    UserIn,
)


@dataclass(frozen=True)
class Declared:
    at: datetime
    actor: Person | None
    status: str
    severity: str


@dataclass(frozen=True)
class RoleGiven:
    at: datetime
    actor: Person | None
    role: str  # the slug
    person: Person
    previous: Person | None


@dataclass(frozen=True)
class StatusMoved:
    at: datetime
    actor: Person | None
    old: str
    new: str


@dataclass(frozen=True)
class SeverityMoved:
    at: datetime
    actor: Person | None
    old: str
    new: str


@dataclass(frozen=True)
class UpdatePosted:
    at: datetime
    actor: Person | None
    message: str
    status: str  # the incident's status once posted
    severity: str
    next_update_at: datetime | None


@dataclass(frozen=True)
class NoteAdded:
    at: datetime
    actor: Person | None
    text: str
    pinned: bool


@dataclass(frozen=True)
class AlertFired:
    at: datetime
    key: str  # the alert's key (its id in the file)


@dataclass(frozen=True)
class ChangeAttached:
    at: datetime
    change_id: str  # the change event's external id


@dataclass(frozen=True)
class FollowUpAdded:
    at: datetime
    actor: Person | None
    follow_up: FollowUpIn
    owner: Person | None

    @property
    def finished_at(self) -> datetime:
        """When it was completed or dropped: its ``completed_at``, else when it was added."""
        return self.follow_up.completed_at or self.at


Step = (
    Declared
    | RoleGiven
    | StatusMoved
    | SeverityMoved
    | UpdatePosted
    | NoteAdded
    | AlertFired
    | ChangeAttached
    | FollowUpAdded
)


def entries_of(step: Step) -> int:
    """How many timeline entries ``step`` writes."""
    if isinstance(step, FollowUpAdded):
        return 1 if step.follow_up.status == "outstanding" else 2
    return 1


@dataclass
class IncidentPlan:
    record: IncidentIn
    replay: Replay
    reporter: Person | None
    services: list[str]
    steps: list[Step]
    labels: dict[str, str]
    next_update_at: datetime | None
    number: int | None = None  # given just before writing

    @property
    def entries(self) -> int:
        return sum(entries_of(step) for step in self.steps)


@dataclass
class Plan:
    users: list[UserIn] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    services: list[ServiceIn] = field(default_factory=list)
    changes: list[ChangeEventIn] = field(default_factory=list)
    known_errors: list[KnownErrorIn] = field(default_factory=list)
    alerts: list[tuple[str, AlertIn]] = field(default_factory=list)
    incidents: list[IncidentPlan] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    skipped: list[SkippedRecord] = field(default_factory=list)
    outcomes: list[ImportedIncident] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        counts = self.counts.setdefault(kind, Counts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def skip(self, kind: str, record: str, reference: str | None, differs: list[str]) -> None:
        """A record already here: unchanged if it is as the file says, else skipped."""
        self.count(kind, "skipped" if differs else "unchanged")
        if differs:
            self.skipped.append(SkippedRecord(record=record, reference=reference, differs=differs))

    @property
    def timeline_entries(self) -> int:
        return sum(plan.entries for plan in self.incidents)
