"""Admin pages for the catalog: services (with their kind, owner team, dependencies and
runbook) and teams (list, create, edit)."""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import NAME_LENGTH, TEXT_LENGTH, QueryId
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id
from watchkeep.http.panels import Panel
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)
PANELS: dict[str, tuple[Panel, ...]] = {}

SERVICES = "/admin/services"
TEAMS = "/admin/teams"


def _render_services(request: Request, session: Session, *, fragment: bool) -> Response:
    return render(
        request,
        "catalog/_services.html" if fragment else "catalog/services.html",
        services=catalog.list_services(session),
        teams=catalog.list_teams(session),
    )


def _render_teams(request: Request, session: Session, *, fragment: bool) -> Response:
    return render(
        request,
        "catalog/_teams.html" if fragment else "catalog/teams.html",
        teams=catalog.list_teams(session),
        users=auth.list_users(session),
    )


def _answer(request: Request, session: Session, page: str, notice: str) -> Response:
    """The list of ``page`` (``SERVICES`` or ``TEAMS``) again, or back to that page."""
    draw = _render_services if page == SERVICES else _render_teams
    return answer_form(
        request, url=page, notice=notice, fragment=lambda: draw(request, session, fragment=True)
    )


@router.get(SERVICES)
def service_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The services by name, with their owner teams."""
    return _render_services(request, session, fragment=is_htmx(request))


@router.post(SERVICES)
def create_service(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form("", max_length=TEXT_LENGTH),
    owner_team_id: str = Form(""),
    kind: str = Form("internal", max_length=NAME_LENGTH),
    runbook: str = Form("", max_length=TEXT_LENGTH),
    runbook_url: str = Form("", max_length=TEXT_LENGTH),
    depends_on_ids: list[QueryId] = Form([]),
) -> Response:
    """Add a service."""
    created = catalog.create_service(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        description=description.strip(),
        owner_team_id=parse_id(owner_team_id.strip(), "owner_team_id"),
        kind=kind,
        runbook=runbook.strip(),
        runbook_url=runbook_url.strip() or None,
        depends_on_ids=depends_on_ids,
    )
    return _answer(request, session, SERVICES, f"Service {created.name} created.")


@router.post(SERVICES + "/{service_id:id}")
def update_service(
    service_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form("", max_length=TEXT_LENGTH),
    owner_team_id: str = Form(""),
    kind: str = Form("internal", max_length=NAME_LENGTH),
    runbook: str = Form("", max_length=TEXT_LENGTH),
    runbook_url: str = Form("", max_length=TEXT_LENGTH),
    depends_on_ids: list[QueryId] = Form([]),
) -> Response:
    """Save a service's edit form (no owner team chosen: the service has none; no dependency
    checked: it depends on none)."""
    changed = catalog.update_service(
        session,
        actor=actor,
        now=utcnow(),
        service_id=service_id,
        name=name,
        description=description.strip(),
        owner_team_id=parse_id(owner_team_id.strip(), "owner_team_id"),
        kind=kind,
        runbook=runbook.strip(),
        runbook_url=runbook_url.strip() or None,
        depends_on_ids=depends_on_ids,
    )
    return _answer(request, session, SERVICES, f"Service {changed.name} saved.")


@router.get(TEAMS)
def team_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The teams by name, with their members."""
    return _render_teams(request, session, fragment=is_htmx(request))


@router.post(TEAMS)
def create_team(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form("", max_length=TEXT_LENGTH),
    member_ids: list[QueryId] = Form([]),
) -> Response:
    """Add a team."""
    created = catalog.create_team(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        description=description.strip(),
        member_ids=member_ids,
    )
    return _answer(request, session, TEAMS, f"Team {created.name} created.")


@router.post(TEAMS + "/{team_id:id}")
def update_team(
    team_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form("", max_length=TEXT_LENGTH),
    member_ids: list[QueryId] = Form([]),
) -> Response:
    """Save a team's edit form (the members are those checked)."""
    changed = catalog.update_team(
        session,
        actor=actor,
        now=utcnow(),
        team_id=team_id,
        name=name,
        description=description.strip(),
        member_ids=member_ids,
    )
    return _answer(request, session, TEAMS, f"Team {changed.name} saved.")
