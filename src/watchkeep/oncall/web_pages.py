"""Schedule pages: the list, one schedule drawn on a time axis, and "my shifts"."""

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.api.deps import DbSession, SettingsDep
from watchkeep.auth.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.oncall import feeds
from watchkeep.oncall import service as schedules
from watchkeep.oncall.people import users_by_id
from watchkeep.oncall.shifts import shifts_of_user, status_board
from watchkeep.oncall.web_context import (
    HEADER,
    OVERRIDES,
    TIMELINE,
    UPCOMING_PART,
    schedule_context,
    view_of,
    zone_or_utc,
)
from watchkeep.oncall.web_timeline import colour_of
from watchkeep.web.auth import WebActor, WebRoute, is_htmx
from watchkeep.web.pages import render

router = APIRouter(route_class=WebRoute)

VIEW_PARTS = (TIMELINE, HEADER, OVERRIDES, UPCOMING_PART)
MY_SHIFTS_DAYS = 28
MY_FEED: dict[str, Any] = {
    "feed_id": "my-feed",
    "feed_action": "/my-shifts/feed",
    "feed_what": "your shifts",
}


@router.get("/schedules")
def schedule_list(request: Request, session: DbSession, _actor: WebActor) -> Response:
    """Every schedule with who is on call now and who is next."""
    board = status_board(session, utcnow())
    ids = [u for s in board for e in (s.current, s.next) if e for u in e.users]
    return render(
        request,
        "schedules/list.html",
        board=board,
        names={k: v.name for k, v in users_by_id(session, ids).items()},
        colour_of=colour_of,
        now=utcnow(),
    )


@router.get("/schedules/{schedule_id:int}")
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
    context = schedule_context(session, schedule, actor, view)
    if is_htmx(request):
        # The drawing in place; times elsewhere on the page follow its time zone.
        return render(request, "schedules/_parts.html", parts=VIEW_PARTS, **context)
    return render(request, "schedules/page.html", **context)


def my_shifts_context(session: Session, actor: Actor) -> dict[str, Any]:
    """The user's shifts across schedules for the next four weeks."""
    now = utcnow()
    shifts = shifts_of_user(
        session, user_id=actor.user_id, start=now, end=now + timedelta(days=MY_SHIFTS_DAYS)
    )
    me = str(actor.user_id)
    users = users_by_id(session, [me, *(u for s in shifts for u in s.users)])
    zone = zone_or_utc(users[me].timezone if me in users else "UTC")
    return {
        "shifts": shifts,
        "names": {k: v.name for k, v in users.items()},
        "colour_of": colour_of,
        "me": me,
        "zone": zone.key,
        "zone_info": zone,
        "days": MY_SHIFTS_DAYS,
        "now": now,
        "feed_url": None,
        **MY_FEED,
    }


@router.get("/my-shifts")
def my_shifts(request: Request, session: DbSession, actor: WebActor) -> Response:
    """The logged-in user's shifts across schedules for the next four weeks, and their feed."""
    return render(request, "schedules/my_shifts.html", **my_shifts_context(session, actor))


@router.post("/my-shifts/feed")
def rotate_my_feed(
    request: Request, session: DbSession, actor: WebActor, settings: SettingsDep
) -> Response:
    """Make a new secret calendar URL for the user's shifts and show it once."""
    url = settings.base_url.rstrip("/") + feeds.rotate_user_feed(session, user_id=actor.user_id)
    if not is_htmx(request):
        context = my_shifts_context(session, actor) | {"feed_url": url}
        return render(request, "schedules/my_shifts.html", **context)
    return render(request, "schedules/_feed.html", **MY_FEED, feed_url=url)
