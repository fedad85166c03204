"""API bodies of the jobs domain."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from watchkeep.jobs.models import DEAD, DONE, PENDING, RUNNING, Job


class JobState(StrEnum):
    PENDING = PENDING
    RUNNING = RUNNING
    DONE = DONE
    DEAD = DEAD


class JobRead(BaseModel):
    id: int
    kind: str
    payload: dict[str, Any]
    state: JobState
    due_at: datetime
    attempts: int
    max_attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


def job_read(job: Job) -> JobRead:
    return JobRead.model_validate(job, from_attributes=True)
