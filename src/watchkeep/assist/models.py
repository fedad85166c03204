"""What responders said about the similar incidents shown to them, and the stored similarity
index: each indexed incident and known error analysed, with the statistics that scoring needs.

The stored index is derived data, written only by the indexer (``assist/indexer.py``). Its
full-text structures are database-specific and created by migration 0011 alone, outside
these models: on SQLite the FTS5 table ``similarity_search`` (kept in step with
``similarity_document`` by triggers), on PostgreSQL the generated ``tsvector`` column
``similarity_document.search`` with its GIN index. They are listed in ``SEARCH_STRUCTURES``.
"""

from datetime import datetime
from typing import Any, Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeep.core.db import Base
from watchkeep.core.types import BigId, JSONValue, UTCDateTime

NOT_SIMILAR: Final = "not_similar"
SAME_CAUSE: Final = "same_cause"
VERDICTS = (NOT_SIMILAR, SAME_CAUSE)


class SimilarityFeedback(Base):
    """A responder's verdict on a pair of incidents: not alike, or the same cause.

    The pair is symmetric, so it is stored once, the lower incident id first; a new verdict
    on the pair replaces the old one.
    """

    __tablename__ = "similarity_feedback"
    __table_args__ = (
        CheckConstraint("incident_id < other_incident_id", name="ordered_pair"),
        CheckConstraint(f"verdict IN {VERDICTS!r}", name="verdict"),
        Index("ix_similarity_feedback_other_incident_id", "other_incident_id"),
    )

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    other_incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    verdict: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


SEARCH_STRUCTURES: Final = (
    "similarity_search",
    "similarity_document.search",
    "ix_similarity_document_search",
)
"""Full-text structures that migration 0011 creates outside the models, per database: the
tables whose name starts with the first, the column named by the second, the index."""

TERM_FIELDS: Final = ("title", "summary", "root_cause", "updates", "alerts")
"""The analysed fields of a document, as the ranking names them."""


class SimilarityDocument(Base):
    """One indexed item, analysed: a past or live incident, or an active known error.

    Each term field holds the analyser's terms of that field, space-joined (concepts are
    written ``~oom``); ``signals`` holds tokens for the structured evidence (``#svc:<name>``,
    ``#alert:<name>``, ``#fp:<fingerprint>``) so that one full-text query also finds what
    shares a service, an alert or a fingerprint. ``stamp`` is the source's ``updated_at`` when
    it was indexed: the indexer compares it to find what changed.
    """

    __tablename__ = "similarity_document"
    __table_args__ = (
        CheckConstraint("(incident_id IS NULL) <> (known_error_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(BigId, unique=True)
    known_error_id: Mapped[int | None] = mapped_column(BigId, unique=True)
    stamp: Mapped[datetime | None] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    updates: Mapped[str] = mapped_column(Text, default="")
    alerts: Mapped[str] = mapped_column(Text, default="")
    signals: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(Text, default="{}")
    """What re-ranking reads of it, as JSON text (one value to read and decode per candidate):
    ``f``, each term field's term counts; ``s``, its services; ``a``, its alert names; ``l``,
    its alert labels; ``g``, its groups."""
    fingerprint: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    groups: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    vector: Mapped[list[float] | None] = mapped_column(JSONValue)
    """The unit embedding of its prose, when the similarity method has an embedder."""


class SimilarityTerm(Base):
    """How many indexed documents have a term (in any field): its document frequency."""

    __tablename__ = "similarity_term"

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    df: Mapped[int] = mapped_column(Integer)


STATE_ID: Final = 1


class SimilarityState(Base):
    """The one row of the stored index's bookkeeping: its size and field lengths (for BM25's
    averages), how far the indexer has followed the changes, and the catalog names its
    documents were analysed with. Its row lock lets one indexer run at a time."""

    __tablename__ = "similarity_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    documents: Mapped[int] = mapped_column(Integer, default=0)
    lengths: Mapped[dict[str, int]] = mapped_column(JSONValue, default=dict)
    """The total number of terms of each field over all documents."""
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """The newest incident ``updated_at`` indexed."""
    versions: Mapped[dict[str, Any]] = mapped_column(JSONValue, default=dict)
    """What the problems, known errors and same-cause verdicts looked like when last read."""
    names: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    """The catalog's names the analyser leaves out, as documents are (being) analysed with."""
    reanalysed_to: Mapped[int | None] = mapped_column(BigId)
    """While the catalog's names changed: the last document id analysed again with them."""


CONFIRMED: Final = "confirmed"
RULED_OUT: Final = "ruled_out"
HYPOTHESIS_VERDICTS = (CONFIRMED, RULED_OUT)


class StoredInvestigation(Base):
    """An investigation of an incident, as its answer was: the latest is shown on the page."""

    __tablename__ = "investigation"
    __table_args__ = (Index("ix_investigation_incident_created", "incident_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incident.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(40))
    """What started it: declared, alert, change, summary, or request."""
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    top: Mapped[str | None] = mapped_column(String(400))
    """The key of its best hypothesis, when it had a strong one."""
    result: Mapped[dict[str, Any]] = mapped_column(JSONValue)
    """The answer as the API gives it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HypothesisVerdict(Base):
    """A responder's verdict on a hypothesis about an incident's cause: confirmed or ruled
    out. Kept by the hypothesis's key (``change:CHG-12``), so it holds in every later
    investigation; a new verdict replaces the old."""

    __tablename__ = "investigation_verdict"
    __table_args__ = (CheckConstraint(f"verdict IN {HYPOTHESIS_VERDICTS!r}", name="verdict"),)

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
