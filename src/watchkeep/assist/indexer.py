"""Keeping the stored similarity index in step with the database.

Whoever changes an incident does not index it: the indexer follows the changes afterwards,
so a declaration never waits on the index's shared rows (the term frequencies). One step,
:func:`refresh`, runs in the caller's write transaction under the row lock of
``similarity_state`` (one indexer at a time; on SQLite every write transaction is alone
anyway) and does a bounded amount of work:

- incidents changed since the watermark, by ``updated_at`` then id, up to a batch: indexed
  again, or removed when declined, merged or canceled. Each document keeps the ``updated_at``
  it was indexed at, so incidents changed within `MARGIN` before the watermark are compared
  again: a transaction that stamped its change earlier but committed later is not skipped;
- known errors, when any changed (they are few): all indexed again;
- problems changed since last read (their root causes and links are in their incidents'
  documents), and same-cause verdicts when any changed: the incidents they touch, before and
  after, indexed again;
- once caught up, incidents missing from the index or deleted from the database, when the
  counts say there are any;
- when the catalog's names changed (the analyser leaves them out of the text), the documents
  analysed with the old names, a batch per step, until all are analysed again.

:func:`catch_up` runs steps, each in a transaction of its own, until nothing is left or its
time is up. The worker runs it periodically, jobs that need fresh data run it first. The
documents and the statistics are written by `writer.IndexWriter`.
"""

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from watchkeep.assist.corpus import (
    DISCARDED,
    KNOWN_ERROR_PREFIX,
    catalog_names,
    known_error_documents,
)
from watchkeep.assist.models import (
    SAME_CAUSE,
    STATE_ID,
    SimilarityDocument,
    SimilarityFeedback,
    SimilarityState,
)
from watchkeep.assist.similarity import Embedder
from watchkeep.assist.store import ranker_for
from watchkeep.assist.writer import BATCH, IndexWriter, Step
from watchkeep.core.db import Database
from watchkeep.incident.models import Incident
from watchkeep.problem.models import KnownError, Problem, ProblemIncident

_DOCUMENT = SimilarityDocument

MARGIN = timedelta(minutes=5)
"""How far before the watermark changes are compared again (late commits)."""
CATCH_UP_SECONDS = 20.0


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def refresh(session: Session, *, embedder: Embedder | None = None, batch: int = BATCH) -> Step:
    """One step of keeping the stored index in step (see the module docstring), in
    ``session``'s write transaction; the caller commits."""
    state = session.scalars(
        select(SimilarityState).where(SimilarityState.id == STATE_ID).with_for_update()
    ).one()
    names = catalog_names(session)
    if list(names) != list(state.names):
        until = session.scalar(select(func.max(_DOCUMENT.id)))
        state.names = list(names)
        state.reanalysed_to = 0 if until else None
        state.versions = {**state.versions, "reanalyse_until": until, "known_errors": None}
    writer = IndexWriter(session, ranker_for(tuple(names)), embedder)
    more = _follow_incidents(session, state, writer, batch)
    _follow_others(session, state, writer)
    if not more:
        more = _reconcile(session, writer, batch)
    more = _reanalyse(session, state, writer, batch) or more
    writer.finish(state)
    writer.step.more = more
    return writer.step


LOOK_BACK_ROWS = 5_000
"""The most incidents within `MARGIN` before the watermark compared again per step."""


def _stale(session: Session, rows: Sequence[Any]) -> list[int]:
    """Those of ``rows`` (id, updated_at, status) whose document is missing, stale or no
    longer wanted."""
    ids = [row.id for row in rows]
    stamps = dict(
        session.execute(
            select(_DOCUMENT.incident_id, _DOCUMENT.stamp).where(_DOCUMENT.incident_id.in_(ids))
        ).all()
    )
    stale = []
    for row in rows:
        discarded = row.status in DISCARDED
        if row.id not in stamps:
            if not discarded:
                stale.append(row.id)
        elif discarded or stamps[row.id] != row.updated_at:
            stale.append(row.id)
    return stale


def _follow_incidents(
    session: Session, state: SimilarityState, writer: IndexWriter, batch: int
) -> bool:
    """Index the incidents changed since the watermark; whether more are left.

    Incidents are read along the ``updated_at`` index from the watermark (a keyset, never
    the whole table) and compared with their documents' stamps by id."""
    scan = select(Incident.id, Incident.updated_at, Incident.status)
    watermark, after = state.watermark, state.versions.get("after_id", 0)
    behind: list[Any] = []
    if watermark is not None:
        behind = list(  # late commits just before the watermark, the latest first
            session.execute(
                scan.where(
                    Incident.updated_at >= watermark - MARGIN,
                    or_(
                        Incident.updated_at < watermark,
                        and_(Incident.updated_at == watermark, Incident.id <= after),
                    ),
                )
                .order_by(Incident.updated_at.desc(), Incident.id.desc())
                .limit(LOOK_BACK_ROWS)
            )
        )
        scan = scan.where(
            or_(
                Incident.updated_at > watermark,
                and_(Incident.updated_at == watermark, Incident.id > after),
            )
        )
    ahead = session.execute(scan.order_by(Incident.updated_at, Incident.id).limit(batch)).all()
    writer.reindex([*_stale(session, behind), *_stale(session, ahead)])
    if ahead:
        state.watermark = ahead[-1].updated_at
        state.versions = {**state.versions, "after_id": ahead[-1].id}
    return len(ahead) >= batch


def _follow_others(session: Session, state: SimilarityState, writer: IndexWriter) -> None:
    """Known errors, problems and same-cause verdicts changed since last read."""
    versions = dict(state.versions)
    changed, count = session.execute(
        select(func.max(KnownError.updated_at), func.count(KnownError.id))
    ).one()
    known = [_stamp(changed), count]
    if versions.get("known_errors") != known:
        writer.remove(_DOCUMENT.known_error_id.is_not(None))
        stamps = dict(session.execute(select(KnownError.id, KnownError.updated_at)).all())
        items = []
        for document in known_error_documents(session):
            key = int(str(document.id).removeprefix(KNOWN_ERROR_PREFIX))
            items.append((document, {"known_error_id": key, "stamp": stamps[key]}))
        writer.add(items)
        versions["known_errors"] = known
    newest = session.scalar(select(func.max(Problem.updated_at)))
    since = versions.get("problems")
    if newest is not None and _stamp(newest) != since:
        # The first time, the incidents are all being indexed with their problems anyway.
        if since is not None:
            problems = list(
                session.scalars(
                    select(Problem.id).where(Problem.updated_at > datetime.fromisoformat(since))
                )
            )
            touched = set(
                session.scalars(
                    select(ProblemIncident.incident_id).where(
                        ProblemIncident.problem_id.in_(problems)
                    )
                )
            )
            for problem_id in problems:
                touched |= _grouped(session, f'"problem:{problem_id}"')
            writer.reindex(touched)
        versions["problems"] = _stamp(newest)
    verdicts = session.execute(
        select(func.max(SimilarityFeedback.created_at), func.count())
        .select_from(SimilarityFeedback)
        .where(SimilarityFeedback.verdict == SAME_CAUSE)
    ).one()
    feedback = [_stamp(verdicts[0]), verdicts[1]]
    if versions.get("feedback", [None, 0]) != feedback:
        touched = _grouped(session, '"same-cause:')
        for low, high in session.execute(
            select(SimilarityFeedback.incident_id, SimilarityFeedback.other_incident_id).where(
                SimilarityFeedback.verdict == SAME_CAUSE
            )
        ):
            touched |= {low, high}
        writer.reindex(touched)
        versions["feedback"] = feedback
    if versions != state.versions:
        state.versions = versions


def _grouped(session: Session, fragment: str) -> set[int]:
    """Incidents whose document's groups contain ``fragment`` (as stored, JSON text)."""
    return {
        incident_id
        for incident_id in session.scalars(
            select(_DOCUMENT.incident_id).where(
                _DOCUMENT.incident_id.is_not(None),
                cast(_DOCUMENT.groups, Text).like(f"%{fragment}%"),
            )
        )
        if incident_id is not None
    }


def _reconcile(session: Session, writer: IndexWriter, batch: int) -> bool:
    """Incidents missing from the index, documents of deleted ones: whether more are left."""
    wanted = session.scalar(
        select(func.count(Incident.id)).where(Incident.status.not_in(DISCARDED))
    )
    held = session.scalar(
        select(func.count(_DOCUMENT.id)).where(_DOCUMENT.incident_id.is_not(None))
    )
    if wanted == held:
        return False
    gone = select(_DOCUMENT.id).where(
        _DOCUMENT.incident_id.is_not(None),
        ~select(Incident.id)
        .where(Incident.id == _DOCUMENT.incident_id, Incident.status.not_in(DISCARDED))
        .exists(),
    )
    orphans = list(session.scalars(gone.limit(batch)))
    writer.remove(_DOCUMENT.id.in_(orphans))
    missing = list(
        session.scalars(
            select(Incident.id)
            .outerjoin(_DOCUMENT, _DOCUMENT.incident_id == Incident.id)
            .where(_DOCUMENT.id.is_(None), Incident.status.not_in(DISCARDED))
            .limit(batch)
        )
    )
    writer.reindex(missing)
    return len(orphans) >= batch or len(missing) >= batch


def _reanalyse(session: Session, state: SimilarityState, writer: IndexWriter, batch: int) -> bool:
    """Analyse a batch of documents again with the catalog's new names; whether more are left."""
    if state.reanalysed_to is None:
        return False
    until = state.versions.get("reanalyse_until") or 0
    rows = session.execute(
        select(_DOCUMENT.id, _DOCUMENT.incident_id)
        .where(_DOCUMENT.id > state.reanalysed_to, _DOCUMENT.id <= until)
        .order_by(_DOCUMENT.id)
        .limit(batch)
    ).all()
    writer.reindex(row.incident_id for row in rows if row.incident_id is not None)
    if len(rows) < batch:
        state.reanalysed_to = None
        return False
    state.reanalysed_to = rows[-1].id
    return True


def catch_up(
    db: Database, *, embedder: Embedder | None = None, seconds: float = CATCH_UP_SECONDS
) -> Step:
    """Run steps, each in a write transaction of its own, until nothing is left or
    ``seconds`` have passed; returns what they did together. Call it outside any transaction
    of the caller's (on SQLite a transaction holds the write lock the steps need)."""
    total = Step()
    deadline = time.monotonic() + seconds
    while True:
        with db.session() as session:
            step = refresh(session, embedder=embedder)
        total.indexed += step.indexed
        total.removed += step.removed
        total.more = step.more
        if not step.more or time.monotonic() >= deadline:
            return total
