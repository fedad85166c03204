"""JSON routes for jobs: inspect and retry dead ones (admins)."""

from fastapi import APIRouter, Query

from watchkeep.http.deps import Admin, DbSession
from watchkeep.jobs import service as jobs
from watchkeep.jobs.schemas import JobRead, JobState, job_read

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("")
def list_jobs(
    session: DbSession,
    _actor: Admin,
    state: JobState | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[JobRead]:
    return [job_read(j) for j in jobs.list_jobs(session, state=state, limit=limit)]


@router.post("/{job_id:id}/retry")
def retry(job_id: int, session: DbSession, _actor: Admin) -> JobRead:
    """Give a dead job a fresh set of attempts."""
    return job_read(jobs.retry(session, job_id=job_id))
