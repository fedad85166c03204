"""login throttling; a first status update time per severity

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeep.core.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failure_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("locked_until", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("severity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_minutes", sa.Integer(), nullable=True))
    # The default severities get the default times; others keep the setting's default.
    severity = sa.table("severity", sa.column("name", sa.String), sa.column("update_minutes"))
    for name, minutes in (("SEV1", 15), ("SEV2", 30), ("SEV3", 60), ("SEV4", 120)):
        op.execute(severity.update().where(severity.c.name == name).values(update_minutes=minutes))


def downgrade() -> None:
    with op.batch_alter_table("severity", schema=None) as batch_op:
        batch_op.drop_column("update_minutes")
    op.drop_table("login_throttle")
