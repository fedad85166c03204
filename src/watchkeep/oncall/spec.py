"""The schedule spec (DESIGN.md §5): JSON in, frozen values out, clear errors naming the field.

A spec is ``{"timezone", "layers": [...], "overrides": [...]}``; see ``docs/schedules.md``.
Everything here is validation: the engine trusts a parsed :class:`Schedule`.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watchkeep.core.errors import Invalid

Unit = Literal["hourly", "daily", "weekly"]
UNITS: tuple[Unit, ...] = ("hourly", "daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A turn longer than this many units is a typo, and it would carry dates past year 9999.
MAX_INTERVAL = 10_000
_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_SPEC_KEYS = {"timezone", "layers", "overrides", "name", "description"}
_LAYER_KEYS = {
    "name",
    "users",
    "anchor",
    "handovers",
    "working_intervals",
    "concurrent",
    "start",
    "end",
}


@dataclass(frozen=True, slots=True)
class Handover:
    """One turn length: ``interval`` units of ``unit``."""

    interval: int
    unit: Unit


@dataclass(frozen=True, slots=True)
class WorkingInterval:
    """Local time on call, belonging to the date it starts on; ``end <= start`` runs overnight."""

    weekday: int  # 0 = Monday, as date.weekday()
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Layer:
    """One rotation. ``working_intervals`` None means 24/7; an empty tuple means never."""

    name: str
    users: tuple[str | None, ...]
    anchor: datetime  # naive local date-time, the start of turn 0
    handovers: tuple[Handover, ...]
    working_intervals: tuple[WorkingInterval, ...] | None = None
    concurrent: int = 1
    start: datetime | None = None  # aware UTC instant
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Override:
    """``user`` (None = nobody) is on call alone over [start, end)."""

    user: str | None
    start: datetime
    end: datetime
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Schedule:
    """A schedule: its time zone, its layers (lowest first) and its overrides."""

    timezone: str
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The IANA zone; ZoneInfo keeps one instance per key, so this is a cache lookup."""
        return ZoneInfo(self.timezone)


def parse_schedule(data: object) -> Schedule:
    """Validate a JSON spec into a :class:`Schedule`; raise ``Invalid`` naming the field."""
    spec = _mapping(data, "spec", _SPEC_KEYS)
    timezone = _timezone(spec.get("timezone"))
    layers = _list(spec.get("layers"), "layers")
    overrides = _list(spec.get("overrides", []), "overrides")
    return Schedule(
        timezone=timezone,
        layers=tuple(_layer(item, f"layers[{i}]", i) for i, item in enumerate(layers)),
        overrides=tuple(_override(item, f"overrides[{i}]") for i, item in enumerate(overrides)),
    )


def parse_instant(value: object, field: str, *, whole_seconds: bool = True) -> datetime:
    """An ISO-8601 instant as an aware UTC datetime; one without an offset is UTC."""
    if not isinstance(value, str):
        raise _invalid(field, "must be an ISO-8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(field, f"{value!r} is not an ISO-8601 date-time") from None
    if whole_seconds and parsed.microsecond:
        # The engine works in whole seconds; silently rounding would move a boundary.
        raise _invalid(field, "fractions of a second are not supported")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _invalid(field: str, problem: str) -> Invalid:
    return Invalid(f"{field}: {problem}", field=field)


def _mapping(value: object, field: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(field, "must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        # A misspelt optional key (say "working_interval") would otherwise mean 24/7.
        raise _invalid(f"{field}.{unknown[0]}", f"unknown field; expected one of {sorted(allowed)}")
    return cast(Mapping[str, Any], value)


def _list(value: object, field: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _invalid(field, "must be a list")
    return value


def _integer(value: object, field: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(field, "must be an integer")
    if value < minimum:
        raise _invalid(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise _invalid(field, f"must be at most {maximum}")
    return value


def _timezone(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise _invalid("timezone", "must be an IANA time zone name such as 'Europe/London'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _invalid("timezone", f"unknown time zone {value!r}") from None
    return value


def _layer(value: object, field: str, index: int) -> Layer:
    layer = _mapping(value, field, _LAYER_KEYS)
    name = layer.get("name", f"layer {index + 1}")
    if not isinstance(name, str):
        raise _invalid(f"{field}.name", "must be a string")
    users = _list(layer.get("users"), f"{field}.users")
    for i, user in enumerate(users):
        if user is not None and (not isinstance(user, str) or not user):
            raise _invalid(f"{field}.users[{i}]", "must be a non-empty string or null")
    handovers = _list(layer.get("handovers"), f"{field}.handovers")
    if not handovers:
        raise _invalid(f"{field}.handovers", "needs at least one handover")
    working = layer.get("working_intervals")
    bounds = {
        key: None if layer.get(key) is None else parse_instant(layer.get(key), f"{field}.{key}")
        for key in ("start", "end")
    }
    return Layer(
        name=name,
        users=tuple(users),
        anchor=_anchor(layer.get("anchor"), f"{field}.anchor"),
        handovers=tuple(
            _handover(item, f"{field}.handovers[{i}]") for i, item in enumerate(handovers)
        ),
        working_intervals=None
        if working is None
        else tuple(
            _working(item, f"{field}.working_intervals[{i}]")
            for i, item in enumerate(_list(working, f"{field}.working_intervals"))
        ),
        concurrent=_integer(layer.get("concurrent", 1), f"{field}.concurrent", minimum=1),
        start=bounds["start"],
        end=bounds["end"],
    )


def _anchor(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise _invalid(field, "must be a naive local date-time such as '2026-01-05T09:00:00'")
    try:
        anchor = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid(field, f"{value!r} is not an ISO-8601 date-time") from None
    if anchor.tzinfo is not None:
        raise _invalid(field, "must be naive (local time in the schedule's time zone, no offset)")
    if anchor.microsecond:
        raise _invalid(field, "fractions of a second are not supported")
    return anchor


def _handover(value: object, field: str) -> Handover:
    handover = _mapping(value, field, {"interval", "unit"})
    interval = _integer(
        handover.get("interval"), f"{field}.interval", minimum=1, maximum=MAX_INTERVAL
    )
    unit = handover.get("unit")
    if unit not in UNITS:
        raise _invalid(f"{field}.unit", f"must be one of {', '.join(UNITS)}; got {unit!r}")
    return Handover(interval=interval, unit=cast(Unit, unit))


def _working(value: object, field: str) -> WorkingInterval:
    interval = _mapping(value, field, {"weekday", "start", "end"})
    weekday = interval.get("weekday")
    if weekday not in WEEKDAYS:
        raise _invalid(f"{field}.weekday", f"must be one of {', '.join(WEEKDAYS)}; got {weekday!r}")
    return WorkingInterval(
        weekday=WEEKDAYS.index(cast(str, weekday)),
        start=_clock(interval.get("start"), f"{field}.start"),
        end=_clock(interval.get("end"), f"{field}.end"),
    )


def _clock(value: object, field: str) -> time:
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _invalid(field, f"must be a local time HH:MM (00:00-23:59); got {value!r}")
    return time(int(match[1]), int(match[2]))


def _override(value: object, field: str) -> Override:
    override = _mapping(value, field, {"user", "start", "end", "created_at"})
    if "user" not in override:
        raise _invalid(f"{field}.user", "is required (null means nobody is on call)")
    user = override["user"]
    if user is not None and (not isinstance(user, str) or not user):
        raise _invalid(f"{field}.user", "must be a non-empty string or null")
    return Override(
        user=user,
        start=parse_instant(override.get("start"), f"{field}.start"),
        end=parse_instant(override.get("end"), f"{field}.end"),
        # Only compared, never a boundary: any precision will do.
        created_at=parse_instant(
            override.get("created_at"), f"{field}.created_at", whole_seconds=False
        ),
    )
