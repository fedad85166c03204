"""JSON routes for jobs: inspect and retry dead ones (admins)."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from watchkeep.http.deps import Admin, DbSession
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import Job

router = APIRouter(prefix="/jobs", tags=["jobs"])


class JobRead(BaseModel):
    id: int
    kind: str
    payload: dict[str, Any]
    state: str
    due_at: datetime
    attempts: int
    max_attempts: int
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


def _job(job: Job) -> JobRead:
    return JobRead.model_validate(job, from_attributes=True)


@router.get("")
def list_jobs(
    session: DbSession,
    _actor: Admin,
    state: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[JobRead]:
    return [_job(j) for j in jobs.list_jobs(session, state=state, limit=limit)]


@router.post("/{job_id}/retry")
def retry(job_id: int, session: DbSession, _actor: Admin) -> JobRead:
    """Give a dead job a fresh set of attempts."""
    return _job(jobs.retry(session, job_id=job_id))
