"""JSON routes for on-call schedules: CRUD, entries, who is on call, overrides, feed URLs."""

from datetime import datetime, timedelta

from fastapi import APIRouter, Query, status

from watchkeep.core.clock import ensure_utc, utcnow
from watchkeep.core.limits import LooseInstant
from watchkeep.http.deps import CurrentActor, DbSession, Responder, SettingsDep
from watchkeep.oncall import feeds
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.read import (
    entries_read,
    oncall_read,
    override_read,
    schedule_read,
    shifts_read,
)
from watchkeep.oncall.schemas import (
    EntriesRead,
    FeedState,
    FeedUrl,
    OncallRead,
    OverrideIn,
    OverrideRead,
    ScheduleCreate,
    ScheduleRead,
    ScheduleUpdate,
    ShiftRead,
)
from watchkeep.oncall.shifts import shifts_of_user

router = APIRouter(tags=["schedules"])

DEFAULT_DAYS = 7
FromQuery = Query(None, alias="from", description="Window start, ISO-8601 (default: now)")
ToQuery = Query(None, alias="to", description="Window end, excluded (default: from + 7 days)")


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    start = ensure_utc(start) if start else utcnow()
    return start, ensure_utc(end) if end else start + timedelta(days=DEFAULT_DAYS)


@router.get("/schedules")
def list_(session: DbSession, _actor: CurrentActor) -> list[ScheduleRead]:
    """Every schedule, by name."""
    return [schedule_read(session, s) for s in schedules.list_schedules(session)]


@router.post("/schedules", status_code=status.HTTP_201_CREATED)
def create(body: ScheduleCreate, session: DbSession, actor: Responder) -> ScheduleRead:
    """Create a schedule with its layers (users as ids); 422 names the field that is wrong."""
    schedule = schedules.create(
        session,
        actor=actor,
        name=body.name,
        description=body.description,
        timezone=body.timezone,
        team_id=body.team_id,
        layers=[layer.spec() for layer in body.layers],
        now=utcnow(),
    )
    return schedule_read(session, schedule)


@router.get("/schedules/{schedule_id:id}")
def get(schedule_id: int, session: DbSession, _actor: CurrentActor) -> ScheduleRead:
    return schedule_read(session, schedules.get(session, schedule_id=schedule_id))


@router.patch("/schedules/{schedule_id:id}")
def update(
    schedule_id: int, body: ScheduleUpdate, session: DbSession, actor: Responder
) -> ScheduleRead:
    """Change a schedule; ``layers`` replaces them all. Past shifts stay as they were."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    given = body.model_fields_set
    schedules.update(
        session,
        schedule=schedule,
        actor=actor,
        name=body.name,
        description=body.description,
        timezone=body.timezone,
        team_id=body.team_id if "team_id" in given else schedules.KEEP,
        layers=None if body.layers is None else [layer.spec() for layer in body.layers],
        now=utcnow(),
    )
    return schedule_read(session, schedule)


@router.delete("/schedules/{schedule_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(schedule_id: int, session: DbSession, actor: Responder) -> None:
    """Delete a schedule with its overrides and history."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    schedules.delete(session, schedule=schedule, actor=actor)


@router.get("/schedules/{schedule_id:id}/entries", response_model_by_alias=True)
def entries(
    schedule_id: int,
    session: DbSession,
    _actor: CurrentActor,
    start: LooseInstant | None = FromQuery,
    end: LooseInstant | None = ToQuery,
) -> EntriesRead:
    """Each layer's entries, the overrides and the final schedule over [from, to).

    At most 366 days (400 beyond). Final entries that have ended come from history.
    """
    schedule = schedules.get(session, schedule_id=schedule_id)
    start, end = _window(start, end)
    found = schedules.entries(session, schedule, start, end)
    return entries_read(session, schedule, found, start, end)


@router.get("/schedules/{schedule_id:id}/oncall")
def oncall(
    schedule_id: int,
    session: DbSession,
    _actor: CurrentActor,
    at: LooseInstant | None = Query(None, description="The instant (default: now)"),
) -> OncallRead:
    """Who is on call at ``at``."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    moment = ensure_utc(at) if at else utcnow()
    return oncall_read(session, moment, schedules.oncall_now(session, schedule, moment))


@router.get("/schedules/{schedule_id:id}/overrides")
def list_overrides(
    schedule_id: int,
    session: DbSession,
    _actor: CurrentActor,
    start: LooseInstant | None = Query(None, alias="from", description="Default: now"),
    end: LooseInstant | None = Query(None, alias="to", description="Default: no end"),
) -> list[OverrideRead]:
    """Overrides overlapping [from, to): by default those not yet over."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    found = overrides_service.list_overrides(
        session,
        schedule_id=schedule.id,
        start=ensure_utc(start) if start else utcnow(),
        end=ensure_utc(end) if end else None,
    )
    return [override_read(o) for o in found]


@router.post("/schedules/{schedule_id:id}/overrides", status_code=status.HTTP_201_CREATED)
def create_override(
    schedule_id: int, body: OverrideIn, session: DbSession, actor: Responder
) -> OverrideRead:
    """Put someone on call alone over [start, end) ("cover me"); the newest override wins."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    override = overrides_service.create_override(
        session,
        schedule=schedule,
        actor=actor,
        user_id=body.user_id,
        start=ensure_utc(body.start),
        end=ensure_utc(body.end),
        note=body.note,
        now=utcnow(),
    )
    return override_read(override)


@router.delete(
    "/schedules/{schedule_id:id}/overrides/{override_id:id}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_override(
    schedule_id: int, override_id: int, session: DbSession, actor: Responder
) -> None:
    schedule = schedules.get(session, schedule_id=schedule_id)
    overrides_service.delete_override(
        session, schedule=schedule, override_id=override_id, actor=actor, now=utcnow()
    )


@router.get("/schedules/{schedule_id:id}/feed-url")
def schedule_feed_state(schedule_id: int, session: DbSession, actor: Responder) -> FeedState:
    """Whether the schedule has a calendar feed address (admins and its team)."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    schedules.require_manage(session, actor, schedule)
    return FeedState(exists=schedule.feed_token_hash is not None)


@router.post("/schedules/{schedule_id:id}/feed-url", status_code=201)
def rotate_schedule_feed(
    schedule_id: int, session: DbSession, actor: Responder, settings: SettingsDep
) -> FeedUrl:
    """A new secret iCalendar URL for the schedule (admins and its team); the old one stops."""
    schedule = schedules.get(session, schedule_id=schedule_id)
    path = feeds.rotate_schedule_feed(session, schedule=schedule, actor=actor)
    return FeedUrl(url=settings.base_url.rstrip("/") + path)


@router.get("/users/me/feed-url", tags=["users"])
def my_feed_state(session: DbSession, actor: CurrentActor) -> FeedState:
    """Whether you have a calendar feed address for your shifts."""
    return FeedState(exists=feeds.has_user_feed(session, user_id=actor.user_id))


@router.post("/users/me/feed-url", tags=["users"], status_code=201)
def rotate_my_feed(session: DbSession, actor: CurrentActor, settings: SettingsDep) -> FeedUrl:
    """A new secret iCalendar URL for your shifts across schedules; the old one stops."""
    path = feeds.rotate_user_feed(session, user_id=actor.user_id, now=utcnow())
    return FeedUrl(url=settings.base_url.rstrip("/") + path)


@router.get("/users/me/shifts", tags=["users"])
def my_shifts(
    session: DbSession,
    actor: CurrentActor,
    start: LooseInstant | None = FromQuery,
    end: LooseInstant | None = ToQuery,
) -> list[ShiftRead]:
    """Your shifts across every schedule over [from, to) (at most 366 days)."""
    start, end = _window(start, end)
    found = shifts_of_user(session, user_id=actor.user_id, start=start, end=end)
    return shifts_read(session, found)
