from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeep.core.db import Base
from watchkeep.core.types import JSONValue


class CustomField(Base):
    __tablename__ = "custom_field"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    required_at_declare: Mapped[bool] = mapped_column(default=False)
    rank: Mapped[int] = mapped_column(default=0)


class CustomFieldValue(Base):
    __tablename__ = "custom_field_value"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), primary_key=True
    )
    field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_field.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSONValue)

    field: Mapped[CustomField] = relationship(lazy="joined")
