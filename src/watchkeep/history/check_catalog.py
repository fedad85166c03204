"""Check the file's users and services against each other and the database, and plan the
new ones (teams a service names are created when missing)."""

from watchkeep.catalog.models import SERVICE_KINDS, Service
from watchkeep.catalog.service import is_web_url
from watchkeep.core.actor import Role
from watchkeep.history.directory import Directory
from watchkeep.history.findings import Findings
from watchkeep.history.plan import Plan
from watchkeep.history.schemas import Counts, HistoryIn, ServiceIn
from watchkeep.history.words import quoted

ROLES = tuple(r.value for r in Role)


def check_users(document: HistoryIn, directory: Directory, plan: Plan, found: Findings) -> None:
    """Users by e-mail (case-insensitive): a new one is planned, one already here is left."""
    seen: dict[str, int] = {}
    for n, user in enumerate(document.users):
        key = user.email.lower()
        if key in seen:
            found.add(("users", n, "email"), f"{user.email} is also users[{seen[key]}]")
            continue
        seen[key] = n
        if "@" not in user.email:
            found.add(("users", n, "email"), "must be an e-mail address")
        if user.role not in ROLES:
            found.add(
                ("users", n, "role"), f"no role {quoted(user.role)}; use one of {', '.join(ROLES)}"
            )
        stored = directory.users.get(key)
        if stored is None:
            plan.users.append(user)
            plan.count("users", "created")
            continue
        differs = [
            name
            for name, mine, theirs in (
                ("name", user.name.strip(), stored.name),
                ("role", user.role, stored.role),
            )
            if mine != theirs
        ]
        plan.skip("users", found.labels.record("users", n), stored.email, differs)


def _service_differs(given: ServiceIn, stored: Service) -> list[str]:
    team = stored.owner_team.name if stored.owner_team else None
    pairs = (
        ("description", given.description, stored.description),
        ("team", given.team, team),
        ("kind", given.kind, stored.kind),
        ("runbook", given.runbook, stored.runbook),
        ("runbook_url", given.runbook_url or None, stored.runbook_url),
        ("depends_on", sorted(set(given.depends_on)), sorted(s.name for s in stored.depends_on)),
    )
    return [name for name, mine, theirs in pairs if mine != theirs]


def check_services(document: HistoryIn, directory: Directory, plan: Plan, found: Findings) -> None:
    """Services by exact name; their teams by name; what they depend on, here or in the
    file (a service may name one listed after it)."""
    seen: dict[str, int] = {}
    teams: list[str] = []
    for n, service in enumerate(document.services):
        if service.name in seen:
            found.add(
                ("services", n, "name"),
                f"{quoted(service.name)} is also services[{seen[service.name]}]",
            )
            continue
        seen[service.name] = n
        if service.kind not in SERVICE_KINDS:
            found.add(
                ("services", n, "kind"),
                f"no service kind {quoted(service.kind)}; use one of {', '.join(SERVICE_KINDS)}",
            )
        if service.runbook_url and not is_web_url(service.runbook_url.strip()):
            found.add(("services", n, "runbook_url"), "must be an http(s) URL")
        for d, name in enumerate(service.depends_on):
            target = directory.service_name(name)
            if target is None:
                found.add(
                    ("services", n, "depends_on", d),
                    f"no service named {quoted(name)} here or in the file",
                )
            elif target == service.name:
                found.add(("services", n, "depends_on", d), "a service cannot depend on itself")
        team = (service.team or "").strip()
        if team and team not in teams:
            teams.append(team)
        stored = directory.services.get(service.name)
        if stored is not None:
            plan.skip(
                "services",
                found.labels.record("services", n),
                stored.name,
                _service_differs(service, stored),
            )
            continue
        plan.services.append(service)
        plan.count("services", "created")
    plan.teams = [team for team in teams if team not in directory.teams]
    plan.counts["teams"] = Counts(created=len(plan.teams), unchanged=len(teams) - len(plan.teams))
