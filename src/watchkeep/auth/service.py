"""Users, API tokens and web sessions."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from watchkeep.auth import audit, throttle
from watchkeep.auth.models import ApiToken, User, WebSession
from watchkeep.auth.secrets import (
    digest,
    hash_password,
    new_token,
    verify_password,
    waste_a_verification,
)
from watchkeep.core.actor import Actor, Role, lesser, parse_role
from watchkeep.core.clock import is_time_zone, time_zone_names
from watchkeep.core.db import write_later
from watchkeep.core.errors import Conflict, Invalid, NotFound, Unauthorized
from watchkeep.core.ids import parse_id

MIN_PASSWORD = 8
MAX_NAME = 200
MAX_EMAIL = 254


def check_timezone(value: str) -> str:
    """``value`` if it names an IANA time zone this system knows, else ``Invalid``."""
    zone = value.strip()
    if not is_time_zone(zone):
        raise Invalid(
            f"timezone {value!r} is not an IANA time zone such as Europe/London",
            field="timezone",
        )
    return zone


def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted (for the profile's time zone choice)."""
    return sorted(time_zone_names())


def actor_of(user: User, role: Role | None = None) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=role or Role(user.role))


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def find_user_by_email(session: Session, *, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get_user_by_ref(session: Session, *, ref: str | int) -> User:
    """A user by id or by e-mail address (what people type on the command line)."""
    user_id = parse_id(ref)
    if user_id is not None:
        return get_user(session, user_id=user_id)
    user = find_user_by_email(session, email=str(ref))
    if user is None:
        raise NotFound(f"no user with e-mail {ref}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def create_user(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    email: str,
    name: str,
    role: str = "responder",
    password: str | None = None,
    timezone: str = "UTC",
) -> User:
    """Create a user (admins; ``actor=None`` is the system making the first admin).

    The e-mail address is unique regardless of case.
    """
    if actor is not None:
        actor.require(Role.ADMIN)
    email = email.strip()
    if "@" not in email:
        raise Invalid("email must be an e-mail address", field="email")
    if not name.strip():
        raise Invalid("name must not be empty", field="name")
    if len(email) > MAX_EMAIL:
        raise Invalid(f"email must have at most {MAX_EMAIL} characters", field="email")
    if len(name.strip()) > MAX_NAME:
        raise Invalid(f"name must have at most {MAX_NAME} characters", field="name")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid(f"password must have at least {MIN_PASSWORD} characters", field="password")
    if find_user_by_email(session, email=email):
        raise Conflict(f"a user with e-mail {email} already exists", field="email")
    timezone = check_timezone(timezone)
    user = User(
        email=email,
        name=name.strip(),
        role=parse_role(role).value,
        password_hash=hash_password(password) if password else None,
        timezone=timezone,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="user:create",
        subject_type="user",
        subject_id=user.id,
        summary=f"User {user.email} created ({user.role})",
        changes=audit.created(
            {
                "email": user.email,
                "name": user.name,
                "role": user.role,
                "timezone": user.timezone,
                "has_password": user.password_hash is not None,
            }
        ),
        now=now,
    )
    return user


def set_password(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user_id: int,
    password: str,
    keep_session: int | None = None,
) -> None:
    """Set a user's web login password (your own, or anyone's as an admin). Every web
    session of the user ends but ``keep_session`` (the one making the change)."""
    if actor.user_id != user_id:
        actor.require(Role.ADMIN)
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"password must have at least {MIN_PASSWORD} characters", field="password")
    user = get_user(session, user_id=user_id)
    had_password = user.password_hash is not None
    user.password_hash = hash_password(password)
    ended = end_user_sessions(session, user_id=user.id, keep=keep_session)
    audit.record(
        session,
        actor=actor,
        action="user:set_password",
        subject_type="user",
        subject_id=user.id,
        summary=f"Password of {user.email} set; {ended} other web session(s) ended",
        changes={"has_password": (had_password, True)} | ended_change(ended),
        now=now,
    )


def change_role(session: Session, *, actor: Actor, now: datetime, user_id: int, role: str) -> User:
    """Give a user another role (admins only); the last active admin keeps theirs."""
    actor.require(Role.ADMIN)
    user = get_user(session, user_id=user_id)
    new_role = parse_role(role)
    if new_role.value == user.role:
        return user
    if user.role == Role.ADMIN and user.is_active and active_admins(session) <= 1:
        raise Conflict(f"{user.email} is the last active admin; make another admin first")
    old, user.role = user.role, new_role.value
    ended = end_user_sessions(session, user_id=user.id)
    audit.record(
        session,
        actor=actor,
        action="user:role_change",
        subject_type="user",
        subject_id=user.id,
        summary=f"{user.email} is now {user.role} (was {old}); {ended} web session(s) ended",
        changes={"role": (old, user.role)} | ended_change(ended),
        now=now,
    )
    return user


def active_admins(session: Session) -> int:
    """How many active admins there are."""
    query = select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.is_active)
    return session.scalar(query) or 0


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The user whose e-mail and password these are. An unknown account costs as much time
    as a known one (its password is checked against a stand-in hash), so the answer's
    timing does not tell which accounts exist."""
    user = find_user_by_email(session, email=email)
    if user is None or not user.is_active or not user.password_hash:
        waste_a_verification(password)
        raise Unauthorized("wrong e-mail or password")
    if not verify_password(user.password_hash, password):
        raise Unauthorized("wrong e-mail or password")
    return user


def log_in(
    session: Session, *, email: str, password: str, address: str | None, now: datetime
) -> User:
    """:func:`authenticate`, throttled: a locked account or address is refused (429) before
    its password is checked, and a wrong password is counted (the caller commits it)."""
    throttle.check(session, email=email, address=address, now=now)
    try:
        user = authenticate(session, email=email, password=password)
    except Unauthorized:
        throttle.failed(session, email=email, address=address, now=now)
        raise
    throttle.succeeded(session, email=email, address=address)
    return user


def create_token(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user_id: int,
    name: str,
    role: str | None = None,
) -> tuple[ApiToken, str]:
    """Create an API token for yourself (or, as an admin, for anyone).

    The secret is returned once and only its hash is stored. A token never has more rights
    than its user.
    """
    if actor.user_id != user_id:
        actor.require(Role.ADMIN)
    user = get_user(session, user_id=user_id)
    user_role = Role(user.role)
    token_role = lesser(parse_role(role), user_role) if role else user_role
    secret = new_token("wk")
    token = ApiToken(
        user_id=user.id,
        name=name or "token",
        role=token_role.value,
        prefix=secret[:10],
        token_hash=digest(secret),
        created_at=now,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="token:create",
        subject_type="token",
        subject_id=token.id,
        summary=f"API token “{token.name}” ({token.role}) created for {user.email}",
        changes=audit.created(
            {"user_id": user.id, "name": token.name, "role": token.role, "prefix": token.prefix}
        ),
        now=now,
    )
    return token, secret


def list_tokens(session: Session, *, user_id: int | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.scalars(query))


def revoke_token(
    session: Session, *, actor: Actor, now: datetime, token_id: int, own_only: bool = False
) -> ApiToken:
    """Revoke one of your tokens (any token as an admin, unless ``own_only``); revoking
    twice changes nothing."""
    token = session.get(ApiToken, token_id)
    mine = token is not None and token.user_id == actor.user_id
    if token is None or not (mine or (actor.is_admin and not own_only)):
        raise NotFound(f"token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(
            session,
            actor=actor,
            action="token:revoke",
            subject_type="token",
            subject_id=token.id,
            summary=f"API token “{token.name}” of {token.user.email} revoked",
            changes={"revoked_at": (None, now)},
            now=now,
        )
    session.flush()
    return token


def actor_for_token(session: Session, *, secret: str, now: datetime) -> Actor:
    """The actor of a live API token; its last use is noted at most once a minute.

    Every API request asks this, so it reads the few columns it needs, not whole rows.
    """
    found = session.execute(
        select(ApiToken.id, ApiToken.role, ApiToken.last_used_at, User.id, User.name, User.role)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == digest(secret),
            ApiToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    ).one_or_none()
    if found is None:
        raise Unauthorized("the API token is unknown or revoked")
    token_id, token_role, last_used_at, user_id, name, user_role = found
    # Written at most once a minute, and after a read rather than in it.
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        write_later(
            session,
            lambda writer: writer.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            ),
        )
    role = lesser(Role(token_role), Role(user_role))
    return Actor(user_id=user_id, name=name, role=role)


def start_web_session(
    session: Session, *, user: User, hours: int, now: datetime
) -> tuple[WebSession, str]:
    """Start a web login of ``hours``; returns the session and its cookie secret."""
    secret = new_token("s")
    web_session = WebSession(
        user_id=user.id,
        token_hash=digest(secret),
        csrf_token=new_token("c"),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(web_session)
    session.flush()
    return web_session, secret


def find_web_session(session: Session, *, secret: str, now: datetime) -> WebSession | None:
    """The live web session whose cookie secret is ``secret``, if any."""
    web_session = session.scalar(select(WebSession).where(WebSession.token_hash == digest(secret)))
    if web_session is None or web_session.expires_at <= now:
        return None
    if not web_session.user.is_active:
        return None
    return web_session


def ended_change(sessions: int) -> dict[str, tuple[int, int]]:
    """The audit change for web sessions a change ended (none when it ended none)."""
    return {"sessions_ended": (0, sessions)} if sessions else {}


def end_user_sessions(session: Session, *, user_id: int, keep: int | None = None) -> int:
    """End every web session of a user but ``keep``; how many ended."""
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    ended: int = session.execute(query).rowcount  # type: ignore[attr-defined]
    session.flush()
    return ended


def end_web_session(session: Session, *, secret: str) -> None:
    web_session = session.scalar(select(WebSession).where(WebSession.token_hash == digest(secret)))
    if web_session is not None:
        session.delete(web_session)
        session.flush()
