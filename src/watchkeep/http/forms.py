"""Reading web forms: the posted form parsed once, and the inputs every page uses."""

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from watchkeep.core import ids
from watchkeep.core.errors import Invalid


async def posted_form(request: Request) -> FormData:
    """The posted form, parsed once for the whole request (routes with dynamic field names)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def parse_local(value: str | None, name: str, zone: tzinfo = UTC) -> datetime | None:
    """A ``datetime-local`` input read in ``zone`` (the viewer's), as a UTC instant; empty
    means none."""
    if not value or not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{name} must be a date and time like 2024-05-01T14:30", field=name) from None
    return (local if local.tzinfo else local.replace(tzinfo=zone)).astimezone(UTC)


def parse_day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """A ``date`` input as the UTC instant it starts (or, with ``end``, the next day's start)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be a date like 2024-05-01", field=name) from None
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


def parse_id(value: str | None, name: str) -> int | None:
    """An optional numeric id from a select whose empty option means "any"."""
    if not value:
        return None
    number = ids.parse_id(value)
    if number is None:
        raise Invalid(f"{name} must be a number", field=name)
    return number


def parse_rank(value: str, name: str = "rank") -> int:
    """A rank from a form: a whole number, 0 or more (unlike an id, 0 is one)."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise Invalid(f"{name} must be a whole number, 0 or more", field=name)
    return int(text)
