"""Severities and incident types: both configurable (by admins, audited) and ranked."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound
from watchkeep.core.ids import parse_id
from watchkeep.incident.models import IncidentType, Severity

# Name, description, and minutes from declaring to the first status update.
DEFAULT_SEVERITIES = (
    ("SEV1", "Critical: a core service is down or data is at risk for many customers.", 15),
    ("SEV2", "Major: a key feature is degraded or down for a significant set of customers.", 30),
    ("SEV3", "Minor: limited impact, a workaround exists or few customers notice.", 60),
    ("SEV4", "Low: no customer impact yet; something needs attention.", 120),
)
DEFAULT_TYPES = (
    ("Default", "Any incident that needs a coordinated response.", False),
    ("Security", "Suspected or confirmed security breach; private by default.", True),
    ("Customer-facing", "Customers can see the impact; keep the status page current.", False),
)


def ensure_defaults(session: Session, *, now: datetime) -> None:
    """Create the default severities and types in an empty database.

    The system creates them: each is audited like an admin's creation, without an actor.
    """
    if session.scalar(select(Severity.id).limit(1)) is None:
        for rank, (name, description, minutes) in enumerate(DEFAULT_SEVERITIES, start=1):
            _add_severity(
                session,
                actor=None,
                now=now,
                name=name,
                description=description,
                rank=rank,
                update_minutes=minutes,
            )
    if session.scalar(select(IncidentType.id).limit(1)) is None:
        for rank, (name, description, private) in enumerate(DEFAULT_TYPES, start=1):
            _add_type(
                session,
                actor=None,
                now=now,
                name=name,
                description=description,
                rank=rank,
                private_by_default=private,
            )
    session.flush()


MAX_SEVERITY_NAME = 50
MAX_TYPE_NAME = 100
MAX_DESCRIPTION = 2000
MAX_UPDATE_MINUTES = 7 * 24 * 60  # a week


def _check_name(name: str, limit: int) -> None:
    if not name.strip():
        raise Invalid("name must not be empty", field="name")
    if len(name.strip()) > limit:
        raise Invalid(f"name must have at most {limit} characters", field="name")


def _check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(
            f"description must have at most {MAX_DESCRIPTION} characters", field="description"
        )


def _check_severity(
    session: Session, *, severity_id: int | None, name: str, rank: int, update_minutes: int | None
) -> None:
    _check_name(name, MAX_SEVERITY_NAME)
    same = session.scalar(select(Severity).where(Severity.name == name.strip()))
    if same is not None and same.id != severity_id:
        raise Conflict(f"a severity named {name.strip()!r} already exists", field="name")
    if rank < 0:
        raise Invalid("rank must be 0 or more (the lowest is the most severe)", field="rank")
    if update_minutes is not None and not 1 <= update_minutes <= MAX_UPDATE_MINUTES:
        raise Invalid("update_minutes must be between 1 and 10080 (a week)", field="update_minutes")


def _check_type(session: Session, *, type_id: int | None, name: str) -> None:
    _check_name(name, MAX_TYPE_NAME)
    same = session.scalar(select(IncidentType).where(IncidentType.name == name.strip()))
    if same is not None and same.id != type_id:
        raise Conflict(f"an incident type named {name.strip()!r} already exists", field="name")


def list_severities(session: Session) -> list[Severity]:
    return list(session.scalars(select(Severity).order_by(Severity.rank)))


def get_severity(session: Session, *, ref: int | str) -> Severity:
    """A severity by id or by name (``SEV2``, case-insensitive)."""
    query = select(Severity)
    severity_id = parse_id(ref)
    if severity_id is not None:
        severity = session.get(Severity, severity_id)
    else:
        severity = next(
            (s for s in session.scalars(query) if s.name.lower() == str(ref).lower()), None
        )
    if severity is None:
        names = ", ".join(s.name for s in list_severities(session))
        raise Invalid(f"unknown severity {ref!r}; use one of {names}", field="severity")
    return severity


def create_severity(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    description: str = "",
    rank: int,
    update_minutes: int | None = None,
) -> Severity:
    """Add a severity (admins only; audited). ``update_minutes``: how soon after declaring
    the first status update is due (None: the setting's default)."""
    actor.require(Role.ADMIN)
    return _add_severity(
        session,
        actor=actor,
        now=now,
        name=name,
        description=description,
        rank=rank,
        update_minutes=update_minutes,
    )


def _add_severity(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    name: str,
    description: str,
    rank: int,
    update_minutes: int | None,
) -> Severity:
    _check_severity(session, severity_id=None, name=name, rank=rank, update_minutes=update_minutes)
    severity = Severity(
        name=name.strip(), description=description, rank=rank, update_minutes=update_minutes
    )
    session.add(severity)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="severity:create",
        subject_type="severity",
        subject_id=severity.id,
        summary=f"Severity {severity.name} created (rank {severity.rank})",
        changes=audit.created(
            {"name": severity.name, "description": severity.description, "rank": severity.rank}
        ),
        now=now,
    )
    return severity


def list_types(session: Session) -> list[IncidentType]:
    return list(session.scalars(select(IncidentType).order_by(IncidentType.rank)))


def get_type(session: Session, *, ref: int | str) -> IncidentType:
    """An incident type by id or by name (case-insensitive)."""
    type_id = parse_id(ref)
    if type_id is not None:
        found = session.get(IncidentType, type_id)
    else:
        found = next((t for t in list_types(session) if t.name.lower() == str(ref).lower()), None)
    if found is None:
        names = ", ".join(t.name for t in list_types(session))
        raise Invalid(f"unknown incident type {ref!r}; use one of {names}", field="incident_type")
    return found


def default_type(session: Session) -> IncidentType:
    found = session.scalar(select(IncidentType).order_by(IncidentType.rank).limit(1))
    if found is None:
        raise Invalid("no incident types are configured")
    return found


def create_type(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    description: str = "",
    rank: int = 0,
    private_by_default: bool = False,
) -> IncidentType:
    """Add an incident type (admins only; audited)."""
    actor.require(Role.ADMIN)
    return _add_type(
        session,
        actor=actor,
        now=now,
        name=name,
        description=description,
        rank=rank,
        private_by_default=private_by_default,
    )


def _add_type(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    name: str,
    description: str,
    rank: int,
    private_by_default: bool,
) -> IncidentType:
    _check_type(session, type_id=None, name=name)
    _check_description(description)
    found = IncidentType(
        name=name.strip(),
        description=description,
        rank=rank,
        private_by_default=private_by_default,
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="incident_type:create",
        subject_type="incident_type",
        subject_id=found.id,
        summary=f"Incident type {found.name} created",
        changes=audit.created(
            {
                "name": found.name,
                "description": found.description,
                "rank": found.rank,
                "private_by_default": found.private_by_default,
            }
        ),
        now=now,
    )
    return found


def _severity_values(severity: Severity) -> dict[str, object]:
    return {
        "name": severity.name,
        "description": severity.description,
        "rank": severity.rank,
        "update_minutes": severity.update_minutes,
    }


def update_severity(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    severity_id: int,
    name: str,
    description: str,
    rank: int,
    update_minutes: int | None,
) -> Severity:
    """Replace a severity's name, description, rank and first-update time (admins only;
    audited if anything changed). Incidents keep their severity; deadlines already set
    stay as they are."""
    actor.require(Role.ADMIN)
    severity = session.get(Severity, severity_id)
    if severity is None:
        raise NotFound(f"severity {severity_id} does not exist")
    _check_severity(
        session, severity_id=severity.id, name=name, rank=rank, update_minutes=update_minutes
    )
    _check_description(description)
    before = _severity_values(severity)
    severity.name, severity.description = name.strip(), description
    severity.rank, severity.update_minutes = rank, update_minutes
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="severity",
        label=f"Severity {severity.name}",
        subject_id=severity.id,
        before=before,
        after=_severity_values(severity),
    )
    return severity


def _type_values(found: IncidentType) -> dict[str, object]:
    return {
        "name": found.name,
        "description": found.description,
        "rank": found.rank,
        "private_by_default": found.private_by_default,
    }


def update_type(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    type_id: int,
    name: str,
    description: str,
    rank: int,
    private_by_default: bool,
) -> IncidentType:
    """Replace an incident type's name, description, rank and privacy default (admins only;
    audited if anything changed)."""
    actor.require(Role.ADMIN)
    found = session.get(IncidentType, type_id)
    if found is None:
        raise NotFound(f"incident type {type_id} does not exist")
    _check_type(session, type_id=found.id, name=name)
    _check_description(description)
    before = _type_values(found)
    found.name, found.description = name.strip(), description
    found.rank, found.private_by_default = rank, private_by_default
    session.flush()
    audit.record_update(
        session,
        actor=actor,
        now=now,
        subject_type="incident_type",
        label=f"Incident type {found.name}",
        subject_id=found.id,
        before=before,
        after=_type_values(found),
    )
    return found
