"""API bodies of the auth domain."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from watchkeep.auth.models import ApiToken, AuditRecord, User
from watchkeep.core.actor import Role
from watchkeep.core.limits import Input, Name, Word


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    timezone: str
    is_active: bool


MAX_PASSWORD = 1000  # argon2 hashes any length; a bound keeps a request from costing more


class UserIn(Input):
    email: str = Field(min_length=3, max_length=254)
    name: Name
    role: Word = "responder"
    password: str | None = Field(None, min_length=8, max_length=MAX_PASSWORD)
    timezone: Word = Field("UTC", description="IANA time zone, such as Europe/London")


class ProfileIn(Input):
    """Your own name and time zone; a field left out stays as it is."""

    name: Name | None = None
    timezone: str | None = Field(None, min_length=1, max_length=64, description="IANA name")


class OwnPasswordIn(Input):
    current_password: str = Field(max_length=MAX_PASSWORD)
    new_password: str = Field(min_length=8, max_length=MAX_PASSWORD)


class RoleIn(Input):
    role: Role


class PasswordIn(BaseModel):
    password: str = Field(min_length=8, max_length=MAX_PASSWORD)


class TokenRead(BaseModel):
    id: int
    user_id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret: shown once, store it now")


class TokenIn(Input):
    name: Name
    role: Word | None = Field(None, description="At most your own role")


class AuditRecordRead(BaseModel):
    id: int
    occurred_at: datetime
    actor_id: int | None = Field(description="Who made the change; null for the system")
    actor_name: str | None
    action: str = Field(description='"subject:verb", e.g. "severity:create"')
    subject_type: str
    subject_id: int
    summary: str
    changes: dict[str, list[Any]] = Field(description="{field: [old, new]}")


class AuditPage(BaseModel):
    items: list[AuditRecordRead]
    limit: int
    offset: int
    has_more: bool


def user_read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def token_read(token: ApiToken) -> TokenRead:
    return TokenRead.model_validate(token, from_attributes=True)


def audit_record_read(entry: AuditRecord) -> AuditRecordRead:
    return AuditRecordRead(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        actor_name=entry.actor.name if entry.actor else None,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        summary=entry.summary,
        changes=entry.changes,
    )
