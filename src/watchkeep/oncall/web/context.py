"""What the schedule pages show, gathered from the services: the drawing, who is on call,
the overrides, and which controls the user may use."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.http.browser import go_to, is_htmx
from watchkeep.http.panels import Panel, PanelInput, PanelSet, panels_response, render_panel
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.engine import Entry
from watchkeep.oncall.feeds import MARGIN
from watchkeep.oncall.models import Schedule, ScheduleOverride
from watchkeep.oncall.people import users_by_id
from watchkeep.oncall.shifts import shifts_of_user, status, status_board
from watchkeep.oncall.web.timeline import Lane, build, colour_of

SPANS = {7: "1 week", 14: "2 weeks", 28: "4 weeks"}
COMMON_ZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
UPCOMING = 8


@dataclass(frozen=True)
class View:
    """The window the page draws: ``days`` from local midnight of ``first`` in ``zone``."""

    first: date
    days: int
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, self.first.day, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        last = self.first + timedelta(days=self.days)
        return datetime(last.year, last.month, last.day, tzinfo=self.zone)

    def query(self, first: date | None = None) -> str:
        day = (first or self.first).isoformat()
        return f"start={day}&days={self.days}&tz={self.zone.key}"


def zone_named(name: str, field: str = "tz") -> ZoneInfo:
    """The IANA zone ``name``, or Invalid naming the field."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{field}: unknown time zone {name!r}", field=field) from None


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone ``name`` if it exists, else UTC (a user's stored zone may be unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def view_of(start: str, days: int, tz: str, default_zone: str, now: datetime) -> View:
    """The window asked for in the query string, with defaults around today."""
    zone = zone_named(tz or default_zone)
    days = days if days in SPANS else 7
    if start:
        try:
            first = date.fromisoformat(start)
        except ValueError:
            raise Invalid("start: must be a date like 2026-03-02", field="start") from None
    else:
        first = now.astimezone(zone).date() - timedelta(days=days // 7)
    return View(first, days, zone)


def _override_entries(overrides: Sequence[ScheduleOverride]) -> list[Entry]:
    return [
        Entry(o.start, o.end, () if o.user_id is None else (str(o.user_id),)) for o in overrides
    ]


def timeline_context(
    session: Session, schedule: Schedule, actor: Actor, view: View
) -> dict[str, Any]:
    """The drawing of ``view`` and the controls around it."""
    now = utcnow()
    me = auth.get_user(session, user_id=actor.user_id)
    found = schedules.entries(session, schedule, view.start, view.end)
    lanes = [
        Lane("Final schedule", "who is paged", "final", found.final),
        Lane(
            "Overrides",
            f"{len(found.overrides)} in view",
            "overrides",
            _override_entries(found.overrides),
        ),
        *(
            Lane(f"Layer {layer.position + 1}", layer.name, "layer", rows)
            for layer, rows in reversed(list(zip(schedule.layers, found.layers, strict=True)))
        ),
    ]
    ids = [u for lane in lanes for e in lane.entries for u in e.users]
    users = users_by_id(session, ids)
    last_day = view.first + timedelta(days=view.days - 1)
    return {
        "timeline": build(
            lanes, start=view.start, end=view.end, zone=view.zone, now=now, users=users
        ),
        "view": view,
        "spans": SPANS,
        "zones": list(
            dict.fromkeys([schedule.timezone, me.timezone, view.zone.key, *COMMON_ZONES])
        ),
        "last_day": last_day,
        "prev_query": view.query(view.first - timedelta(days=view.days)),
        "next_query": view.query(view.first + timedelta(days=view.days)),
        "today_query": f"days={view.days}&tz={view.zone.key}",
    }


@dataclass(frozen=True)
class ScheduleView:
    """The subject of the schedule page's panels: a schedule seen over a view."""

    schedule: Schedule
    view: View


def shared_context(
    session: Session, schedule: Schedule, actor: Actor, view: View
) -> dict[str, Any]:
    """What every panel of the schedule page may use: who is on call now and next, the
    entries to come, the names of everyone shown, and what the viewer may do."""
    now = utcnow()
    upcoming = schedules.entries(session, schedule, now, now + timedelta(days=60)).final
    state = status(session, schedule, now)
    ids = [u for layer in schedule.layers for u in layer.users if u]
    ids += [u for e in (*upcoming[:UPCOMING], state.current, state.next) if e for u in e.users]
    return {
        "schedule": schedule,
        "view": view,
        "actor": actor,
        "actor_id": actor.user_id,
        "status": state,
        "upcoming": upcoming[:UPCOMING],
        "names": {k: v.name for k, v in users_by_id(session, ids).items()},
        "colour_of": colour_of,
        "can_manage": schedules.can_manage(session, actor, schedule),
        "can_override": overrides_service.can_override(session, actor, schedule),
        "now": now,
    }


def _timeline(panel: PanelInput) -> dict[str, Any]:
    page: ScheduleView = panel.subject
    return timeline_context(panel.session, page.schedule, panel.shared["actor"], page.view)


def _overrides(panel: PanelInput) -> dict[str, Any]:
    schedule_id, now = panel.subject.schedule.id, panel.shared["now"]
    return {
        "overrides": overrides_service.list_overrides(
            panel.session, schedule_id=schedule_id, start=now
        ),
        "people": [u for u in auth.list_users(panel.session) if u.is_active],
        "hour": timedelta(hours=1),
    }


HEADER = Panel("schedule-header", "schedules/_header.html", slot="header")
TIMELINE = Panel(
    "schedule-timeline", "schedules/_timeline.html", _timeline, slot="header", order=10
)
OVERRIDES = Panel("schedule-overrides", "schedules/_overrides.html", _overrides, slot="main")
LAYERS = Panel("schedule-layers", "schedules/_layers.html", slot="main", order=110)
UPCOMING_PANEL = Panel("schedule-upcoming", "schedules/_upcoming.html", slot="side")
PAGE = PanelSet.of("schedule", HEADER, TIMELINE, OVERRIDES, LAYERS, UPCOMING_PANEL)
SLOTS = ("header", "main", "side")


def page_panels(
    request: Request, session: Session, schedule: Schedule, actor: Actor, view: View
) -> dict[str, list[Markup]]:
    """Every panel of the schedule page, drawn, by slot."""
    shared = shared_context(session, schedule, actor, view)
    subject = ScheduleView(schedule, view)
    return {
        slot: [render_panel(request, session, p, subject, shared) for p in PAGE.slot(slot)]
        for slot in SLOTS
    }


def parse_local(value: str, zone: ZoneInfo, field: str) -> datetime:
    """A ``datetime-local`` input read in ``zone`` (fold=0) as an aware UTC instant."""
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(
            f"{field}: must be a date and time like 2026-03-02T09:00", field=field
        ) from None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def schedule_response(
    request: Request,
    session: Session,
    schedule: Schedule,
    actor: Actor,
    view: View,
    *panels: Panel,
    announce: str,
) -> Response:
    """After an action or a change of view: for htmx the changed panels (the first in
    place, the others out of band) and ``announce``, what changed; for a plain form post a
    redirect back to the schedule page, which shows ``announce`` once."""
    if not is_htmx(request):
        url = f"/schedules/{schedule.id}?{view.query()}#{panels[0].name}"
        return go_to(request, url, notice=announce)
    shared = shared_context(session, schedule, actor, view)
    subject = ScheduleView(schedule, view)
    return panels_response(request, session, subject, shared, panels, announce=announce)


def dashboard_panel(session: Session, now: datetime) -> dict[str, Any]:
    """The dashboard's "on call now / next" panel: every schedule's current and next entry."""
    board = status_board(session, now)
    ids = [u for s in board for e in (s.current, s.next) if e for u in e.users]
    return {
        "oncall_board": board,
        "oncall_names": {k: v.name for k, v in users_by_id(session, ids).items()},
        "colour_of": colour_of,
    }


MY_SHIFTS_DAYS = 28
NEW_FEED = "New calendar address made; the old one no longer works."
MY_FEED: dict[str, Any] = {
    "feed_id": "my-feed",
    "feed_action": "/my-shifts/feed",
    "feed_what": "your shifts",
}


def my_shifts_context(session: Session, actor: Actor) -> dict[str, Any]:
    """The user's shifts across schedules for the next four weeks, in their time zone."""
    now = utcnow()
    until = now + timedelta(days=MY_SHIFTS_DAYS)
    # Asked over a wider window so that the last shifts show their real end.
    wider = shifts_of_user(session, user_id=actor.user_id, start=now, end=until + MARGIN)
    shifts = [s for s in wider if s.start < until]
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


def _on_call_now(panel: PanelInput) -> dict[str, Any]:
    return dashboard_panel(panel.session, panel.subject)


ON_CALL_NOW = Panel(
    "on-call-now",
    "schedules/_oncall_panel.html",
    _on_call_now,
    slot="main",
    order=20,
    refresh_on=("every 30s",),
)
DASHBOARD_PANELS = (ON_CALL_NOW,)
