"""The clock is injected so that tests can freeze time."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from zoneinfo import available_timezones

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """An instant without an offset is read as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_z(value: datetime) -> str:
    return ensure_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone this system knows."""
    return frozenset(available_timezones() | {"UTC"})


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows (``Europe/London``, ``UTC``)."""
    return name in time_zone_names()
