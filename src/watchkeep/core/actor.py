"""Who is acting, and what their role lets them do."""

from dataclasses import dataclass
from enum import StrEnum

from watchkeep.core.errors import Forbidden, Invalid


class Role(StrEnum):
    VIEWER = "viewer"
    RESPONDER = "responder"
    ADMIN = "admin"


_RANK = {Role.VIEWER: 0, Role.RESPONDER: 1, Role.ADMIN: 2}


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid(
            f"unknown role {value!r}; use one of viewer, responder, admin", field="role"
        ) from None


def at_least(role: Role, needed: Role) -> bool:
    return _RANK[role] >= _RANK[needed]


def lesser(a: Role, b: Role) -> Role:
    return a if _RANK[a] <= _RANK[b] else b


@dataclass(frozen=True)
class Actor:
    user_id: int
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, needed: Role) -> None:
        if not at_least(self.role, needed):
            raise Forbidden(f"this needs the {needed.value} role; you act as {self.role.value}")
