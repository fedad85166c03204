"""JSON routes for the known-error database."""

from fastapi import APIRouter, Query, status

from watchkeep.core.clock import utcnow
from watchkeep.http.deps import CurrentActor, DbSession, Responder
from watchkeep.problem import known_errors
from watchkeep.problem.read import known_error_read
from watchkeep.problem.schemas import KnownErrorIn, KnownErrorPatch, KnownErrorRead

router = APIRouter(prefix="/known-errors", tags=["problems"])


@router.get("")
def search(
    session: DbSession,
    _actor: CurrentActor,
    q: str | None = None,
    active: bool = False,
    limit: int = Query(100, ge=1, le=500),
) -> list[KnownErrorRead]:
    """Search the known-error database by text in title or symptoms."""
    found = known_errors.search(session, text=q, active_only=active, limit=limit)
    return [known_error_read(k) for k in found]


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: KnownErrorIn, session: DbSession, actor: Responder) -> KnownErrorRead:
    """Record a known error that belongs to no problem (yet)."""
    return known_error_read(
        known_errors.create(session, actor=actor, now=utcnow(), **body.model_dump())
    )


@router.get("/{ref}")
def get(ref: str, session: DbSession, _actor: CurrentActor) -> KnownErrorRead:
    return known_error_read(known_errors.get(session, ref=ref))


@router.patch("/{ref}")
def update(ref: str, body: KnownErrorPatch, session: DbSession, actor: Responder) -> KnownErrorRead:
    known = known_errors.get(session, ref=ref)
    known_errors.update(
        session,
        known=known,
        actor=actor,
        now=utcnow(),
        **body.model_dump(exclude_unset=True),
    )
    return known_error_read(known)
