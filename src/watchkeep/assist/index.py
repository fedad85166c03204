"""The similarity index of one database, held in memory and kept in step with it.

The index is derived data: :class:`IndexKeeper` builds it from the database and refreshes it
with the incidents changed since (by ``updated_at``), so nothing another process needs lives
only in memory. It holds past incidents (integer ids) and active known errors (ids
``ke:<id>``), so that known errors are scored against the statistics of the whole incident
history. Private incidents are indexed too: callers filter answers by who may see them.

Who does what:

- the process that holds a keeper (the web app, a worker) calls :meth:`IndexKeeper.start`: a
  background thread builds the index, then refreshes it every couple of seconds, and
  :meth:`IndexKeeper.stop` ends it;
- requests only read (:meth:`IndexKeeper.search`): they never build and never wait for a
  build; until the first build is done they get :class:`IndexNotReady`;
- jobs, the CLI and tests bring the index up to date in their own thread when they need it
  (:meth:`IndexKeeper.refresh`, outside any transaction of theirs): a job that matches known
  errors right after a declaration must see what was just committed.

Thread safety: one lock guards the index that readers search against the refresher's
``add``/``remove``; a full build runs outside it, on a new index that then replaces the old
one in one step, so readers keep answering from the old index while it runs. A second lock
lets one refresh run at a time. Searches hold the lock while they run: they are pure Python
and the GIL runs one at a time anyway. A refresh reads the database in a short transaction
that ends before the index is built or changed, so neither lock is ever held by a thread
that waits for the database, and no transaction waits for a refresh (on SQLite every
transaction holds the write lock).
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import catalog_names, documents, known_error_documents
from watchkeep.assist.models import SAME_CAUSE, SimilarityFeedback
from watchkeep.assist.similarity import (
    Analyzer,
    Document,
    DocumentId,
    Embedder,
    Match,
    Query,
    SimilarityIndex,
)
from watchkeep.core.db import Database
from watchkeep.incident.models import Incident
from watchkeep.problem.models import KnownError, Problem

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
"""How often the background thread looks for changes (three aggregates when there are none)."""
REFRESH_MARGIN = timedelta(minutes=5)
STOP_SECONDS = 5.0


class IndexNotReady(Exception):
    """The index has not been built yet: its first build is under way."""


@dataclass(frozen=True)
class Version:
    """What an index was built from, cheap to read: it changes with every stored change."""

    incidents_changed: datetime | None  # the newest incident ``updated_at``
    incidents: int
    others: tuple[Any, ...]  # problems, known errors, same-cause verdicts, the catalog


def read_version(session: Session) -> Version:
    """The version of the data that ``session`` sees."""
    changed, count = session.execute(
        select(func.max(Incident.updated_at), func.count(Incident.id))
    ).one()
    others = (
        session.scalar(select(func.max(Problem.updated_at))),
        *session.execute(select(func.max(KnownError.updated_at), func.count(KnownError.id))).one(),
        *session.execute(
            select(func.max(SimilarityFeedback.created_at), func.count())
            .select_from(SimilarityFeedback)
            .where(SimilarityFeedback.verdict == SAME_CAUSE)
        ).one(),
        catalog_names(session),
    )
    return Version(changed, count, others)


Stamps = dict[int, datetime]
"""The ``updated_at`` of each incident changed within the look-back margin, as last read."""


@dataclass
class _Held:
    index: SimilarityIndex
    version: Version
    stamps: Stamps


@dataclass(frozen=True)
class _Changes:
    """What a refresh read from the database: everything to build from, or the incidents
    changed since the last refresh with their documents now (a missing one left the index)."""

    version: Version
    stamps: Stamps
    corpus: list[Document] | None = None
    names: tuple[str, ...] = ()
    changed: tuple[int, ...] = ()
    fresh: tuple[Document, ...] = ()


def _stamps(session: Session, since: Version) -> Stamps:
    """The stamps of the incidents changed since ``since`` less the look-back margin."""
    query = select(Incident.id, Incident.updated_at)
    if since.incidents_changed is not None:
        query = query.where(Incident.updated_at >= since.incidents_changed - REFRESH_MARGIN)
    return dict(session.execute(query).all())


class IndexKeeper:
    """The similarity index of ``db``: built and refreshed outside requests, read by them."""

    def __init__(
        self,
        db: Database,
        *,
        embedder: Embedder | None = None,
        every: float = REFRESH_SECONDS,
    ) -> None:
        self.db = db
        self.embedder = embedder
        self.every = every
        self.builds = 0  # how many times the index was built from scratch
        self._held: _Held | None = None
        self._index_lock = threading.Lock()  # readers against changes to the held index
        self._refresh_lock = threading.Lock()  # one refresh at a time
        self._built = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- readers ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the first build is done (from then on there is always an index to read)."""
        return self._built.is_set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for the first build; returns whether it is done."""
        return self._built.wait(timeout)

    def search(
        self, query: Query, *, k: int, exclude_ids: tuple[DocumentId, ...] = ()
    ) -> list[Match]:
        """The ``k`` indexed documents most like ``query``, from the index as it is now.

        Never builds or refreshes; raises :class:`IndexNotReady` before the first build.
        """
        with self._index_lock:
            if self._held is None:
                raise IndexNotReady("similar incidents are being indexed; try again shortly")
            return self._held.index.search(query, k=k, exclude_ids=exclude_ids)

    def __contains__(self, document_id: object) -> bool:
        with self._index_lock:
            return self._held is not None and document_id in self._held.index

    # --- the refresher ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Bring the index up to date with the database now, in the caller's thread.

        Builds the index if it was never built, adds and removes the incidents changed since
        the last refresh, and rebuilds it when problems or known errors changed (rarely).
        Waits for a refresh running in another thread, except for the first build: while
        another thread builds the index for the first time it raises :class:`IndexNotReady`
        at once (a job is retried later rather than holding a worker slot).

        It reads the database in a short read transaction of its own, which ends before the
        index is built. Call it outside any write transaction: on SQLite a write transaction
        holds the write lock, and a read waits for nothing, but a caller holding the lock
        while waiting for another thread's refresh serialises the two needlessly.
        """
        if self._built.is_set():
            self._refresh_lock.acquire()
        elif not self._refresh_lock.acquire(blocking=False):
            raise IndexNotReady("similar incidents are being indexed; try again shortly")
        try:
            with self.db.session(write=False) as session:
                changes = self._read_changes(session)
            self._apply(changes)
        finally:
            self._refresh_lock.release()

    def _read_changes(self, session: Session) -> _Changes:
        version = read_version(session)
        held = self._held
        if (
            held is None
            or held.version.others != version.others  # root causes, known errors: rarely
            or version.incidents < held.version.incidents  # deleted: no row says which
        ):
            corpus = documents(session) + known_error_documents(session)
            names = version.others[-1]
            return _Changes(version, _stamps(session, version), corpus=corpus, names=names)
        if version == held.version:
            return _Changes(version, held.stamps)
        # A transaction that stamped updated_at earlier may commit after one that stamped it
        # later: look back a margin, so that its incident is not skipped. Of the incidents
        # in that margin only those whose stamp moved since the last read are read again.
        stamps = _stamps(session, held.version)
        changed = tuple(i for i, stamp in stamps.items() if held.stamps.get(i) != stamp)
        fresh = tuple(documents(session, changed)) if changed else ()
        return _Changes(version, stamps, changed=changed, fresh=fresh)

    def _apply(self, changes: _Changes) -> None:
        if changes.corpus is not None:
            started = time.monotonic()
            index = SimilarityIndex.build(
                changes.corpus, analyzer=Analyzer(names=changes.names), embedder=self.embedder
            )
            with self._index_lock:
                self._held = _Held(index, changes.version, changes.stamps)
                self.builds += 1
            self._built.set()
            log.info(
                "similarity index built: %d documents in %.1f s",
                len(index),
                time.monotonic() - started,
            )
            return
        held = self._held
        assert held is not None  # only a build is planned before the first build
        fresh = {document.id: document for document in changes.fresh}
        with self._index_lock:
            for incident_id in changes.changed:
                if incident_id in fresh:
                    held.index.add(fresh[incident_id])
                else:
                    held.index.remove(incident_id)  # declined, merged or canceled since
            held.version = changes.version
            held.stamps = changes.stamps

    # --- the background thread -------------------------------------------------------------

    def start(self) -> None:
        """Build the index in a background thread, then refresh it every ``every`` seconds
        until :meth:`stop`. A keeper starts once."""
        if self._thread is not None or self._stop.is_set():
            raise RuntimeError("the similarity index keeper was already started")
        self._thread = threading.Thread(target=self._run, name="similarity-index", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = STOP_SECONDS) -> bool:
        """Stop the background thread; returns whether it ended within ``timeout`` seconds.

        A build under way cannot be interrupted: the thread is a daemon and ends after it.
        """
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def running(self) -> bool:
        """Whether the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except IndexNotReady:
                log.debug("similarity index: first build under way in another thread")
            except Exception:
                # A database that is briefly away must not end the thread: try again later.
                log.exception("similarity index: refresh failed; trying again shortly")
            self._stop.wait(self.every)
