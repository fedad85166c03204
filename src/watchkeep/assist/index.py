"""The similarity index of a database, kept in step with it, one per process.

The index is derived data: each process builds it from the database and refreshes it with
the incidents changed since (by ``updated_at``), so nothing another process needs lives only
in memory. It holds past incidents (integer ids) and active known errors (ids ``ke:<id>``),
so that known errors are scored against the statistics of the whole incident history.
Private incidents are indexed too: callers filter answers by who may see them.
"""

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import documents, known_error_documents
from watchkeep.assist.similarity import Embedder, SimilarityIndex
from watchkeep.incident.models import Incident
from watchkeep.problem.models import KnownError, Problem

REFRESH_MARGIN = timedelta(minutes=5)
SYNC_LIMIT = 5_000
"""Up to this many incidents the index is built within the request; above, in the background
(tens of seconds for 100,000 incidents), while answers wait or use the previous index."""


class IndexNotReady(Exception):
    """The index of a large database is still being built for the first time."""


@dataclass
class _Cached:
    index: SimilarityIndex
    incidents: tuple[Any, ...]
    others: tuple[Any, ...]


def _versions(session: Session) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    incidents = tuple(
        session.execute(select(func.max(Incident.updated_at), func.count(Incident.id))).one()
    )
    others = (
        session.scalar(select(func.max(Problem.updated_at))),
        *session.execute(select(func.max(KnownError.updated_at), func.count(KnownError.id))).one(),
    )
    return incidents, others


class IndexCache:
    """One index per database URL, refreshed before each use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_url: dict[str, _Cached] = {}
        self._embedder: Embedder | None = None
        self._building: set[str] = set()

    def use(self, embedder: Embedder | None) -> None:
        """Search with this embedder (None: the lexical method) from now on."""
        with self._lock:
            if embedder is not self._embedder:
                self._embedder = embedder
                self._by_url.clear()

    def get(self, session: Session) -> SimilarityIndex:
        """The index, refreshed to what ``session`` sees; :class:`IndexNotReady` while the
        first build of a large database runs in the background."""
        engine = session.get_bind().engine
        url = str(engine.url)
        incidents, others = _versions(session)
        with self._lock:
            cached = self._by_url.get(url)
            fewer = cached is not None and incidents[1] < cached.incidents[1]
            if cached is None or cached.others != others or fewer:
                # Root causes and known errors change rarely: rebuild everything.
                if incidents[1] <= SYNC_LIMIT:
                    cached = self._by_url[url] = self._build(session, incidents, others)
                    return cached.index
                self._build_in_background(url, engine)
                if cached is None:
                    raise IndexNotReady("similar incidents are being indexed; try again shortly")
            if cached.incidents != incidents:
                self._refresh(session, cached)
                cached.incidents = incidents
            return cached.index

    def _build(
        self, session: Session, incidents: tuple[Any, ...], others: tuple[Any, ...]
    ) -> _Cached:
        corpus = documents(session) + known_error_documents(session)
        return _Cached(SimilarityIndex.build(corpus, embedder=self._embedder), incidents, others)

    def _build_in_background(self, url: str, engine: Engine) -> None:
        if url not in self._building:
            self._building.add(url)
            threading.Thread(
                target=self._build_later, args=(url, engine), name="similarity-index", daemon=True
            ).start()

    def _build_later(self, url: str, engine: Engine) -> None:
        try:
            with Session(engine) as session:
                built = self._build(session, *_versions(session))
            with self._lock:
                self._by_url[url] = built
        finally:
            with self._lock:
                self._building.discard(url)

    @staticmethod
    def _refresh(session: Session, cached: _Cached) -> None:
        # A transaction that stamped updated_at earlier may commit after one that stamped it
        # later: look back a margin, so that its incident is not skipped.
        query = select(Incident.id)
        if cached.incidents[0] is not None:
            query = query.where(Incident.updated_at >= cached.incidents[0] - REFRESH_MARGIN)
        changed = list(session.scalars(query))
        fresh = {d.id: d for d in documents(session, changed)}
        for incident_id in changed:
            if incident_id in fresh:
                cached.index.add(fresh[incident_id])
            else:
                cached.index.remove(incident_id)

    def clear(self) -> None:
        with self._lock:
            self._by_url.clear()


cache = IndexCache()
