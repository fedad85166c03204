"""Shifts as an iCalendar (RFC 5545) document, written with the ``icalendar`` library."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar, Event

PRODID = "-//Watchkeep//On-call schedules//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class FeedEvent:
    """One shift: ``uid`` stays the same for the same shift from one fetch to the next."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""


def calendar(name: str, events: Sequence[FeedEvent], *, now: datetime) -> bytes:
    """A VCALENDAR with one VEVENT per event; times in UTC, ``now`` as each DTSTAMP."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
