"""Times as a viewer reads them: in their own time zone, with the year only when it is not
this year, and how long ago.

The templates use these as filters (``value|when``, ``value|when_full``, ``value|iso``,
``value|ago``); the zone is the logged-in user's (``request.state.timezone``, UTC for
nobody). A value is a UTC ``datetime`` or an ISO 8601 string, as timeline payloads keep it.
"""

from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context

from watchkeep.core.clock import ensure_utc, utcnow


def zone_named(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC for none or an unknown name (a page must still draw)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def viewer_zone(request: Request | None) -> tzinfo:
    """The time zone of whoever the request is drawn for."""
    state = getattr(request, "state", None)
    return zone_named(getattr(state, "timezone", None))


def instant(value: datetime | str | None) -> datetime | None:
    """A UTC instant from a ``datetime`` or an ISO 8601 string (``None`` if neither)."""
    if isinstance(value, datetime):
        return ensure_utc(value)
    if isinstance(value, str) and value:
        try:
            return ensure_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def zone_label(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or "UTC")


def short(value: datetime, zone: tzinfo, now: datetime, *, weekday: bool = False) -> str:
    """``05 Dec 10:00`` in ``zone``, with the year when it is not the current one there
    (``05 Dec 2024 10:00``); ``weekday`` leads with the day (``Thu 05 Dec 10:00``)."""
    local = value.astimezone(zone)
    year = "" if local.year == now.astimezone(zone).year else f" {local.year}"
    day = local.strftime("%a %d %b" if weekday else "%d %b")
    return f"{day}{year} {local:%H:%M}"


def full(value: datetime, zone: tzinfo) -> str:
    """``2024-12-05 10:00:00 Europe/London``: the whole instant, for a tooltip."""
    return f"{value.astimezone(zone):%Y-%m-%d %H:%M:%S} {zone_label(zone)}"


def local_input(value: datetime | None, zone: tzinfo) -> str:
    """The value of a ``datetime-local`` input showing ``value`` in ``zone``."""
    return "" if value is None else f"{value.astimezone(zone):%Y-%m-%dT%H:%M}"


def span_words(seconds: int) -> str:
    """``46m``, ``3h 5m``, ``2d 4h``: a duration as the pages write it."""
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def ago(value: datetime, now: datetime) -> str:
    """``46m ago``, ``just now``, or ``in 5m`` for a time still ahead."""
    seconds = int((now - value).total_seconds())
    if abs(seconds) < 60:
        return "just now"
    return f"{span_words(seconds)} ago" if seconds > 0 else f"in {span_words(-seconds)}"


def _zone(context: Context) -> tzinfo:
    return viewer_zone(context.get("request"))


def _now(context: Context) -> datetime:
    now = context.get("now")
    return now if isinstance(now, datetime) else utcnow()


@pass_context
def when_filter(context: Context, value: Any, weekday: bool = False) -> str:
    moment = instant(value)
    if moment is None:
        return ""
    return short(moment, _zone(context), _now(context), weekday=weekday)


@pass_context
def when_full_filter(context: Context, value: Any) -> str:
    moment = instant(value)
    return "" if moment is None else full(moment, _zone(context))


@pass_context
def ago_filter(context: Context, value: Any) -> str:
    moment = instant(value)
    return "" if moment is None else ago(moment, _now(context))


@pass_context
def local_input_filter(context: Context, value: Any) -> str:
    return local_input(instant(value), _zone(context))


@pass_context
def zone_filter(context: Context, _value: Any = None) -> str:
    return zone_label(_zone(context))


def iso_filter(value: Any) -> str:
    moment = instant(value)
    return "" if moment is None else f"{moment:%Y-%m-%dT%H:%M:%SZ}"


FILTERS = {
    "when": when_filter,
    "when_full": when_full_filter,
    "ago": ago_filter,
    "iso": iso_filter,
    "local_input": local_input_filter,
    "viewer_zone": zone_filter,
}
