"""Teams and services."""

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.auth.models import User
from watchkeep.catalog.models import SERVICE_KINDS, Service, Team
from watchkeep.core.actor import Actor, Role
from watchkeep.core.errors import Conflict, Invalid, NotFound


class Keep(Enum):
    """The default of an update argument for which ``None`` means "clear it"."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _require_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    return name


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def get_team(session: Session, *, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"team {team_id} does not exist", field="team_id")
    return team


def _team_values(team: Team) -> dict[str, object]:
    return {
        "name": team.name,
        "description": team.description,
        "member_ids": sorted(u.id for u in team.members),
    }


def create_team(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    description: str = "",
    member_ids: Iterable[int] = (),
) -> Team:
    """Create a team (admins only; audited)."""
    actor.require(Role.ADMIN)
    name = _require_name(name)
    if session.scalar(select(Team).where(Team.name == name)):
        raise Conflict(f"a team named {name!r} already exists", field="name")
    team = Team(name=name, description=description, created_at=now)
    team.members = _users(session, member_ids)
    session.add(team)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="team:create",
        subject_type="team",
        subject_id=team.id,
        summary=f"Team {team.name} created",
        changes=audit.created(_team_values(team)),
        now=now,
    )
    return team


def update_team(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    team_id: int,
    name: str | None = None,
    description: str | None = None,
    member_ids: Iterable[int] | None = None,
) -> Team:
    """Change a team's name, description or members (admins only; audited if it changed)."""
    actor.require(Role.ADMIN)
    team = get_team(session, team_id=team_id)
    before = _team_values(team)
    if name is not None and _require_name(name) != team.name:
        name = _require_name(name)
        if session.scalar(select(Team).where(Team.name == name)):
            raise Conflict(f"a team named {name!r} already exists", field="name")
        team.name = name
    if description is not None:
        team.description = description
    if member_ids is not None:
        team.members = _users(session, member_ids)
    session.flush()
    changes = audit.changed(before, _team_values(team))
    if changes:
        audit.record(
            session,
            actor=actor,
            action="team:update",
            subject_type="team",
            subject_id=team.id,
            summary=f"Team {team.name} changed: {', '.join(changes)}",
            changes=changes,
            now=now,
        )
    return team


def _users(session: Session, user_ids: Iterable[int]) -> list[User]:
    ids = list(dict.fromkeys(user_ids))
    users = list(session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    missing = set(ids) - {u.id for u in users}
    if missing:
        raise Invalid(f"unknown user ids: {sorted(missing)}", field="member_ids")
    return users


def list_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.name)))


def get_service(session: Session, *, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(f"service {service_id} does not exist", field="service_id")
    return service


def get_services(session: Session, *, service_ids: Iterable[int]) -> list[Service]:
    """The services with these ids, or :class:`Invalid` naming the unknown ones."""
    ids = list(dict.fromkeys(service_ids))
    services = list(session.scalars(select(Service).where(Service.id.in_(ids)))) if ids else []
    missing = set(ids) - {s.id for s in services}
    if missing:
        raise Invalid(f"unknown service ids: {sorted(missing)}", field="service_ids")
    return sorted(services, key=lambda s: s.name)


def _check_owner_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid(f"owner team {team_id} does not exist", field="owner_team_id")


def check_kind(kind: str) -> str:
    """``kind`` if it is one of :data:`SERVICE_KINDS`, else ``Invalid`` listing them."""
    if kind not in SERVICE_KINDS:
        raise Invalid(f"kind must be one of {', '.join(SERVICE_KINDS)}", field="kind")
    return kind


def is_web_url(value: str) -> bool:
    """Whether ``value`` is an absolute http(s) URL."""
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _check_runbook_url(url: str | None) -> str | None:
    url = (url or "").strip() or None
    if url is not None and not is_web_url(url):
        raise Invalid("runbook_url must be an http(s) URL", field="runbook_url")
    return url


def _dependencies(session: Session, service_id: int | None, ids: Iterable[int]) -> list[Service]:
    """The services with these ids, which a service depends on: never itself."""
    wanted = list(dict.fromkeys(ids))
    if service_id is not None and service_id in wanted:
        raise Invalid("a service cannot depend on itself", field="depends_on_ids")
    found = list(session.scalars(select(Service).where(Service.id.in_(wanted)))) if wanted else []
    missing = set(wanted) - {s.id for s in found}
    if missing:
        raise Invalid(f"unknown service ids: {sorted(missing)}", field="depends_on_ids")
    return sorted(found, key=lambda s: s.name)


def _service_values(service: Service) -> dict[str, object]:
    return {
        "name": service.name,
        "description": service.description,
        "owner_team_id": service.owner_team_id,
        "kind": service.kind,
        "runbook": service.runbook,
        "runbook_url": service.runbook_url,
        "depends_on_ids": sorted(s.id for s in service.depends_on),
    }


def create_service(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    name: str,
    description: str = "",
    owner_team_id: int | None = None,
    kind: str = "internal",
    runbook: str = "",
    runbook_url: str | None = None,
    depends_on_ids: Iterable[int] = (),
) -> Service:
    """Create a service (admins only; audited): what it is (``kind``, one of
    :data:`SERVICE_KINDS`), its runbook (Markdown, and/or a link) and the services it
    depends on."""
    actor.require(Role.ADMIN)
    name = _require_name(name)
    if session.scalar(select(Service).where(Service.name == name)):
        raise Conflict(f"a service named {name!r} already exists", field="name")
    _check_owner_team(session, owner_team_id)
    service = Service(
        name=name,
        description=description,
        owner_team_id=owner_team_id,
        kind=check_kind(kind),
        runbook=runbook,
        runbook_url=_check_runbook_url(runbook_url),
        created_at=now,
    )
    service.depends_on = _dependencies(session, None, depends_on_ids)
    session.add(service)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="service:create",
        subject_type="service",
        subject_id=service.id,
        summary=f"Service {service.name} created",
        changes=audit.created(_service_values(service)),
        now=now,
    )
    return service


def update_service(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    service_id: int,
    name: str | None = None,
    description: str | None = None,
    owner_team_id: int | Keep | None = KEEP,
    kind: str | None = None,
    runbook: str | None = None,
    runbook_url: str | Keep | None = KEEP,
    depends_on_ids: Iterable[int] | None = None,
) -> Service:
    """Change a service's name, description, owner team, kind, runbook or dependencies
    (admins only; audited if it changed); ``owner_team_id=None`` leaves the service without
    an owner team, ``runbook_url=None`` without a runbook link, and ``depends_on_ids``
    replaces the services it depends on."""
    actor.require(Role.ADMIN)
    service = get_service(session, service_id=service_id)
    before = _service_values(service)
    if name is not None and _require_name(name) != service.name:
        name = _require_name(name)
        if session.scalar(select(Service).where(Service.name == name)):
            raise Conflict(f"a service named {name!r} already exists", field="name")
        service.name = name
    if description is not None:
        service.description = description
    if owner_team_id is not KEEP:
        _check_owner_team(session, owner_team_id)
        service.owner_team_id = owner_team_id
    if kind is not None:
        service.kind = check_kind(kind)
    if runbook is not None:
        service.runbook = runbook
    if runbook_url is not KEEP:
        service.runbook_url = _check_runbook_url(runbook_url)
    if depends_on_ids is not None:
        service.depends_on = _dependencies(session, service.id, depends_on_ids)
    session.flush()
    changes = audit.changed(before, _service_values(service))
    if changes:
        audit.record(
            session,
            actor=actor,
            action="service:update",
            subject_type="service",
            subject_id=service.id,
            summary=f"Service {service.name} changed: {', '.join(changes)}",
            changes=changes,
            now=now,
        )
    return service
