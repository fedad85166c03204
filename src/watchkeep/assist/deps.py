"""The similarity index as a request dependency (the stored index, read in the request's
own session, with the similarity method the composition layer chose), and the evidence
sources of investigations."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from watchkeep.assist.evidence.source import Source
from watchkeep.assist.investigations import standard_sources
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.store import StoredIndex
from watchkeep.core.settings import Settings
from watchkeep.http.deps import DbSession


def similarity_in(request: Request, session: Session) -> StoredIndex:
    """The application's similarity index (``app.state.similarity``) as ``session`` sees it."""
    store: SimilarityStore = request.app.state.similarity
    return store.reader(session)


def get_similarity(request: Request, session: DbSession) -> StoredIndex:
    """The similarity index in the request's session."""
    return similarity_in(request, session)


SimilarityDep = Annotated[StoredIndex, Depends(get_similarity)]


def investigation_sources(request: Request, settings: Settings) -> list[Source]:
    """The evidence sources of the application's investigations, as the settings set them."""
    return standard_sources(
        request.app.state.similarity,
        timeout=settings.investigation_source_timeout_seconds,
        prometheus_url=settings.prometheus_url,
    )
