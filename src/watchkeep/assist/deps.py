"""The similarity index as a request dependency: the stored index, read in the request's
own session, with the similarity method the composition layer chose."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from watchkeep.assist.keeper import SimilarityStore
from watchkeep.assist.store import StoredIndex
from watchkeep.http.deps import DbSession


def similarity_in(request: Request, session: Session) -> StoredIndex:
    """The application's similarity index (``app.state.similarity``) as ``session`` sees it."""
    store: SimilarityStore = request.app.state.similarity
    return store.reader(session)


def get_similarity(request: Request, session: DbSession) -> StoredIndex:
    """The similarity index in the request's session."""
    return similarity_in(request, session)


SimilarityDep = Annotated[StoredIndex, Depends(get_similarity)]
