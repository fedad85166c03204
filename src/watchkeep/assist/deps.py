"""The similarity index as a request dependency: the one the composition layer holds."""

from typing import Annotated

from fastapi import Depends, Request

from watchkeep.assist.index import IndexKeeper


def get_similarity(request: Request) -> IndexKeeper:
    """The application's similarity index (``app.state.similarity``)."""
    keeper: IndexKeeper = request.app.state.similarity
    return keeper


SimilarityDep = Annotated[IndexKeeper, Depends(get_similarity)]
