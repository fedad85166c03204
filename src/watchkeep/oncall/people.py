"""Schedules name users by id strings (``"12"``); these map them back to people."""

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.ids import parse_id


def users_by_id(session: Session, ids: Iterable[str | None]) -> dict[str, User]:
    """The users behind these id strings (ids of deleted users are simply missing)."""
    wanted = {number for number in map(parse_id, ids) if number is not None}
    if not wanted:
        return {}
    return {str(u.id): u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def name_of(users: Mapping[str, User], user_id: str) -> str:
    """The user's name, or a placeholder for an id that names nobody any more."""
    user = users.get(user_id)
    return user.name if user is not None else f"user {user_id} (deleted)"


def names_of(users: Mapping[str, User], ids: Iterable[str]) -> str:
    """Names in the given order, comma separated."""
    return ", ".join(name_of(users, i) for i in ids)
