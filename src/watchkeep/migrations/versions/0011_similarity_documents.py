"""the stored similarity index: analysed documents, term frequencies, state, full-text search

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import watchkeep.core.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TERM_COLUMNS = "title, summary, root_cause, updates, alerts, signals"

# SQLite: an FTS5 index over the term fields, its content read from similarity_document and
# kept in step by triggers. Terms are space-separated and keep their punctuation whole
# (`~oom`, `checkout-api`, `svc:checkout`); they are lower case and ASCII already. Note that
# a later batch migration that recreates similarity_document must recreate the triggers.
SQLITE_SEARCH = [
    f"""CREATE VIRTUAL TABLE similarity_search USING fts5({TERM_COLUMNS},
        content='similarity_document', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '~-._:/%#'")""",
    f"""CREATE TRIGGER similarity_document_ai AFTER INSERT ON similarity_document BEGIN
        INSERT INTO similarity_search(rowid, {TERM_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.root_cause, new.updates, new.alerts,
                new.signals);
    END""",
    f"""CREATE TRIGGER similarity_document_ad AFTER DELETE ON similarity_document BEGIN
        INSERT INTO similarity_search(similarity_search, rowid, {TERM_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.root_cause, old.updates,
                old.alerts, old.signals);
    END""",
    f"""CREATE TRIGGER similarity_document_au AFTER UPDATE OF {TERM_COLUMNS}
        ON similarity_document BEGIN
        INSERT INTO similarity_search(similarity_search, rowid, {TERM_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.root_cause, old.updates,
                old.alerts, old.signals);
        INSERT INTO similarity_search(rowid, {TERM_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.root_cause, new.updates, new.alerts,
                new.signals);
    END""",
]

# PostgreSQL: every term and signal token of a document as one tsvector, generated from the
# stored terms (array_to_tsvector keeps lexemes as given, no parsing), under a GIN index.
# Lexemes without positions carry no weight, so fields are not told apart here: the first
# stage ranks by the query terms' idf, and the re-ranking weighs the fields.
POSTGRESQL_SEARCH = [
    """ALTER TABLE similarity_document ADD COLUMN search tsvector GENERATED ALWAYS AS (
        array_to_tsvector(array_remove(string_to_array(
            title || ' ' || summary || ' ' || root_cause || ' ' || updates || ' ' || alerts
            || ' ' || signals, ' '), ''))
    ) STORED""",
    "CREATE INDEX ix_similarity_document_search ON similarity_document USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "similarity_document",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=True),
        sa.Column("known_error_id", BIG_ID, nullable=True),
        sa.Column("stamp", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("updates", sa.Text(), nullable=False),
        sa.Column("alerts", sa.Text(), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=True),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("groups", JSON, nullable=False),
        sa.Column("vector", JSON, nullable=True),
        sa.CheckConstraint(
            "(incident_id IS NULL) <> (known_error_id IS NULL)",
            name=op.f("ck_similarity_document_one_source"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_document")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_similarity_document_incident_id")),
        sa.UniqueConstraint("known_error_id", name=op.f("uq_similarity_document_known_error_id")),
    )
    op.create_table(
        "similarity_term",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_similarity_term")),
    )
    op.create_table(
        "similarity_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("lengths", JSON, nullable=False),
        sa.Column("watermark", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("versions", JSON, nullable=False),
        sa.Column("names", JSON, nullable=False),
        sa.Column("reanalysed_to", BIG_ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_state")),
    )
    op.execute(
        "INSERT INTO similarity_state (id, documents, lengths, versions, names)"
        " VALUES (1, 0, '{}', '{}', '[]')"
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_updated_at", ["updated_at"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRESQL_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE similarity_search")  # its triggers go with similarity_document
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_updated_at")
    op.drop_table("similarity_state")
    op.drop_table("similarity_term")
    op.drop_table("similarity_document")
