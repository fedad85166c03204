"""Actions on the schedule page: add and remove overrides, make a calendar feed URL."""

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.announce import announced
from watchkeep.http.browser import WebResponder, WebRoute, is_htmx
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.forms import parse_id
from watchkeep.http.templates import render
from watchkeep.oncall import feeds
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.web.context import (
    HEADER,
    NEW_FEED,
    OVERRIDES,
    TIMELINE,
    UPCOMING_PANEL,
    page_panels,
    parse_local,
    schedule_response,
    view_of,
)

router = APIRouter(route_class=WebRoute)


@router.post("/schedules/{schedule_id:id}/overrides")
def create_override(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    user: str = Form(""),
    start: str = Form(""),
    end: str = Form(""),
    note: str = Form(""),
    view_start: str = Form(""),
    view_days: int = Form(7),
    tz: str = Form(""),
) -> Response:
    """Put someone on call over [start, end) (read in the page's time zone)."""
    now = utcnow()
    schedule = schedules.get(session, schedule_id=schedule_id)
    view = view_of(view_start, view_days, tz, schedule.timezone, now)
    override = overrides_service.create_override(
        session,
        schedule=schedule,
        actor=actor,
        user_id=None if user == "none" else parse_id(user, "user"),
        start=parse_local(start, view.zone, "start"),
        end=parse_local(end, view.zone, "end"),
        note=note,
        now=now,
    )
    who = override.user.name if override.user else "Nobody"
    when = " to ".join(
        t.astimezone(view.zone).strftime("%a %d %b %H:%M") for t in (override.start, override.end)
    )
    return schedule_response(
        request,
        session,
        schedule,
        actor,
        view,
        OVERRIDES,
        TIMELINE,
        HEADER,
        UPCOMING_PANEL,
        announce=f"Override added: {who} on call {when}.",
    )


@router.post("/schedules/{schedule_id:id}/overrides/{override_id:id}/delete")
def delete_override(
    schedule_id: int,
    override_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    view_start: str = Form(""),
    view_days: int = Form(7),
    tz: str = Form(""),
) -> Response:
    """Remove an override; the part of it that has already happened stays in history."""
    now = utcnow()
    schedule = schedules.get(session, schedule_id=schedule_id)
    view = view_of(view_start, view_days, tz, schedule.timezone, now)
    overrides_service.delete_override(
        session, schedule=schedule, override_id=override_id, actor=actor, now=now
    )
    return schedule_response(
        request,
        session,
        schedule,
        actor,
        view,
        OVERRIDES,
        TIMELINE,
        HEADER,
        UPCOMING_PANEL,
        announce="Override removed.",
    )


@router.post("/schedules/{schedule_id:id}/feed")
def rotate_feed(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: WebResponder,
    settings: SettingsDep,
) -> Response:
    """Make a new secret calendar URL for the schedule and show it once."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    path = feeds.rotate_schedule_feed(session, schedule=schedule, actor=actor)
    url = settings.base_url.rstrip("/") + path
    if is_htmx(request):
        feed = render(
            request,
            "schedules/_feed.html",
            feed_id="schedule-feed",
            feed_action=f"/schedules/{schedule.id}/feed",
            feed_url=url,
            feed_what="this schedule",
        )
        return announced(feed, NEW_FEED)
    view = view_of("", 7, "", schedule.timezone, utcnow())
    return render(
        request,
        "schedules/page.html",
        schedule=schedule,
        can_manage=schedules.can_manage(session, actor, schedule),
        panels=page_panels(request, session, schedule, actor, view),
        feed_url=url,
    )
