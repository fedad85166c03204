"""Schedule pages: the list, one schedule drawn on a time axis, and "my shifts"."""

from datetime import timedelta

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.announce import announced
from watchkeep.http.browser import WebActor, WebRoute, is_htmx
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.templates import render
from watchkeep.oncall import feeds
from watchkeep.oncall import service as schedules
from watchkeep.oncall.web.context import (
    HEADER,
    MY_FEED,
    NEW_FEED,
    OVERRIDES,
    TIMELINE,
    UPCOMING_PANEL,
    dashboard_panel,
    my_shifts_context,
    page_panels,
    schedule_response,
    view_of,
)

router = APIRouter(route_class=WebRoute)

VIEW_PANELS = (TIMELINE, HEADER, OVERRIDES, UPCOMING_PANEL)


@router.get("/schedules")
def schedule_list(request: Request, session: DbSession, _actor: WebActor) -> Response:
    """Every schedule with who is on call now and who is next."""
    return render(request, "schedules/list.html", **dashboard_panel(session, utcnow()))


@router.get("/schedules/{schedule_id:id}")
def schedule_page(
    schedule_id: int,
    request: Request,
    session: DbSession,
    actor: WebActor,
    start: str = "",
    days: int = Query(7),
    tz: str = "",
) -> Response:
    """One schedule: final schedule, overrides and layers drawn over 1, 2 or 4 weeks in the
    chosen time zone; who is on call; the overrides to come and a form to add one."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    view = view_of(start, days, tz, schedule.timezone, utcnow())
    if is_htmx(request):
        # The drawing in place; times elsewhere on the page follow its time zone.
        last = view.first + timedelta(days=view.days - 1)
        shown = f"Showing {view.first:%d %b} to {last:%d %b %Y}, {view.zone.key}."
        return schedule_response(
            request, session, schedule, actor, view, *VIEW_PANELS, announce=shown
        )
    return render(
        request,
        "schedules/page.html",
        schedule=schedule,
        can_manage=schedules.can_manage(session, actor, schedule),
        panels=page_panels(request, session, schedule, actor, view),
    )


@router.get("/my-shifts")
def my_shifts(request: Request, session: DbSession, actor: WebActor) -> Response:
    """The logged-in user's shifts across schedules for the next four weeks, and their feed."""
    return render(request, "schedules/my_shifts.html", **my_shifts_context(session, actor))


@router.post("/my-shifts/feed")
def rotate_my_feed(
    request: Request, session: DbSession, actor: WebActor, settings: SettingsDep
) -> Response:
    """Make a new secret calendar URL for the user's shifts and show it once."""
    url = settings.base_url.rstrip("/") + feeds.rotate_user_feed(
        session, user_id=actor.user_id, now=utcnow()
    )
    if not is_htmx(request):
        context = my_shifts_context(session, actor) | {"feed_url": url}
        return render(request, "schedules/my_shifts.html", **context)
    return announced(render(request, "schedules/_feed.html", **MY_FEED, feed_url=url), NEW_FEED)
