"""JSON routes for problems: CRUD, lifecycle, links, RCA, actions, timeline."""

from fastapi import APIRouter, Query, status

from watchkeep.core.clock import utcnow
from watchkeep.core.ids import MAX_ID
from watchkeep.core.limits import QueryId
from watchkeep.http.deps import CurrentActor, DbSession, Responder
from watchkeep.incident.read import follow_up_read
from watchkeep.incident.schemas import FollowUpIn, FollowUpPatch, FollowUpRead
from watchkeep.problem import followups, known_errors, links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.read import events_read, known_error_read, problem_read, summary
from watchkeep.problem.schemas import (
    EventRead,
    FactorIn,
    KnownErrorIn,
    KnownErrorRead,
    LinkIn,
    ProblemCreate,
    ProblemPage,
    ProblemRaise,
    ProblemRead,
    ProblemUpdate,
    RootCauseIn,
    StateIn,
    WhysIn,
)

router = APIRouter(prefix="/problems", tags=["problems"])


@router.get("")
def list_(
    session: DbSession,
    _actor: CurrentActor,
    state: list[str] = Query([]),
    open_only: bool = Query(False, alias="open"),
    priority: str | None = None,
    service_id: QueryId | None = None,
    q: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_ID),
) -> ProblemPage:
    """Problems, most recently changed first."""
    flt = problems.ProblemFilter(
        states=tuple(state), open_only=open_only, priority=priority, service_id=service_id, text=q
    )
    rows, more = problems.list_problems(session, flt=flt, limit=limit, offset=offset)
    return ProblemPage(items=[summary(p) for p in rows], limit=limit, offset=offset, has_more=more)


@router.post("", status_code=status.HTTP_201_CREATED)
def create(body: ProblemCreate, session: DbSession, actor: Responder) -> ProblemRead:
    now = utcnow()
    problem = problems.create(session, actor=actor, now=now, **body.model_dump())
    return problem_read(session, problem, actor, now=now)


@router.post("/raise", status_code=status.HTTP_201_CREATED)
def raise_from_incidents(body: ProblemRaise, session: DbSession, actor: Responder) -> ProblemRead:
    """Open a problem from incidents: their services and summaries carry over, links are made."""
    now = utcnow()
    problem = links.raise_from_incidents(
        session,
        actor=actor,
        incident_refs=body.incidents,
        title=body.title,
        priority=body.priority,
        now=now,
    )
    return problem_read(session, problem, actor, now=now)


@router.get("/{ref}")
def get(ref: str, session: DbSession, actor: CurrentActor) -> ProblemRead:
    """One problem (PRB-12 or 12), with the incidents the caller may see."""
    return problem_read(session, problems.get(session, ref=ref), actor, now=utcnow())


@router.patch("/{ref}")
def update(ref: str, body: ProblemUpdate, session: DbSession, actor: Responder) -> ProblemRead:
    now = utcnow()
    problem = problems.get(session, ref=ref)
    problems.update(
        session,
        problem=problem,
        actor=actor,
        now=now,
        **body.model_dump(exclude_unset=True),
    )
    return problem_read(session, problem, actor, now=now)


@router.post("/{ref}/transition")
def move(ref: str, body: StateIn, session: DbSession, actor: Responder) -> ProblemRead:
    """Move to another state; 409 lists the allowed next states."""
    now = utcnow()
    problem = problems.get(session, ref=ref)
    problems.transition(session, problem=problem, actor=actor, state=body.state.value, now=now)
    return problem_read(session, problem, actor, now=now)


@router.get("/{ref}/timeline")
def timeline(ref: str, session: DbSession, actor: CurrentActor) -> list[EventRead]:
    """The problem's timeline (events about incidents the caller can't see are left out)."""
    return events_read(session, problems.get(session, ref=ref), actor)


@router.post("/{ref}/incidents", status_code=status.HTTP_201_CREATED)
def link(ref: str, body: LinkIn, session: DbSession, actor: Responder) -> ProblemRead:
    """Link an incident (with why)."""
    now = utcnow()
    problem = problems.get(session, ref=ref)
    links.link(
        session,
        problem=problem,
        incident_ref=body.incident,
        actor=actor,
        reason=body.reason,
        now=now,
    )
    return problem_read(session, problem, actor, now=now)


@router.delete("/{ref}/incidents/{incident}")
def unlink(ref: str, incident: str, session: DbSession, actor: Responder) -> ProblemRead:
    now = utcnow()
    problem = problems.get(session, ref=ref)
    links.unlink(session, problem=problem, incident_ref=incident, actor=actor, now=now)
    return problem_read(session, problem, actor, now=now)


@router.put("/{ref}/whys")
def set_whys(ref: str, body: WhysIn, session: DbSession, actor: Responder) -> ProblemRead:
    """Replace the 5-whys chain (the old one stays on the timeline)."""
    now = utcnow()
    problem = problems.get(session, ref=ref)
    rca.set_whys(
        session,
        problem=problem,
        actor=actor,
        steps=[(s.question, s.answer) for s in body.steps],
        now=now,
    )
    return problem_read(session, problem, actor, now=now)


@router.post("/{ref}/factors", status_code=status.HTTP_201_CREATED)
def add_factor(ref: str, body: FactorIn, session: DbSession, actor: Responder) -> ProblemRead:
    now = utcnow()
    problem = problems.get(session, ref=ref)
    rca.add_factor(
        session,
        problem=problem,
        actor=actor,
        category=body.category,
        description=body.description,
        now=now,
    )
    return problem_read(session, problem, actor, now=now)


@router.delete("/{ref}/factors/{factor_id:id}")
def remove_factor(ref: str, factor_id: int, session: DbSession, actor: Responder) -> ProblemRead:
    now = utcnow()
    problem = problems.get(session, ref=ref)
    rca.remove_factor(session, problem=problem, actor=actor, factor_id=factor_id, now=now)
    return problem_read(session, problem, actor, now=now)


@router.put("/{ref}/root-cause")
def set_root_cause(
    ref: str, body: RootCauseIn, session: DbSession, actor: Responder
) -> ProblemRead:
    now = utcnow()
    problem = problems.get(session, ref=ref)
    rca.set_root_cause(session, problem=problem, actor=actor, statement=body.statement, now=now)
    return problem_read(session, problem, actor, now=now)


@router.post("/{ref}/known-errors", status_code=status.HTTP_201_CREATED)
def record_known_error(
    ref: str, body: KnownErrorIn, session: DbSession, actor: Responder
) -> KnownErrorRead:
    """Record a known error (symptoms and workaround) for this problem."""
    problem = problems.get(session, ref=ref)
    known = known_errors.create(
        session, actor=actor, problem=problem, now=utcnow(), **body.model_dump()
    )
    return known_error_read(known)


@router.post("/{ref}/follow-ups", status_code=status.HTTP_201_CREATED)
def add_follow_up(ref: str, body: FollowUpIn, session: DbSession, actor: Responder) -> FollowUpRead:
    """Add a corrective, preventive or detective action."""
    problem = problems.get(session, ref=ref)
    return follow_up_read(
        followups.add(session, problem=problem, actor=actor, now=utcnow(), **body.model_dump()),
        None,
    )


@router.patch("/{ref}/follow-ups/{follow_up_id:id}")
def change_follow_up(
    ref: str, follow_up_id: int, body: FollowUpPatch, session: DbSession, actor: Responder
) -> FollowUpRead:
    problem = problems.get(session, ref=ref)
    changed = followups.change(
        session,
        problem=problem,
        actor=actor,
        follow_up_id=follow_up_id,
        now=utcnow(),
        **body.model_dump(exclude_unset=True),
    )
    return follow_up_read(changed, None)
