"""Incident pages: the list (with its CSV export) and the declare form.

The incident page itself and the dashboard are cross-domain pages, drawn by the composition
layer (``watchkeep.app.pages``) from the panels the domains register.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from watchkeep.catalog.service import list_services
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import MAX_PAGE, TITLE_LENGTH, QueryId
from watchkeep.http.browser import WebActor, WebResponder, WebRoute, go_to, is_htmx
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.forms import PostedForm, parse_day, parse_id
from watchkeep.http.templates import render
from watchkeep.incident import customfields, roles
from watchkeep.incident import service as incidents
from watchkeep.incident.export import to_csv
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.listing import IncidentFilter, list_incidents
from watchkeep.incident.severities import list_severities, list_types
from watchkeep.incident.web import sorting
from watchkeep.incident.web.panels import field_values

router = APIRouter(route_class=WebRoute)

PAGE_SIZE = 25
DECLARE_STATUSES = (Status.INVESTIGATING, Status.TRIAGE)


@dataclass(frozen=True)
class ListQuery:
    """The list page's filters: as typed in the form, and as the service takes them."""

    form: dict[str, str]
    flt: IncidentFilter


def list_query(
    category: str = "",
    severity: str = "",
    service: str = "",
    kind: str = Query("", alias="type"),
    declared_from: str = Query("", alias="from"),
    declared_to: str = Query("", alias="to"),
    q: str = "",
) -> ListQuery:
    ids = {
        name: parse_id(value, name)
        for name, value in (("severity", severity), ("service", service), ("type", kind))
    }
    flt = IncidentFilter(
        categories=(category,) if category else (),
        severity_ids=(ids["severity"],) if ids["severity"] else (),
        service_ids=(ids["service"],) if ids["service"] else (),
        type_ids=(ids["type"],) if ids["type"] else (),
        declared_from=parse_day(declared_from, "from"),
        declared_to=parse_day(declared_to, "to", end=True),
        text=q.strip() or None,
    )
    form = {
        "category": category,
        "severity": severity,
        "service": service,
        "type": kind,
        "from": declared_from,
        "to": declared_to,
        "q": q,
    }
    return ListQuery(form=form, flt=flt)


Listing = Annotated[ListQuery, Depends(list_query)]


@router.get("/incidents")
def incident_list(
    request: Request,
    session: DbSession,
    actor: WebActor,
    listing: Listing,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    sort: str = "",
) -> Response:
    """Incidents the user may see, filtered, sorted and a page at a time."""
    order = sorting.chosen(sort)
    now = utcnow()
    rows, more = list_incidents(
        session,
        actor=actor,
        flt=listing.flt,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        sort=order.value,
        now=now,
    )
    return render(
        request,
        "incident/_results.html" if is_htmx(request) else "incident/list.html",
        incidents=rows,
        leads=roles.holders(session, incident_ids=[i.id for i in rows], slug=roles.LEAD),
        sort=order.value,
        sort_choices=sorting.CHOICES,
        sort_links=sorting.header_links(request.url, order),
        page=page,
        prev_query=request.url.include_query_params(page=page - 1).query if page > 1 else None,
        next_query=request.url.include_query_params(page=page + 1).query if more else None,
        export_query=request.url.remove_query_params("page").query,
        filters=listing.form,
        categories=list(Category),
        severities=list_severities(session),
        services=list_services(session),
        types=list_types(session),
        now=now,
    )


@router.get("/incidents/export.csv")
def incident_export(session: DbSession, actor: WebActor, listing: Listing) -> Response:
    """The filtered list as a CSV download (what the user may see, nothing more)."""
    return Response(
        to_csv(session, actor=actor, flt=listing.flt),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="incidents.csv"'},
    )


@router.get("/incidents/new")
def declare_form(request: Request, session: DbSession, _actor: WebResponder) -> Response:
    """The declare form, custom fields included."""
    return render(
        request,
        "incident/declare.html",
        severities=list_severities(session),
        types=list_types(session),
        services=list_services(session),
        fields=customfields.list_fields(session),
        statuses=DECLARE_STATUSES,
    )


@router.post("/incidents")
def declare(
    request: Request,
    session: DbSession,
    actor: WebResponder,
    form: PostedForm,
    settings: SettingsDep,
    title: str = Form("", max_length=TITLE_LENGTH),
    summary: str = Form(""),
    severity: str = Form(""),
    incident_type: str = Form(""),
    status: str = Form(Status.INVESTIGATING.value),
    service_ids: list[QueryId] = Form([]),
    private: bool = Form(False),
) -> Response:
    """Declare the incident and go to its page."""
    incident = incidents.declare(
        session,
        actor=actor,
        title=title,
        summary=summary,
        severity=severity,
        incident_type=incident_type or None,
        status=status,
        service_ids=service_ids,
        private=True if private else None,
        custom_fields={
            name: value
            for name, value in field_values(form, customfields.list_fields(session)).items()
            if value is not None
        },
        default_update_minutes=settings.update_interval_minutes,
        now=utcnow(),
    )
    return go_to(
        request,
        f"/incidents/{incident.reference}",
        notice=f"{incident.reference} declared: {incident.severity.name}, {incident.status}.",
    )
