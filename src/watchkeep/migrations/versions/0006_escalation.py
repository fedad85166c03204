"""escalation policies, runs and pages; the signing keys; a policy per route and source

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:12:32.749857
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import watchkeep.core.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("purpose", name=op.f("pk_signing_key")),
    )
    op.create_table(
        "escalation_policy",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "levels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("ack_mode", sa.String(length=10), nullable=False),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_escalation_policy_team_id_team"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_policy")),
        sa.UniqueConstraint("name", name=op.f("uq_escalation_policy_name")),
    )
    op.create_table(
        "escalation_run",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("policy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("next_step_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "ended_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "history",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_escalation_run_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_escalation_run_ended_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policy.id"],
            name=op.f("fk_escalation_run_policy_id_escalation_policy"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_run")),
        sa.UniqueConstraint("alert_id", name=op.f("uq_escalation_run_alert_id")),
    )
    with op.batch_alter_table("escalation_run", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_run_state", ["state"], unique=False)

    op.create_table(
        "escalation_page",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=100), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "acknowledged_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("sender_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_escalation_page_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["escalation_run.id"],
            name=op.f("fk_escalation_page_run_id_escalation_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["user_account.id"],
            name=op.f("fk_escalation_page_sender_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_escalation_page_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_page")),
        sa.UniqueConstraint("run_id", "cycle", "level", "user_id", name="uq_escalation_page_step"),
    )
    with op.batch_alter_table("escalation_page", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_page_alert", ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_page_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_page_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("alert_route", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "escalation_policy_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_route_escalation_policy_id_escalation_policy"),
            "escalation_policy",
            ["escalation_policy_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("alert_source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "escalation_policy_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_source_escalation_policy_id_escalation_policy"),
            "escalation_policy",
            ["escalation_policy_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_source", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_alert_source_escalation_policy_id_escalation_policy"), type_="foreignkey"
        )
        batch_op.drop_column("escalation_policy_id")

    with op.batch_alter_table("alert_route", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_alert_route_escalation_policy_id_escalation_policy"), type_="foreignkey"
        )
        batch_op.drop_column("escalation_policy_id")

    with op.batch_alter_table("escalation_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_page_user_id"))
        batch_op.drop_index(batch_op.f("ix_escalation_page_run_id"))
        batch_op.drop_index("ix_escalation_page_alert")

    op.drop_table("escalation_page")
    with op.batch_alter_table("escalation_run", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_run_state")

    op.drop_table("escalation_run")
    op.drop_table("escalation_policy")
    op.drop_table("signing_key")
