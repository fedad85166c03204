"""JSON routes for similar-incident search, and drafting a post-mortem from the record.

Until the index has first been built (seconds after a start) the answer is an empty list,
as for a history with nothing alike: a client asks again later.
"""

from fastapi import APIRouter, Query

from watchkeep.assist import service as assist
from watchkeep.assist.deps import SimilarityDep
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.index import IndexNotReady
from watchkeep.assist.schemas import DraftIn, DraftRead, SimilarRead, draft_read, similar_read
from watchkeep.http.deps import CurrentActor, DbSession, Responder, SettingsDep
from watchkeep.incident.access import get_visible

router = APIRouter(tags=["similar incidents"])


@router.get("/incidents/{ref}/similar")
def similar_to(
    ref: str,
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    k: int = Query(5, ge=1, le=50),
) -> list[SimilarRead]:
    """Past incidents most like this one (that the caller may see), with the reasons."""
    incident = get_visible(session, ref=ref, actor=actor)
    try:
        found = assist.similar_incidents(session, index=index, incident=incident, actor=actor, k=k)
    except IndexNotReady:
        return []
    return similar_read(found)


@router.get("/similar")
def search(
    session: DbSession,
    actor: CurrentActor,
    index: SimilarityDep,
    q: str = Query(description="What you see, in your own words (3 characters or more)"),
    k: int = Query(10, ge=1, le=50),
) -> list[SimilarRead]:
    """Incidents most like a free-text description."""
    try:
        found = assist.search_similar(session, index=index, text=q, actor=actor, k=k)
    except IndexNotReady:
        return []
    return similar_read(found)


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
