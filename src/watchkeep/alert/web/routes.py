"""Admin page of alert routes: the routes in the order they are tried, each with what it
matches and what it decides; create, edit, move up or down, delete."""

from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from watchkeep.alert import routing, sources
from watchkeep.alert.normalize import SEVERITIES
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.core.limits import NAME_LENGTH
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import PostedForm, parse_id, parse_rank
from watchkeep.http.templates import render
from watchkeep.incident import severities

router = APIRouter(route_class=WebRoute)

ROUTES = "/admin/alert-routes"
MAX_MATCHERS_TEXT = 20_000


def _render(request: Request, session: Session, *, fragment: bool) -> Response:
    return render(
        request,
        "alert_admin/_routes.html" if fragment else "alert_admin/routes.html",
        routes=routing.list_routes(session),
        sources={s.id: s.name for s in sources.list_sources(session)},
        policies=routing.policy_names(session),
        severities=SEVERITIES,
        urgencies=routing.URGENCIES,
        incident_severities=severities.list_severities(session),
        incident_types=severities.list_types(session),
    )


def _answer(request: Request, session: Session, notice: str) -> Response:
    return answer_form(
        request,
        url=ROUTES,
        notice=notice,
        fragment=lambda: _render(request, session, fragment=True),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _fields(form: FormData) -> dict[str, Any]:
    """A route's form as the service's fields."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    matchers = text("matchers")
    if len(matchers) > MAX_MATCHERS_TEXT:
        raise Invalid(
            f"matchers must have at most {MAX_MATCHERS_TEXT} characters", field="matchers"
        )
    ids = []
    for value in form.getlist("source_ids"):
        number = parse_id(value if isinstance(value, str) else "", "source_ids")
        if number is not None:
            ids.append(number)
    severity_map = {}
    for severity in SEVERITIES:
        chosen = parse_id(text(f"severity_map_{severity}"), "severity_map")
        if chosen is not None:
            severity_map[severity] = chosen
    return {
        "source_ids": ids,
        "matchers": _lines(matchers),
        "severities": [s for s in form.getlist("severities") if isinstance(s, str)],
        "urgency": text("urgency"),
        "escalation_policy_id": parse_id(text("escalation_policy_id"), "escalation_policy_id"),
        "declare_incident": text("declare_incident") == "true",
        "severity_map": severity_map,
        "incident_type_id": parse_id(text("incident_type_id"), "incident_type_id"),
        "group_by": [label.strip() for label in text("group_by").split(",") if label.strip()],
        "group_minutes": parse_rank(text("group_minutes") or "60", "group_minutes"),
    }


@router.get(ROUTES)
def route_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The routes in the order they are tried."""
    return _render(request, session, fragment=is_htmx(request))


@router.post(ROUTES)
def create_route(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    form: PostedForm,
    name: str = Form("", max_length=NAME_LENGTH),
) -> Response:
    """Add a route; it is tried last."""
    created = routing.create(session, actor=actor, now=utcnow(), name=name, **_fields(form))
    return _answer(request, session, f"Route {created.name} created.")


@router.post(ROUTES + "/{route_id:id}")
def update_route(
    route_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    form: PostedForm,
    name: str = Form("", max_length=NAME_LENGTH),
) -> Response:
    """Save a route's edit form (nothing checked: any source, any severity)."""
    changed = routing.update(
        session, actor=actor, now=utcnow(), route_id=route_id, name=name, **_fields(form)
    )
    return _answer(request, session, f"Route {changed.name} saved.")


@router.post(ROUTES + "/{route_id:id}/move")
def move_route(
    route_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    direction: str = Form(""),
) -> Response:
    """Try a route one place earlier (``up``) or later (``down``)."""
    ordered = routing.list_routes(session)
    index = next((i for i, r in enumerate(ordered) if r.id == route_id), None)
    moved = routing.get(session, route_id=route_id)
    if direction not in ("up", "down"):
        raise Invalid("direction must be up or down", field="direction")
    other = (index or 0) + (-1 if direction == "up" else 1)
    if index is None or not 0 <= other < len(ordered):
        end = "first" if direction == "up" else "last"
        return _answer(request, session, f"Route {moved.name} is already {end}.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    now = utcnow()
    for position, route in enumerate(ordered):
        if route.position != position:
            routing.update(session, actor=actor, now=now, route_id=route.id, position=position)
    return _answer(request, session, f"Route {moved.name} moved to place {other + 1}.")


@router.post(ROUTES + "/{route_id:id}/delete")
def delete_route(route_id: int, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Remove a route; alerts it routed keep their urgency."""
    name = routing.get(session, route_id=route_id).name
    routing.delete(session, actor=actor, now=utcnow(), route_id=route_id)
    return _answer(request, session, f"Route {name} deleted.")
