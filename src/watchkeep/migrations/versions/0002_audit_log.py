"""audit log of configuration changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import watchkeep.core.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit on PostgreSQL; on SQLite only a plain INTEGER primary key is the (64-bit) row id.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_record",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("occurred_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        # No foreign key: the log keeps naming a user whose row is deleted later.
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", BIG_ID, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_record")),
    )
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.create_index("ix_audit_record_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_record_action", ["action"], unique=False)
        batch_op.create_index(
            "ix_audit_record_subject", ["subject_type", "subject_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_record", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_record_subject")
        batch_op.drop_index("ix_audit_record_action")
        batch_op.drop_index("ix_audit_record_occurred_at")

    op.drop_table("audit_record")
