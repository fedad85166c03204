"""The users and tokens as the API reads and writes them (the CLI prints the same bodies)."""

from datetime import datetime

from pydantic import BaseModel, Field


class UserRead(BaseModel):
    id: int
    email: str
    name: str
    role: str
    timezone: str
    is_active: bool


class UserIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: str = "responder"
    password: str | None = Field(None, min_length=8)
    timezone: str = "UTC"


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


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: str | None = Field(None, description="At most your own role")
