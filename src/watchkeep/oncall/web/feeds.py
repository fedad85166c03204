"""iCalendar feeds: no login, the secret token in the URL is the key (404 when it is wrong)."""

from fastapi import APIRouter
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.deps import DbSession
from watchkeep.oncall import feeds
from watchkeep.oncall.ical import MEDIA_TYPE

router = APIRouter(tags=["feeds"])

# Calendar apps poll; five minutes is fresh enough and spares the engine.
CACHE = {"Cache-Control": "private, max-age=300"}


@router.get("/feeds/schedules/{token}.ics")
def schedule_feed(token: str, session: DbSession) -> Response:
    """The schedule's shifts from 30 days back to 90 days ahead."""
    return Response(
        feeds.schedule_feed(session, token=token, now=utcnow()),
        media_type=MEDIA_TYPE,
        headers=CACHE,
    )


@router.get("/feeds/users/{token}.ics")
def user_feed(token: str, session: DbSession) -> Response:
    """One user's shifts across schedules, 30 days back to 90 days ahead."""
    return Response(
        feeds.user_feed(session, token=token, now=utcnow()), media_type=MEDIA_TYPE, headers=CACHE
    )
