"""What drafted sentences are made of: times and durations in words, the record's own words
quoted when they hold several sentences, and the sources a draft's sentences cite."""

import re
from datetime import datetime

from watchkeep.assist.drafting.record import ChangeFact, Entry, Record, Source, Update

INNER_END = re.compile(r"[.!?]\s")


def when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def clock(at: datetime) -> str:
    return at.strftime("%H:%M")


def span(seconds: float) -> str:
    """``47 minutes``, ``3 hours 5 minutes``, ``2 days 4 hours``."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        tail = f" {minutes} minute{'s' if minutes != 1 else ''}" if minutes else ""
        return f"{hours} hour{'s' if hours != 1 else ''}{tail}"
    days, hours = divmod(hours, 24)
    return f"{days} days" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")


def sentence(text: str) -> str:
    """The record's words as one sentence: quoted when they hold several (so that the
    sentence, with its citation, stays one), with a full stop."""
    text = " ".join(text.split())
    if INNER_END.search(text):
        return f"“{text}”."
    return text if text.endswith((".", "!", "?")) else text + "."


def quoted(text: str) -> str:
    """The record's own words, quoted: what someone wrote, not what the draft claims."""
    text = " ".join(text.split())
    return f"“{text}”"


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "field"


LABELS = {
    "impact_started_at": "Impact started",
    "declared_at": "Declared",
    "reported_at": "Reported",
    "acknowledged_at": "Acknowledged",
    "mitigated_at": "Mitigated",
    "resolved_at": "Resolved",
    "root_cause": "Root cause",
    "resolution": "Resolution",
    "summary": "Summary",
    "severity": "Severity",
    "services": "Affected services",
    "follow_ups": "Follow-ups",
}


class Sources:
    """The sources of a draft, each registered when a sentence first cites it."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.url = f"/incidents/{record.reference}"
        self.known: dict[str, Source] = {}

    def field(self, name: str, label: str, value: object) -> str:
        """A field of the incident (``F-<name>``), as it reads now."""
        key = f"F-{name}"
        if isinstance(value, datetime):
            shown = when(value)
        else:
            shown = str(value) if value not in (None, "") else "not recorded"
        text = f"{self.record.reference} {label}: {shown}"
        if isinstance(value, datetime):
            text += f" {clock(value)}"
        self.known.setdefault(
            key, Source(key, "field", f"{label}: {short(shown)}", None, self.url, text)
        )
        return key

    def entry(self, entry: Entry) -> str:
        key = f"T{entry.id}"
        by = f" ({entry.actor})" if entry.actor else ""
        self.known.setdefault(
            key,
            Source(
                key,
                "timeline",
                f"Timeline: {entry.title}{by}",
                entry.at,
                f"{self.url}#entry-{entry.id}",
                f"{entry.title} {by} {when(entry.at)} {clock(entry.at)} {payload_text(entry)}",
            ),
        )
        return key

    def add(self, source: Source) -> str:
        self.known.setdefault(source.key, source)
        return source.key


def short(text: str, most: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def payload_text(entry: Entry) -> str:
    return " ".join(str(v) for v in entry.payload.values() if isinstance(v, str | int | float))


def change_source(src: Sources, change: ChangeFact) -> Source:
    where = f" on {change.service}" if change.service else ""
    return Source(
        f"C{change.id}",
        "change",
        f"Change {change.reference} ({change.kind}{where}): {short(change.summary)}",
        change.at,
        None,
        f"{change.reference} {change.kind} {change.summary} {change.details} "
        f"{change.service or ''} "
        f"{when(change.at)} {clock(change.at)}",
    )


def update_source(src: Sources, update: Update) -> Source:
    by = f" by {update.author}" if update.author else ""
    return Source(
        f"U{update.id}",
        "update",
        f"Status update{by}: {short(update.message)}",
        update.at,
        f"{src.url}#updates",
        f"{update.message} {update.status} {when(update.at)} {clock(update.at)}",
    )
