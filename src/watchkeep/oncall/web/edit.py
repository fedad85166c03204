"""Creating, editing and deleting schedules from the web UI."""

from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog.service import list_teams
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.core.limits import NAME_LENGTH
from watchkeep.http.browser import WebResponder, WebRoute, go_to
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import PostedForm, parse_id
from watchkeep.http.templates import render
from watchkeep.oncall import service as schedules
from watchkeep.oncall.models import Schedule
from watchkeep.oncall.web.form import FORM_CHOICES, friendly, layer_blocks, layers_from_form

router = APIRouter(route_class=WebRoute)

ZONES = sorted(available_timezones())


def _form(request: Request, session: Session, schedule: Schedule | None, timezone: str) -> Response:
    return render(
        request,
        "schedules/form.html",
        schedule=schedule,
        timezone=timezone,
        blocks=layer_blocks(schedule),
        people=[u for u in auth.list_users(session) if u.is_active],
        teams=list_teams(session),
        zones=ZONES,
        **FORM_CHOICES,
    )


@router.get("/schedules/new")
def new_schedule(request: Request, session: DbSession, actor: WebResponder) -> Response:
    """The form for a new schedule, in the user's own time zone to begin with."""
    me = auth.get_user(session, user_id=actor.user_id)
    return _form(request, session, None, me.timezone)


@router.post("/schedules")
def create_schedule(
    request: Request,
    session: DbSession,
    actor: WebResponder,
    form: PostedForm,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form(""),
    timezone: str = Form(""),
    team: str = Form(""),
) -> Response:
    """Create the schedule and go to its page; errors name the layer and the field."""
    layers, blocks = layers_from_form(form, timezone.strip())
    try:
        schedule = schedules.create(
            session,
            actor=actor,
            name=name,
            description=description,
            timezone=timezone.strip(),
            team_id=parse_id(team, "team"),
            layers=layers,
            now=utcnow(),
        )
    except Invalid as exc:
        raise friendly(exc, blocks) from None
    return go_to(request, f"/schedules/{schedule.id}", notice=f"Schedule {schedule.name} created.")


@router.get("/schedules/{schedule_id:id}/edit")
def edit_schedule(
    schedule_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """The form for an existing schedule (for those who may change it)."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    schedules.require_manage(session, actor, schedule)
    return _form(request, session, schedule, schedule.timezone)


@router.post("/schedules/{schedule_id:id}/edit")
def update_schedule(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    form: PostedForm,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form(""),
    timezone: str = Form(""),
    team: str = Form(""),
) -> Response:
    """Save the schedule; shifts that have already happened stay as they were."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    layers, blocks = layers_from_form(form, timezone.strip())
    try:
        schedules.update(
            session,
            schedule=schedule,
            actor=actor,
            name=name,
            description=description,
            timezone=timezone.strip(),
            team_id=parse_id(team, "team"),
            layers=layers,
            now=utcnow(),
        )
    except Invalid as exc:
        raise friendly(exc, blocks) from None
    return go_to(request, f"/schedules/{schedule.id}", notice=f"Schedule {schedule.name} saved.")


@router.post("/schedules/{schedule_id:id}/delete")
def delete_schedule(
    schedule_id: int, request: Request, session: DbSession, actor: WebResponder
) -> Response:
    """Delete the schedule with its overrides and history."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    name = schedule.name
    schedules.delete(session, schedule=schedule, actor=actor)
    return go_to(request, "/schedules", notice=f"Schedule {name} deleted.")
