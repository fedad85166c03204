"""Write the planned users, teams and services through the domains' own services (checked
and audited as an admin's creations, with the importing admin as the actor)."""

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor
from watchkeep.history.directory import Directory
from watchkeep.history.plan import Plan


def write_users(
    session: Session, *, actor: Actor, now: datetime, plan: Plan, directory: Directory
) -> dict[str, User]:
    """Create the new users (without a password: an admin gives them one to log in);
    returns every user by lower-case e-mail address."""
    users = dict(directory.users)
    for user in plan.users:
        created = auth.create_user(
            session, actor=actor, now=now, email=user.email, name=user.name, role=user.role
        )
        users[created.email.lower()] = created
    return users


def write_services(
    session: Session, *, actor: Actor, now: datetime, plan: Plan, directory: Directory
) -> dict[str, Service]:
    """Create the new teams and services; a service that depends on one listed after it is
    given that dependency once both exist. Returns every service by name."""
    teams = dict(directory.teams)
    for name in plan.teams:
        teams[name] = catalog.create_team(session, actor=actor, now=now, name=name)
    services = dict(directory.services)
    later: list[tuple[Service, list[str]]] = []
    for given in plan.services:
        names = [directory.service_name(n) or n for n in dict.fromkeys(given.depends_on)]
        team = teams.get((given.team or "").strip())
        service = catalog.create_service(
            session,
            actor=actor,
            now=now,
            name=given.name,
            description=given.description,
            owner_team_id=team.id if team else None,
            kind=given.kind,
            runbook=given.runbook,
            runbook_url=given.runbook_url,
            depends_on_ids=[services[n].id for n in names if n in services],
        )
        services[service.name] = service
        if any(n not in services for n in names):
            later.append((service, names))
    for service, names in later:
        catalog.update_service(
            session,
            actor=actor,
            now=now,
            service_id=service.id,
            depends_on_ids=[services[n].id for n in names],
        )
    return services
