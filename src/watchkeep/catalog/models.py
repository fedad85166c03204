from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.auth.models import User
from watchkeep.core.db import Base
from watchkeep.core.types import BigId, UTCDateTime

team_member = Table(
    "team_member",
    Base.metadata,
    Column("team_id", BigId, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigId, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[User]] = relationship(secondary=team_member, order_by=User.name)


service_dependency = Table(
    "service_dependency",
    Base.metadata,
    Column("service_id", BigId, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", BigId, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)
"""Service ``service_id`` depends on service ``depends_on_id`` (it calls it, runs on it)."""

SERVICE_KINDS = ("internal", "platform", "third_party")
"""Ours; a platform component others run on (a database, a cluster); a vendor's."""


class Service(Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_team_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="internal", server_default="internal")
    runbook: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The runbook as Markdown."""
    runbook_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner_team: Mapped[Team | None] = relationship(lazy="joined")
    depends_on: Mapped[list["Service"]] = relationship(
        secondary=service_dependency,
        primaryjoin=lambda: Service.id == service_dependency.c.service_id,
        secondaryjoin=lambda: Service.id == service_dependency.c.depends_on_id,
        order_by=lambda: Service.name,
        lazy="selectin",
        # Service to service: without a depth, each one's dependencies would be a query.
        join_depth=1,
    )
