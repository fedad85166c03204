"""64-bit ids, foreign keys and reference numbers on PostgreSQL

SQLite's INTEGER is already 64-bit (and an ``INTEGER PRIMARY KEY`` column must stay exactly
that to remain the row id), so only PostgreSQL's columns and id sequences change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 23:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: dict[str, tuple[str, ...]] = {
    "audit_record": ("actor_id",),
    "counter": ("value",),
    "custom_field": ("id",),
    "incident_role_type": ("id",),
    "incident_type": ("id",),
    "job": ("id",),
    "severity": ("id",),
    "team": ("id",),
    "user_account": ("id",),
    "api_token": ("id", "user_id"),
    "incident": ("id", "number", "severity_id", "type_id", "reporter_id", "merged_into_id"),
    "problem": ("id", "number", "owner_id", "team_id", "created_by_id"),
    "schedule": ("id", "team_id"),
    "service": ("id", "owner_team_id"),
    "team_member": ("team_id", "user_id"),
    "user_feed": ("id", "user_id"),
    "web_session": ("id", "user_id"),
    "custom_field_value": ("incident_id", "field_id"),
    "follow_up": ("id", "incident_id", "problem_id", "owner_id"),
    "incident_participant": ("incident_id", "user_id"),
    "incident_role_assignment": ("id", "incident_id", "role_type_id", "user_id"),
    "incident_service": ("incident_id", "service_id"),
    "known_error": ("id", "number", "problem_id"),
    "problem_candidate": ("id", "problem_id", "decided_by_id"),
    "problem_event": ("id", "problem_id", "actor_id"),
    "problem_factor": ("id", "problem_id"),
    "problem_incident": ("problem_id", "incident_id", "linked_by_id"),
    "problem_service": ("problem_id", "service_id"),
    "problem_why": ("id", "problem_id"),
    "schedule_layer": ("id", "schedule_id"),
    "schedule_override": ("id", "schedule_id", "user_id", "created_by"),
    "schedule_shift": ("id", "schedule_id"),
    "status_update": ("id", "incident_id", "author_id"),
    "timeline_entry": ("id", "incident_id", "actor_id"),
    "known_error_match": ("incident_id", "known_error_id"),
    "timeline_edit": ("id", "entry_id", "editor_id"),
}
"""Each table's id, foreign-key and reference-number columns."""


def _retype(to: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        altered = ", ".join(f'ALTER COLUMN "{column}" TYPE {to}' for column in columns)
        op.execute(f'ALTER TABLE "{table}" {altered}')
        if "id" in columns:
            sequence = bind.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}
            ).scalar()
            if sequence:
                op.execute(f"ALTER SEQUENCE {sequence} AS {to}")


def upgrade() -> None:
    _retype("BIGINT")


def downgrade() -> None:
    _retype("INTEGER")
