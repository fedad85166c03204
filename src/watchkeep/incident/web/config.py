"""Admin pages for the incident configuration: severities and incident types (list,
create, edit)."""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id, parse_rank
from watchkeep.http.templates import render
from watchkeep.incident import severities

router = APIRouter(route_class=WebRoute)

SEVERITIES = "/admin/severities"
TYPES = "/admin/incident-types"


def _render(request: Request, session: Session, kind: str, *, fragment: bool) -> Response:
    items = (
        severities.list_severities(session)
        if kind == "severity"
        else severities.list_types(session)
    )
    return render(
        request,
        "incident/_config.html" if fragment else "incident/config.html",
        kind=kind,
        items=items,
        base=SEVERITIES if kind == "severity" else TYPES,
    )


def _answer(request: Request, session: Session, kind: str, notice: str) -> Response:
    """The list of ``kind`` again, or back to its page."""
    return answer_form(
        request,
        url=SEVERITIES if kind == "severity" else TYPES,
        notice=notice,
        fragment=lambda: _render(request, session, kind, fragment=True),
    )


@router.get(SEVERITIES)
def severity_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The severities, most severe first, with their first-update times."""
    return _render(request, session, "severity", fragment=is_htmx(request))


@router.post(SEVERITIES)
def create_severity(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    description: str = Form(""),
    rank: str = Form(""),
    update_minutes: str = Form(""),
) -> Response:
    """Add a severity."""
    created = severities.create_severity(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        description=description.strip(),
        rank=parse_rank(rank),
        update_minutes=parse_id(update_minutes.strip(), "update_minutes"),
    )
    return _answer(request, session, "severity", f"Severity {created.name} created.")


@router.post(SEVERITIES + "/{severity_id:id}")
def update_severity(
    severity_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    description: str = Form(""),
    rank: str = Form(""),
    update_minutes: str = Form(""),
) -> Response:
    """Save a severity's edit form."""
    changed = severities.update_severity(
        session,
        actor=actor,
        now=utcnow(),
        severity_id=severity_id,
        name=name,
        description=description.strip(),
        rank=parse_rank(rank),
        update_minutes=parse_id(update_minutes.strip(), "update_minutes"),
    )
    return _answer(request, session, "severity", f"Severity {changed.name} saved.")


@router.get(TYPES)
def type_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The incident types in their order, with their privacy defaults."""
    return _render(request, session, "type", fragment=is_htmx(request))


@router.post(TYPES)
def create_type(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    description: str = Form(""),
    rank: str = Form("0"),
    private_by_default: bool = Form(False),
) -> Response:
    """Add an incident type."""
    created = severities.create_type(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        description=description.strip(),
        rank=parse_rank(rank),
        private_by_default=private_by_default,
    )
    return _answer(request, session, "type", f"Incident type {created.name} created.")


@router.post(TYPES + "/{type_id:id}")
def update_type(
    type_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    description: str = Form(""),
    rank: str = Form("0"),
    private_by_default: bool = Form(False),
) -> Response:
    """Save an incident type's edit form."""
    changed = severities.update_type(
        session,
        actor=actor,
        now=utcnow(),
        type_id=type_id,
        name=name,
        description=description.strip(),
        rank=parse_rank(rank),
        private_by_default=private_by_default,
    )
    return _answer(request, session, "type", f"Incident type {changed.name} saved.")
