"""What admins do to other people's accounts, and what everyone does to their own:
deactivating and reactivating a user, resetting a password, a profile's name and time zone.
"""

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.auth.models import User, WebSession
from watchkeep.auth.secrets import verify_password
from watchkeep.auth.service import (
    MAX_NAME,
    active_admins,
    check_timezone,
    end_user_sessions,
    ended_change,
    get_user,
    set_password,
)
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid

GENERATED_PASSWORD_BYTES = 12  # 16 URL-safe characters


def generate_password() -> str:
    """A random initial password, shown once to the admin who makes the account."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def deactivate_user(session: Session, *, actor: Actor, now: datetime, user_id: int) -> User:
    """Stop a user from working with Watchkeep (admins only): their web sessions end and
    their API tokens stop working. Nobody deactivates themselves, and the last active admin
    stays active. Deactivating an inactive user changes nothing."""
    actor.require(Role.ADMIN)
    user = get_user(session, user_id=user_id)
    if not user.is_active:
        return user
    if user.id == actor.user_id:
        raise Conflict("you cannot deactivate yourself; ask another admin")
    if user.role == Role.ADMIN and active_admins(session) <= 1:
        raise Conflict(f"{user.email} is the last active admin; make another admin first")
    user.is_active = False
    ended = end_user_sessions(session, user_id=user.id)
    audit.record(
        session,
        actor=actor,
        action="user:deactivate",
        subject_type="user",
        subject_id=user.id,
        summary=f"{user.email} deactivated; {ended} web session(s) ended",
        changes={"is_active": (True, False)} | ended_change(ended),
        now=now,
    )
    return user


def reactivate_user(session: Session, *, actor: Actor, now: datetime, user_id: int) -> User:
    """Let a deactivated user log in again (admins only); their tokens work again unless
    revoked. Reactivating an active user changes nothing."""
    actor.require(Role.ADMIN)
    user = get_user(session, user_id=user_id)
    if user.is_active:
        return user
    user.is_active = True
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user:reactivate",
        subject_type="user",
        subject_id=user.id,
        summary=f"{user.email} reactivated",
        changes={"is_active": (False, True)},
        now=now,
    )
    return user


def reset_password(
    session: Session, *, actor: Actor, now: datetime, user_id: int, password: str
) -> User:
    """An admin sets another user's password; every web session of theirs ends."""
    actor.require(Role.ADMIN)
    set_password(session, actor=actor, now=now, user_id=user_id, password=password)
    return get_user(session, user_id=user_id)


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    current: str,
    new: str,
    keep_session: int | None,
) -> None:
    """Change your own password after proving you know the current one; your other web
    sessions end, ``keep_session`` (the one asking) stays."""
    user = get_user(session, user_id=actor.user_id)
    if not user.password_hash or not verify_password(user.password_hash, current):
        raise Invalid("the current password is wrong", field="current_password")
    set_password(
        session, actor=actor, now=now, user_id=user.id, password=new, keep_session=keep_session
    )


def update_profile(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str | None = None,
    timezone: str | None = None,
) -> User:
    """Change your own name and time zone (audited as ``user:update``)."""
    user = get_user(session, user_id=actor.user_id)
    changes: dict[str, tuple[str, str]] = {}
    if name is not None:
        cleaned = name.strip()
        if not cleaned:
            raise Invalid("name must not be empty", field="name")
        if len(cleaned) > MAX_NAME:
            raise Invalid(f"name must have at most {MAX_NAME} characters", field="name")
        if cleaned != user.name:
            changes["name"] = (user.name, cleaned)
    if timezone is not None:
        zone = check_timezone(timezone)
        if zone != user.timezone:
            changes["timezone"] = (user.timezone, zone)
    if not changes:
        return user
    for field, (_old, new) in changes.items():
        setattr(user, field, new)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user:update",
        subject_type="user",
        subject_id=user.id,
        summary=f"{user.email} changed: {', '.join(changes)}",
        changes=changes,
        now=now,
    )
    return user


def last_logins(session: Session) -> dict[int, datetime]:
    """When each user last logged in, as far as their live web sessions tell."""
    query = select(WebSession.user_id, func.max(WebSession.created_at)).group_by(WebSession.user_id)
    return {row[0]: row[1] for row in session.execute(query)}
