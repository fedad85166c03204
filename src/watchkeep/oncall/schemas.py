"""Request and response bodies of the schedule API.

Layer fields keep the spec's shapes (docs/schedules.md); their rules (an IANA time zone,
``interval`` ≥ 1, known users…) are checked by the service, whose errors name the field as
``layers[0].handovers[0].interval``.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from watchkeep.core.limits import Id, Input, LooseInstant, Name, Text, Whole, Word


class Strict(Input):
    """A request body of the schedule API."""


class UserRef(BaseModel):
    id: int
    name: str


class Ref(BaseModel):
    id: int
    name: str


class Handover(Strict):
    interval: Whole = Field(description="At least 1")
    unit: Word = Field(description="hourly, daily or weekly")


class WorkingInterval(Strict):
    weekday: Word = Field(description="mon..sun: the local date the interval starts on")
    start: Word = Field(description="Local time HH:MM")
    end: Word = Field(description="Local time HH:MM; at or before start runs past midnight")


class LayerIn(Strict):
    name: Name | None = Field(None, description="Default: layer N")
    users: list[Id | None] = Field(description="User ids in turn; null is an empty slot")
    anchor: Word = Field(description="Naive local date-time when turn 0 starts")
    handovers: list[Handover] = Field(description="Turn lengths, used in turn, cycling")
    working_intervals: list[WorkingInterval] | None = Field(None, description="Absent: 24/7")
    concurrent: Whole = Field(1, description="Users on call together")
    start: LooseInstant | None = Field(
        None, description="The layer counts from here (no offset: UTC)"
    )
    end: LooseInstant | None = Field(None, description="…until here")

    def spec(self) -> dict[str, Any]:
        """The layer as spec JSON for the service."""
        return self.model_dump(mode="json", exclude_none=True) | {
            "working_intervals": None
            if self.working_intervals is None
            else [w.model_dump() for w in self.working_intervals]
        }


class ScheduleCreate(Strict):
    name: Name
    description: Text = ""
    timezone: Word = Field(description="IANA time zone, such as Europe/London")
    team_id: Id | None = None
    layers: list[LayerIn] = Field([], description="Lowest precedence first")


class ScheduleUpdate(Strict):
    name: Name | None = None
    description: Text | None = None
    timezone: Word | None = None
    team_id: Id | None = None
    layers: list[LayerIn] | None = Field(None, description="Replaces every layer")


class LayerRead(BaseModel):
    position: int
    name: str
    users: list[UserRef | None]
    anchor: str
    handovers: list[Handover]
    working_intervals: list[WorkingInterval] | None
    concurrent: int
    start: datetime | None
    end: datetime | None


class ScheduleRead(BaseModel):
    id: int
    name: str
    description: str
    timezone: str
    team: Ref | None
    layers: list[LayerRead]
    created_at: datetime
    updated_at: datetime
    history_until: datetime = Field(description="Final entries before this are frozen history")


class EntryRead(BaseModel):
    start: datetime
    end: datetime
    users: list[UserRef]


class LayerEntries(BaseModel):
    position: int
    name: str
    entries: list[EntryRead]


class OverrideIn(Strict):
    user_id: Id | None = Field(description="Who covers; null means nobody is on call")
    start: LooseInstant
    end: LooseInstant
    note: Text = ""


class OverrideRead(BaseModel):
    id: int
    user: UserRef | None
    start: datetime
    end: datetime
    note: str
    created_at: datetime
    created_by: UserRef | None


class EntriesRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    timezone: str
    layers: list[LayerEntries]
    overrides: list[OverrideRead]
    final: list[EntryRead]


class OncallRead(BaseModel):
    at: datetime
    users: list[UserRef]


class ShiftRead(BaseModel):
    schedule: Ref = Field(description="The schedule's id and name")
    start: datetime
    end: datetime
    users: list[UserRef]


class FeedUrl(BaseModel):
    url: str = Field(description="Secret iCalendar URL; a new one stops the old one working")


class FeedState(BaseModel):
    exists: bool = Field(
        description="Whether a feed address exists. Only a hash of it is kept, so the address "
        "itself is shown once, when POST makes it."
    )
