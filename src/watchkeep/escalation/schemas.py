"""API bodies of the escalation domain."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from watchkeep.core.limits import Id, Input, Name, Text, Whole, Word
from watchkeep.escalation.models import EscalationPolicy, EscalationRun, Page


class TargetIn(Input):
    type: Literal["user", "schedule", "team"]
    id: Id


class LevelIn(Input):
    minutes: Whole = Field(description="Time to acknowledge before the next level, 1 to 1440")
    targets: list[TargetIn] = Field(max_length=50)


class PolicyIn(Input):
    name: Name
    description: Text = ""
    team_id: Id | None = None
    levels: list[LevelIn] = Field(max_length=20)
    repeat: Whole = Field(0, description="How many more times the levels run, 0 to 9")
    ack_mode: Literal["first", "all"] = "first"


class PolicyPatch(Input):
    name: Name | None = None
    description: Text | None = None
    team_id: Id | None = None
    levels: list[LevelIn] | None = Field(None, max_length=20)
    repeat: Whole | None = None
    ack_mode: Literal["first", "all"] | None = None


class PolicyRead(BaseModel):
    id: int
    name: str
    description: str
    team_id: int | None
    levels: list[dict[str, Any]]
    repeat: int
    ack_mode: str


class PageRead(BaseModel):
    id: int
    user_id: int
    user: str
    alert_id: int | None
    level: int
    cycle: int
    via: str
    urgency: str
    message: str
    created_at: datetime
    acknowledged_at: datetime | None


class RunRead(BaseModel):
    id: int
    alert_id: int
    policy_id: int | None
    policy: dict[str, Any] = Field(description="The policy as it was when the run started")
    state: str
    level: int
    cycle: int
    next_step_at: datetime | None
    started_at: datetime
    ended_at: datetime | None
    history: list[dict[str, Any]]
    pages: list[PageRead]


class PageIn(Input):
    message: Text
    user_ids: list[Id] = Field([], max_length=50)
    schedule_id: Id | None = None
    urgency: Word = "high"


def policy_read(policy: EscalationPolicy) -> PolicyRead:
    return PolicyRead.model_validate(policy, from_attributes=True)


def page_read(page: Page) -> PageRead:
    return PageRead(
        id=page.id,
        user_id=page.user_id,
        user=page.user.name,
        alert_id=page.alert_id,
        level=page.level,
        cycle=page.cycle,
        via=page.via,
        urgency=page.urgency,
        message=page.message,
        created_at=page.created_at,
        acknowledged_at=page.acknowledged_at,
    )


def run_read(run: EscalationRun, pages: list[Page]) -> RunRead:
    return RunRead(
        id=run.id,
        alert_id=run.alert_id,
        policy_id=run.policy_id,
        policy=run.snapshot,
        state=run.state,
        level=run.level,
        cycle=run.cycle,
        next_step_at=run.next_step_at,
        started_at=run.started_at,
        ended_at=run.ended_at,
        history=run.history,
        pages=[page_read(p) for p in pages],
    )
