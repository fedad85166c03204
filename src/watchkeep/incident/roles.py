"""Role types and who holds them on an incident. One person may hold several roles."""

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor, Role, at_least, parse_role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.core.ids import parse_id
from watchkeep.core.limits import TEXT_LENGTH
from watchkeep.incident.access import add_participant
from watchkeep.incident.models import Incident, RoleAssignment, RoleType
from watchkeep.incident.timeline import ensure_changeable, record_change

LEAD = "lead"
REPORTER = "reporter"
DEFAULT_RANK = 100  # custom roles follow the built-in ones unless given a rank
BUILTIN = (
    (LEAD, "Incident lead", "Owns the response: sets priorities, delegates and decides."),
    (REPORTER, "Reporter", "Raised the incident; knows what was first seen."),
    ("comms", "Communications lead", "Keeps stakeholders informed with regular updates."),
    ("scribe", "Scribe", "Records what happens and what is decided on the timeline."),
)


def ensure_builtin(session: Session, *, now: datetime) -> None:
    """Create the built-in roles that are missing; the system's creations are audited too."""
    existing = set(session.scalars(select(RoleType.slug)))
    for rank, (slug, name, instructions) in enumerate(BUILTIN, start=1):
        if slug not in existing:
            role_type = RoleType(
                slug=slug, name=name, instructions=instructions, builtin=True, rank=rank
            )
            _add_role_type(session, role_type, actor=None, now=now)
    session.flush()


def list_role_types(session: Session) -> list[RoleType]:
    return list(session.scalars(select(RoleType).order_by(RoleType.rank, RoleType.name)))


def get_role_type(session: Session, *, ref: str | int) -> RoleType:
    role_type_id = parse_id(ref)
    if role_type_id is not None:
        role_type = session.get(RoleType, role_type_id)
    else:
        role_type = session.scalar(select(RoleType).where(RoleType.slug == str(ref)))
    if role_type is None:
        slugs = ", ".join(r.slug for r in list_role_types(session))
        raise Invalid(f"unknown role {ref!r}; use one of {slugs}", field="role")
    return role_type


MAX_NAME = 100
MAX_SLUG = 50
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_role_type(
    session: Session, *, role_type_id: int | None, name: str, instructions: str, rank: int
) -> None:
    if not name:
        raise Invalid("name must not be empty", field="name")
    if len(name) > MAX_NAME:
        raise Invalid(f"name must have at most {MAX_NAME} characters", field="name")
    if len(instructions) > TEXT_LENGTH:
        raise Invalid(
            f"instructions must have at most {TEXT_LENGTH} characters", field="instructions"
        )
    if rank < 0:
        raise Invalid("rank must be 0 or more (the lowest is listed first)", field="rank")
    same = session.scalar(select(RoleType).where(RoleType.name == name))
    if same is not None and same.id != role_type_id:
        raise Conflict(f"a role named {name!r} already exists", field="name")


def create_role_type(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    instructions: str = "",
    slug: str | None = None,
    rank: int = DEFAULT_RANK,
) -> RoleType:
    """Add a custom incident role (admins only; audited). ``slug`` (derived from the name
    when omitted) is how the API and the CLI address the role; it never changes."""
    actor.require(Role.ADMIN)
    name = name.strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    slug = (slug or "").strip() or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise Invalid("slug must contain letters or digits", field="slug")
    if len(slug) > MAX_SLUG or not SLUG.match(slug):
        raise Invalid(
            f"slug must be lowercase letters, digits and single hyphens, at most {MAX_SLUG} "
            "characters",
            field="slug",
        )
    if session.scalar(select(RoleType).where(RoleType.slug == slug)):
        raise Conflict(f"a role with slug {slug!r} already exists", field="slug")
    _check_role_type(session, role_type_id=None, name=name, instructions=instructions, rank=rank)
    role_type = RoleType(slug=slug, name=name, instructions=instructions, builtin=False, rank=rank)
    return _add_role_type(session, role_type, actor=actor, now=now)


def _role_type_values(role_type: RoleType) -> dict[str, object]:
    return {
        "name": role_type.name,
        "instructions": role_type.instructions,
        "rank": role_type.rank,
    }


def _found(session: Session, role_type_id: int) -> RoleType:
    role_type = session.get(RoleType, role_type_id)
    if role_type is None:
        raise NotFound(f"incident role {role_type_id} does not exist")
    return role_type


def update_role_type(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    role_type_id: int,
    name: str,
    instructions: str,
    rank: int,
) -> RoleType:
    """Replace an incident role's name, instructions and rank (admins only; audited if
    anything changed). Built-in roles too; the slug never changes, so assignments, the API
    and the timeline keep addressing the role by it."""
    actor.require(Role.ADMIN)
    role_type = _found(session, role_type_id)
    name = name.strip()
    _check_role_type(
        session, role_type_id=role_type.id, name=name, instructions=instructions, rank=rank
    )
    before = _role_type_values(role_type)
    role_type.name, role_type.instructions, role_type.rank = name, instructions, rank
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="role_type",
        label=f"Incident role {role_type.name} ({role_type.slug})",
        subject_id=role_type.id,
        before=before,
        after=_role_type_values(role_type),
    )
    return role_type


def delete_role_type(
    session: Session, *, actor: Actor, now: datetime, role_type_id: int
) -> RoleType:
    """Delete a custom incident role nobody holds on any incident (admins only; audited);
    returns it, gone from the database. Built-in roles are never deleted: the product relies
    on them (the lead, the reporter)."""
    actor.require(Role.ADMIN)
    role_type = _found(session, role_type_id)
    if role_type.builtin:
        raise Conflict(f"{role_type.name} is a built-in role and cannot be deleted")
    held = session.scalar(
        select(func.count())
        .select_from(RoleAssignment)
        .where(RoleAssignment.role_type_id == role_type.id)
    )
    if held:
        raise Conflict(
            f"{role_type.name} is held on {held} incident(s); "
            "a role in use cannot be deleted (unassign it first)"
        )
    values = {"slug": role_type.slug, **_role_type_values(role_type)}
    audit.record(
        session,
        actor=actor,
        action="role_type:delete",
        subject_type="role_type",
        subject_id=role_type.id,
        summary=f"Incident role {role_type.name} ({role_type.slug}) deleted",
        changes=audit.changed(values, dict.fromkeys(values)),
        now=now,
    )
    session.delete(role_type)
    session.flush()
    return role_type


def _add_role_type(
    session: Session, role_type: RoleType, *, actor: Actor | None, now: datetime
) -> RoleType:
    session.add(role_type)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="role_type:create",
        subject_type="role_type",
        subject_id=role_type.id,
        summary=f"Incident role {role_type.name} ({role_type.slug}) created",
        changes=audit.created(
            {
                "slug": role_type.slug,
                "name": role_type.name,
                "instructions": role_type.instructions,
                "builtin": role_type.builtin,
                "rank": role_type.rank,
            }
        ),
        now=now,
    )
    return role_type


def assignments(session: Session, *, incident_id: int) -> list[RoleAssignment]:
    return list(
        session.scalars(
            select(RoleAssignment)
            .join(RoleType)
            .where(RoleAssignment.incident_id == incident_id)
            .order_by(RoleType.rank, RoleType.name)
        )
    )


def holder(session: Session, *, incident_id: int, slug: str) -> User | None:
    assignment = session.scalar(
        select(RoleAssignment)
        .join(RoleType)
        .where(RoleAssignment.incident_id == incident_id, RoleType.slug == slug)
    )
    return assignment.user if assignment else None


def holders(session: Session, *, incident_ids: list[int], slug: str) -> dict[int, User]:
    """Who holds role ``slug`` on each of these incidents (one query for a whole list)."""
    if not incident_ids:
        return {}
    rows = session.scalars(
        select(RoleAssignment)
        .join(RoleType)
        .where(RoleAssignment.incident_id.in_(incident_ids), RoleType.slug == slug)
    )
    return {row.incident_id: row.user for row in rows}


def can_hold_roles(user: User) -> bool:
    """Only people who can act on an incident hold its roles: responders and admins."""
    return user.is_active and at_least(parse_role(user.role), Role.RESPONDER)


def role_candidates(session: Session) -> list[User]:
    """The users a role may be given to, by name."""
    return [u for u in session.scalars(select(User).order_by(User.name)) if can_hold_roles(u)]


def assign(
    session: Session,
    *,
    incident: Incident,
    role: str | int,
    user_id: int,
    actor: Actor | None,
    now: datetime,
) -> RoleAssignment:
    """Give ``role`` on ``incident`` to a user (replacing its holder) and record it."""
    if actor is not None:
        actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    role_type = get_role_type(session, ref=role)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Invalid(f"user {user_id} does not exist or is inactive", field="user_id")
    if not can_hold_roles(user):
        raise Invalid(
            f"{user.name} is a viewer and cannot hold a role; choose a responder or an admin",
            field="user_id",
        )
    current = session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.incident_id == incident.id, RoleAssignment.role_type_id == role_type.id
        )
    )
    old = current.user.name if current else None
    if current is not None and current.user_id == user_id:
        return current
    if current is None:
        current = RoleAssignment(
            incident_id=incident.id, role_type=role_type, user=user, assigned_at=now
        )
        session.add(current)
    else:
        current.user = user
        current.assigned_at = now
    add_participant(session, incident_id=incident.id, user_id=user_id, now=now)
    record_change(
        session,
        incident=incident,
        kind="role_assigned",
        actor=actor,
        title=f"{user.name} is now {role_type.name}",
        old=old,
        new=user.name,
        role=role_type.slug,
        user_id=user_id,
        now=now,
    )
    session.flush()
    return current


def unassign(
    session: Session, *, incident: Incident, role: str | int, actor: Actor, now: datetime
) -> None:
    """Take ``role`` on ``incident`` from whoever holds it, and record it."""
    actor.require(Role.RESPONDER)
    ensure_changeable(incident)
    role_type = get_role_type(session, ref=role)
    current = session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.incident_id == incident.id, RoleAssignment.role_type_id == role_type.id
        )
    )
    if current is None:
        raise NotFound(f"nobody holds {role_type.name} on {incident.reference}")
    old = current.user.name
    session.delete(current)
    record_change(
        session,
        incident=incident,
        kind="role_unassigned",
        actor=actor,
        title=f"{old} is no longer {role_type.name}",
        old=old,
        new=None,
        role=role_type.slug,
        now=now,
    )
    session.flush()
