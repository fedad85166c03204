"""alert sources, raw payloads, alerts, routes, silences, change events; incident labels

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 08:57:46.095977
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import watchkeep.core.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_route",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "source_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "matchers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "severities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("declare_incident", sa.Boolean(), nullable=False),
        sa.Column(
            "severity_map",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "incident_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "group_by",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("group_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_type_id"],
            ["incident_type.id"],
            name=op.f("fk_alert_route_incident_type_id_incident_type"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_route")),
    )
    op.create_table(
        "alert_silence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "matchers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "source_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("starts_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_alert_silence_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_silence")),
    )
    with op.batch_alter_table("alert_silence", schema=None) as batch_op:
        batch_op.create_index("ix_alert_silence_ends", ["ends_at"], unique=False)

    op.create_table(
        "alert_source",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("integration_key", sa.String(length=64), nullable=False),
        sa.Column(
            "service_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("heartbeat_seconds", sa.Integer(), nullable=True),
        sa.Column("grace_seconds", sa.Integer(), nullable=False),
        sa.Column("last_event_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("key_rotated_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_alert_source_service_id_service"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_source")),
        sa.UniqueConstraint("integration_key", name=op.f("uq_alert_source_integration_key")),
        sa.UniqueConstraint("name", name=op.f("uq_alert_source_name")),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "annotations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("group_key", sa.Text(), nullable=True),
        sa.Column("starts_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "acknowledged_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "acknowledged_by_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("resolved_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "resolved_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("route_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "silence_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("incident_group", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_alert_acknowledged_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name=op.f("fk_alert_incident_id_incident"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user_account.id"],
            name=op.f("fk_alert_resolved_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["alert_route.id"],
            name=op.f("fk_alert_route_id_alert_route"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["silence_id"],
            ["alert_silence.id"],
            name=op.f("fk_alert_silence_id_alert_silence"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["alert_source.id"],
            name=op.f("fk_alert_source_id_alert_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_route_group", ["route_id", "incident_group", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alert_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index("ix_alert_source_key", ["source_id", "dedup_key"], unique=False)
        batch_op.create_index("ix_alert_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(
            "uq_alert_open_key",
            ["source_id", "dedup_key"],
            unique=True,
            postgresql_where=sa.text("status <> 'resolved'"),
            sqlite_where=sa.text("status <> 'resolved'"),
        )

    op.create_table(
        "alert_payload",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["alert_source.id"],
            name=op.f("fk_alert_payload_source_id_alert_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_payload")),
    )
    with op.batch_alter_table("alert_payload", schema=None) as batch_op:
        batch_op.create_index(
            "ix_alert_payload_source_received", ["source_id", "received_at"], unique=False
        )

    op.create_table(
        "alert_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "payload_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("alert_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("actor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("occurred_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_alert_event_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
            name=op.f("fk_alert_event_alert_id_alert"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payload_id"],
            ["alert_payload.id"],
            name=op.f("fk_alert_event_payload_id_alert_payload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
    )
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.create_index("ix_alert_event_alert", ["alert_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_event_payload_id"), ["payload_id"], unique=False)

    op.create_table(
        "change_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "source_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "payload_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "service_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("occurred_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", watchkeep.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payload_id"],
            ["alert_payload.id"],
            name=op.f("fk_change_event_payload_id_alert_payload"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_change_event_service_id_service"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["alert_source.id"],
            name=op.f("fk_change_event_source_id_alert_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_event")),
    )
    with op.batch_alter_table("change_event", schema=None) as batch_op:
        batch_op.create_index("ix_change_event_occurred", ["occurred_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_change_event_service_id"), ["service_id"], unique=False
        )

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "labels",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
                nullable=False,
                server_default="{}",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_column("labels")

    with op.batch_alter_table("change_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_event_service_id"))
        batch_op.drop_index("ix_change_event_occurred")

    op.drop_table("change_event")
    with op.batch_alter_table("alert_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_event_payload_id"))
        batch_op.drop_index("ix_alert_event_alert")

    op.drop_table("alert_event")
    with op.batch_alter_table("alert_payload", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_payload_source_received")

    op.drop_table("alert_payload")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_alert_open_key",
            postgresql_where=sa.text("status <> 'resolved'"),
            sqlite_where=sa.text("status <> 'resolved'"),
        )
        batch_op.drop_index("ix_alert_status_created")
        batch_op.drop_index("ix_alert_source_key")
        batch_op.drop_index(batch_op.f("ix_alert_incident_id"))
        batch_op.drop_index("ix_alert_route_group")

    op.drop_table("alert")
    op.drop_table("alert_source")
    with op.batch_alter_table("alert_silence", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_silence_ends")

    op.drop_table("alert_silence")
    op.drop_table("alert_route")
