"""The import document (what ``watchkeep import`` and ``POST /api/v1/import`` read) and the
summary they answer with. docs/import.md describes every field.

The document is parsed strictly, like every request body: unknown fields are refused (a
misspelt field is an error, not silently dropped), instants are ISO 8601 with an offset.
What only the database can tell (does severity ``SEV9`` exist?) is checked afterwards, by
``history.checks``.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from watchkeep.core.clock import ensure_utc
from watchkeep.core.limits import (
    Flag,
    Input,
    Instant,
    LabelName,
    LabelValue,
    Name,
    RequiredText,
    Text,
    Title,
    Word,
)

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def _historic(value: datetime) -> datetime:
    """In UTC, and not before 1970 (nothing older is history anyone imports, and the
    arithmetic on times stays far from the calendar's ends)."""
    try:
        value = ensure_utc(value)
    except OverflowError:
        raise ValueError("must be a time after 1970") from None
    if value < EARLIEST:
        raise ValueError("must be a time after 1970")
    return value


At = Annotated[Instant, AfterValidator(_historic)]
"""An instant with its offset, kept in UTC."""
Key = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
"""An external reference or id: what makes a record the same one when imported again."""
UserRef = Annotated[str, StringConstraints(min_length=1, max_length=254, strip_whitespace=True)]
"""A person, by e-mail address or by name."""
Minutes = Annotated[int, Field(ge=1, le=10080)]


# --- people and services ------------------------------------------------------------------


class UserIn(Input):
    name: Name
    email: Annotated[str, StringConstraints(min_length=3, max_length=254, strip_whitespace=True)]
    role: Word = Field("responder", description="viewer, responder or admin")


class ServiceIn(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    description: Text = ""
    team: Name | None = Field(None, description="The owner team, by name; created if missing")
    kind: Word = Field("internal", description="internal, platform or third_party")
    depends_on: list[Name] = Field([], description="Services it depends on, by name")
    runbook: Text = Field("", description="The runbook, in Markdown")
    runbook_url: Text | None = None


# --- change events, known errors, alerts ----------------------------------------------------


class LinkIn(Input):
    href: Text
    text: Text = ""


class ChangeEventIn(Input):
    id: Key = Field(description="Its id in the tool it came from (idempotency key)")
    kind: Word = Field("change", description="deploy, config, feature_flag, …")
    summary: RequiredText
    service: Name | None = None
    occurred_at: At
    origin: Text | None = Field(None, description="What reported it (a CI system, a tool)")
    links: list[LinkIn] = []
    details: dict[str, Any] = {}


class KnownErrorIn(Input):
    title: Title
    symptoms: RequiredText
    workaround: list[Text] = Field(min_length=1, description="The workaround's steps")
    fix_status: Word = "none"
    fix_link: Annotated[str, StringConstraints(max_length=500)] = ""
    alert_names: list[Name] = []
    active: Flag = True
    created_at: At | None = Field(None, description="Known since (default: now)")


class AlertIn(Input):
    id: Key | None = Field(None, description="Its id; without one: its title and start time")
    title: RequiredText
    description: Text = ""
    severity: Word | None = Field(None, description="critical, error, warning or info")
    labels: dict[LabelName, LabelValue] = Field({}, max_length=200)
    status: Word | None = Field(None, description="firing, acknowledged or resolved")
    starts_at: At
    ends_at: At | None = None
    incident: Key | None = Field(None, description="The ref of the incident it belongs to")


# --- incidents and their timelines ---------------------------------------------------------


class FollowUpIn(Input):
    title: Title
    description: Text = ""
    owner: UserRef | None = None
    priority: Word = "medium"
    action_type: Word = "corrective"
    status: Word = "outstanding"
    not_doing_reason: Text = ""
    due: At | None = None
    completed_at: At | None = None


class IncidentFollowUpIn(FollowUpIn):
    created_at: At | None = Field(None, description="Default: resolved_at, else declared_at")


class DeclaredPayload(Input):
    status: Word | None = None
    severity: Name | None = None


class ChangePayload(Input):
    """A move of the status or the severity: to ``to``, from ``from`` (checked if given)."""

    to: Name
    from_: Name | None = Field(None, alias="from")


class RolePayload(Input):
    role: Word
    user: UserRef


class UpdatePayload(Input):
    message: RequiredText
    status: Word | None = None
    next_update_in_minutes: Minutes | None = None


class NotePayload(Input):
    text: RequiredText
    pinned: Flag = False


class AlertPayload(Input):
    alert: Key


class ChangeEventPayload(Input):
    change: Key


class _Entry(Input):
    actor: UserRef | None = None


class DeclaredEntry(_Entry):
    kind: Literal["declared"]
    at: At | None = None
    payload: DeclaredPayload = DeclaredPayload()


class StatusEntry(_Entry):
    kind: Literal["status"]
    at: At
    payload: ChangePayload


class SeverityEntry(_Entry):
    kind: Literal["severity"]
    at: At
    payload: ChangePayload


class RoleEntry(_Entry):
    kind: Literal["role"]
    at: At
    payload: RolePayload


class UpdateEntry(_Entry):
    kind: Literal["update"]
    at: At
    payload: UpdatePayload


class NoteEntry(_Entry):
    kind: Literal["note"]
    at: At
    payload: NotePayload


class AlertEntry(_Entry):
    kind: Literal["alert"]
    at: At | None = None
    payload: AlertPayload


class ChangeEntry(_Entry):
    kind: Literal["change"]
    at: At | None = None
    payload: ChangeEventPayload


class FollowUpEntry(_Entry):
    kind: Literal["follow_up"]
    at: At
    payload: FollowUpIn


Entry = Annotated[
    DeclaredEntry
    | StatusEntry
    | SeverityEntry
    | RoleEntry
    | UpdateEntry
    | NoteEntry
    | AlertEntry
    | ChangeEntry
    | FollowUpEntry,
    Field(discriminator="kind"),
]
ENTRY_KINDS = (
    "declared",
    "status",
    "severity",
    "role",
    "update",
    "note",
    "alert",
    "change",
    "follow_up",
)


class IncidentIn(Input):
    ref: Key = Field(description="Its reference in the tool it came from (idempotency key)")
    title: Title
    summary: Text = ""
    severity: Name = Field(description="Its severity now, by name")
    type: Name | None = Field(None, description="Its type, by name (default: the default type)")
    services: list[Name] = []
    status: Word | None = Field(None, description="Its status now (default: from the times)")
    merged_into: Key | None = Field(None, description="With status merged: the ref it went to")
    private: Flag | None = None
    labels: dict[LabelName, LabelValue] = Field({}, max_length=200)
    impact_started_at: At | None = None
    reported_at: At | None = None
    declared_at: At
    acknowledged_at: At | None = None
    mitigated_at: At | None = None
    resolved_at: At | None = None
    closed_at: At | None = None
    root_cause: Text = ""
    resolution: Text = ""
    reporter: UserRef | None = None
    roles: dict[Word, UserRef] = Field({}, description="Role slug → person, at declaring")
    follow_ups: list[IncidentFollowUpIn] = []
    changes: list[Key] = Field([], description="Ids of change events attached to it")
    timeline: list[Entry] | None = None


class HistoryIn(Input):
    """A history to import: every list may be left out."""

    users: list[UserIn] = []
    services: list[ServiceIn] = []
    change_events: list[ChangeEventIn] = []
    known_errors: list[KnownErrorIn] = []
    alerts: list[AlertIn] = []
    incidents: list[IncidentIn] = []


# --- the summary ----------------------------------------------------------------------------

Outcome = Literal["created", "unchanged", "skipped"]


class Counts(BaseModel):
    created: int = 0
    unchanged: int = Field(0, description="Already there, as in the file")
    skipped: int = Field(0, description="Already there, different from the file: left as it is")


class SkippedRecord(BaseModel):
    record: str = Field(description='The record in the file: incidents[3] (ref "PD-1")')
    reference: str | None = Field(description="What it is here (INC-12, a name, an id)")
    differs: list[str] = Field(description="The fields whose stored value differs")


class ImportedIncident(BaseModel):
    ref: str
    reference: str | None = Field(description="INC-n (null for a new one in a dry run)")
    outcome: Outcome


class ImportSummary(BaseModel):
    dry_run: bool = Field(description="true: checked and counted, nothing written")
    counts: dict[str, Counts] = Field(
        description="Per kind: users, teams, services, change_events, known_errors, alerts, "
        "incidents"
    )
    timeline_entries: int = Field(description="Timeline entries written (or to be written)")
    skipped: list[SkippedRecord] = Field(description="The first 100 records left unchanged")
    incidents: list[ImportedIncident]
