"""The similarity index as a process holds it: the database and the similarity method.

Nothing in it grows with the history: requests search the stored index in their own session
(:meth:`SimilarityStore.reader`), and whoever needs the index up to date now brings it there
(:meth:`SimilarityStore.refresh`: the worker's periodic job, jobs that need fresh data, the
CLI, tests). A new process has nothing to build.
"""

from collections.abc import Iterable

from sqlalchemy.orm import Session

from watchkeep.assist.indexer import CATCH_UP_SECONDS, catch_up
from watchkeep.assist.similarity import DocumentId, Embedder, Match, Query
from watchkeep.assist.store import StoredIndex
from watchkeep.assist.writer import Step
from watchkeep.core.db import Database


class SimilarityStore:
    """The stored similarity index of ``db``, searched and kept with ``embedder`` (if any)."""

    def __init__(self, db: Database, *, embedder: Embedder | None = None) -> None:
        self.db = db
        self.embedder = embedder

    def reader(self, session: Session) -> StoredIndex:
        """The index as ``session`` sees it: what a request or a job searches."""
        return StoredIndex(session, embedder=self.embedder)

    def search(
        self, query: Query, k: int = 5, exclude_ids: Iterable[DocumentId] = ()
    ) -> list[Match]:
        """Search in a read transaction of its own."""
        with self.db.session(write=False) as session:
            return self.reader(session).search(query, k=k, exclude_ids=exclude_ids)

    def refresh(self, seconds: float = CATCH_UP_SECONDS) -> Step:
        """Bring the stored index up to date now, in transactions of its own (call it outside
        any transaction of the caller's); returns what was done."""
        return catch_up(self.db, embedder=self.embedder, seconds=seconds)
