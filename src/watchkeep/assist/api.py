"""JSON routes for similar-incident search, responders' verdicts on its answers, and drafting
a post-mortem from the record.
"""

from fastapi import APIRouter, Query, Request, status

from watchkeep.assist import investigations
from watchkeep.assist import service as assist
from watchkeep.assist.deps import SimilarityDep, investigation_sources
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.feedback import give_feedback, withdraw_feedback
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.schemas import (
    DraftIn,
    DraftRead,
    FeedbackIn,
    FeedbackRead,
    InvestigateIn,
    InvestigationRead,
    SimilarRead,
    VerdictIn,
    VerdictRead,
    draft_read,
    feedback_read,
    investigation_read,
    similar_read,
)
from watchkeep.assist.service import State
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import NotFound
from watchkeep.http.deps import CurrentActor, DbSession, Responder, SettingsDep
from watchkeep.incident.access import get_visible

router = APIRouter(tags=["similar incidents"])

STATE = Query(
    State.PAST,
    description="past: resolved, post-incident or closed incidents (history);"
    " live: incidents in triage or being responded to (possible duplicates)",
)


@router.get("/incidents/{ref}/similar")
def similar_to(
    ref: str,
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    k: int = Query(5, ge=1, le=50),
    state: State = STATE,
) -> list[SimilarRead]:
    """Past incidents (or, with ``state=live``, other live ones) most like this one that the
    caller may see, with the reasons: those a responder marked as the same cause first, those
    marked not similar never."""
    incident = get_visible(session, ref=ref, actor=actor)
    found = assist.similar_incidents(
        session, index=index, incident=incident, actor=actor, k=k, state=state
    )
    return similar_read(found)


@router.get("/similar")
def search(
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    q: str = Query(description="What you see, in your own words (3 characters or more)"),
    k: int = Query(10, ge=1, le=50),
    state: State = STATE,
) -> list[SimilarRead]:
    """Past incidents (or, with ``state=live``, live ones) most like a free-text description."""
    found = assist.search_similar(session, index=index, text=q, actor=actor, k=k, state=state)
    return similar_read(found)


@router.put("/incidents/{ref}/similar/{other_ref}/feedback")
def put_feedback(
    ref: str, other_ref: str, body: FeedbackIn, session: DbSession, actor: Responder
) -> FeedbackRead:
    """Say whether ``other_ref`` is like this incident: ``not_similar`` hides each from the
    other's answers, ``same_cause`` shows each first in the other's. Replaces any verdict on
    the pair (either way round)."""
    incident = get_visible(session, ref=ref, actor=actor)
    other = get_visible(session, ref=other_ref, actor=actor)
    stored = give_feedback(
        session, incident=incident, other=other, verdict=body.verdict, actor=actor, now=utcnow()
    )
    return feedback_read(incident, other, stored)


@router.delete(
    "/incidents/{ref}/similar/{other_ref}/feedback", status_code=status.HTTP_204_NO_CONTENT
)
def delete_feedback(ref: str, other_ref: str, session: DbSession, actor: Responder) -> None:
    """Withdraw the verdict on the pair (404 if there is none)."""
    incident = get_visible(session, ref=ref, actor=actor)
    other = get_visible(session, ref=other_ref, actor=actor)
    withdraw_feedback(session, incident=incident, other=other, actor=actor)


@router.post("/incidents/{ref}/postmortem/draft", tags=["post-incident"])
def draft(
    ref: str,
    session: DbSession,
    actor: Responder,
    index: SimilarityDep,
    settings: SettingsDep,
    body: DraftIn | None = None,
) -> DraftRead:
    """Draft the post-mortem from the record (made from its template if there is none yet):
    every sentence cites its sources. Sections people edited keep their text; the draft is
    offered beside them. With a language model configured, its prose replaces the drafter's,
    sentence by sentence, where it passes the same checks."""
    incident = get_visible(session, ref=ref, actor=actor)
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    drafted = drafting.draft(
        session,
        incident=incident,
        actor=actor,
        index=index,
        phraser=drafting.phraser_of(
            settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_seconds
        ),
        sections=body.sections if body else None,
    )
    return draft_read(session, incident, drafted)


@router.post("/incidents/{ref}/investigations", tags=["investigations"])
def investigate(
    ref: str,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    settings: SettingsDep,
    body: InvestigateIn | None = None,
) -> InvestigationRead:
    """Investigate the incident now, or as of a past instant (``at``): gather the evidence
    and rank hypotheses about its cause, best first. One made now is stored (the incident
    page shows the latest) and noted on the timeline when its conclusion changed, and, since
    everyone who may see the incident reads it, cites no private incident. One as of a past
    instant reads nothing recorded later, is made for the caller and is not stored."""
    incident = get_visible(session, ref=ref, actor=actor)
    store: SimilarityStore = request.app.state.similarity
    sources = investigation_sources(request, settings)
    if body is None or body.at is None:
        return InvestigationRead.model_validate(
            investigations.investigate_now(
                session,
                store=store,
                incident=incident,
                sources=sources,
                trigger="request",
                actor=actor,
                now=utcnow(),
            )
        )
    found = investigations.investigate(
        session, store=store, incident=incident, actor=actor, sources=sources, at=body.at
    )
    return investigation_read(found)


@router.get("/incidents/{ref}/investigations/latest", tags=["investigations"])
def latest_investigation(ref: str, session: DbSession, actor: CurrentActor) -> InvestigationRead:
    """The latest stored investigation of the incident (404 when there is none yet)."""
    incident = get_visible(session, ref=ref, actor=actor)
    stored = investigations.latest(session, incident_id=incident.id)
    if stored is None:
        raise NotFound(f"{incident.reference} has not been investigated yet")
    return InvestigationRead.model_validate(stored.result)


@router.put("/incidents/{ref}/investigations/verdicts", tags=["investigations"])
def put_verdict(
    ref: str,
    body: VerdictIn,
    request: Request,
    session: DbSession,
    actor: Responder,
    settings: SettingsDep,
) -> VerdictRead:
    """Confirm or rule out a hypothesis of the latest investigation, by its key. The verdict
    holds in every later investigation; a confirmed one is offered as the post-mortem's root
    cause."""
    incident = get_visible(session, ref=ref, actor=actor)
    given = investigations.judge_latest(
        session,
        store=request.app.state.similarity,
        sources=investigation_sources(request, settings),
        incident=incident,
        key=body.key,
        verdict=body.verdict,
        actor=actor,
        now=utcnow(),
    )
    return VerdictRead(key=given.key, verdict=body.verdict, title=given.title)


@router.delete(
    "/incidents/{ref}/investigations/verdicts/{key:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["investigations"],
)
def delete_verdict(
    ref: str,
    key: str,
    request: Request,
    session: DbSession,
    actor: Responder,
    settings: SettingsDep,
) -> None:
    """Withdraw the verdict on a hypothesis (404 if there is none)."""
    incident = get_visible(session, ref=ref, actor=actor)
    investigations.withdraw_latest(
        session,
        store=request.app.state.similarity,
        sources=investigation_sources(request, settings),
        incident=incident,
        key=key,
        actor=actor,
        now=utcnow(),
    )
