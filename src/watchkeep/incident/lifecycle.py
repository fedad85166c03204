"""The incident lifecycle as a pure transition table (DESIGN.md section 1)."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeep.core.errors import Invalid, InvalidTransition


class Status(StrEnum):
    TRIAGE = "triage"
    INVESTIGATING = "investigating"
    FIXING = "fixing"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    DOCUMENTING = "documenting"
    REVIEWING = "reviewing"
    CLOSED = "closed"
    DECLINED = "declined"
    MERGED = "merged"
    CANCELED = "canceled"


class Category(StrEnum):
    TRIAGE = "triage"
    LIVE = "live"
    POST_INCIDENT = "post_incident"
    CLOSED = "closed"
    DISCARDED = "discarded"


CATEGORY: dict[Status, Category] = {
    Status.TRIAGE: Category.TRIAGE,
    Status.INVESTIGATING: Category.LIVE,
    Status.FIXING: Category.LIVE,
    Status.MONITORING: Category.LIVE,
    Status.RESOLVED: Category.POST_INCIDENT,
    Status.DOCUMENTING: Category.POST_INCIDENT,
    Status.REVIEWING: Category.POST_INCIDENT,
    Status.CLOSED: Category.CLOSED,
    Status.DECLINED: Category.DISCARDED,
    Status.MERGED: Category.DISCARDED,
    Status.CANCELED: Category.DISCARDED,
}

_LIVE = {Status.INVESTIGATING, Status.FIXING, Status.MONITORING}

# Live statuses move freely among themselves (a fix can fail and monitoring can show the
# problem is back); a resolved incident may be reopened; the post-incident flow may be
# skipped by closing directly.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.TRIAGE: frozenset(
        _LIVE | {Status.RESOLVED, Status.DECLINED, Status.MERGED, Status.CANCELED}
    ),
    Status.INVESTIGATING: frozenset({Status.FIXING, Status.MONITORING, Status.RESOLVED}),
    Status.FIXING: frozenset({Status.INVESTIGATING, Status.MONITORING, Status.RESOLVED}),
    Status.MONITORING: frozenset({Status.INVESTIGATING, Status.FIXING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.INVESTIGATING, Status.DOCUMENTING, Status.CLOSED}),
    Status.DOCUMENTING: frozenset({Status.REVIEWING, Status.CLOSED}),
    Status.REVIEWING: frozenset({Status.DOCUMENTING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.DECLINED: frozenset(),
    Status.MERGED: frozenset(),
    Status.CANCELED: frozenset(),
}

# The statuses an incident may be declared in.
DECLARABLE = frozenset({Status.TRIAGE, *_LIVE})


def category(status: Status) -> Category:
    return CATEGORY[status]


def allowed_next(status: Status) -> frozenset[Status]:
    return TRANSITIONS[status]


def is_live(status: Status) -> bool:
    return status in _LIVE


def counts_in_metrics(status: Status) -> bool:
    """Declined, merged and canceled incidents are left out of every metric."""
    return CATEGORY[status] is not Category.DISCARDED


@dataclass(frozen=True)
class Timestamps:
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


def transition(current: Status, target: Status, stamps: Timestamps, now: datetime) -> Timestamps:
    """Check ``current -> target`` and return the automatic timestamps after it.

    Leaving triage acknowledges; the first entry to monitoring mitigates; resolving stamps
    resolved (and mitigated, if it never was); reopening clears resolved; closing stamps
    closed. Timestamps already set are kept, so manual corrections survive.
    """
    if target not in TRANSITIONS[current]:
        raise InvalidTransition(
            current.value, target.value, (s.value for s in allowed_next(current))
        )
    acknowledged, mitigated, resolved, closed = (
        stamps.acknowledged_at,
        stamps.mitigated_at,
        stamps.resolved_at,
        stamps.closed_at,
    )
    if current is Status.TRIAGE and target in _LIVE | {Status.RESOLVED}:
        acknowledged = acknowledged or now
    if target is Status.MONITORING:
        mitigated = mitigated or now
    if target is Status.RESOLVED:
        mitigated = mitigated or now
        resolved = resolved or now
    if current is Status.RESOLVED and target in _LIVE:
        resolved = None
    if target is Status.CLOSED:
        closed = closed or now
    return Timestamps(acknowledged, mitigated, resolved, closed)


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise Invalid(f"unknown status {value!r}; use one of {names}", field="status") from None


# The incident's timestamps that must come in this order when both are set: (earlier, later).
TIMESTAMP_ORDER = (
    ("impact_started_at", "mitigated_at"),
    ("impact_started_at", "resolved_at"),
    ("impact_started_at", "closed_at"),
    ("reported_at", "declared_at"),
    ("declared_at", "acknowledged_at"),
    ("declared_at", "mitigated_at"),
    ("declared_at", "resolved_at"),
    ("mitigated_at", "resolved_at"),
    ("resolved_at", "closed_at"),
    ("declared_at", "closed_at"),
)


def _said(name: str, value: datetime) -> str:
    return f"the {name.removesuffix('_at').replace('_', ' ')} time ({value:%Y-%m-%d %H:%M} UTC)"


def check_timestamps(stamps: dict[str, datetime | None], *, changed: str, now: datetime) -> None:
    """Refuse timestamps out of order, or in the future, naming both times.

    ``changed`` is the one being set; the message speaks of it first.
    """
    value = stamps.get(changed)
    if value is not None and value > now:
        raise Invalid(f"{_said(changed, value)} must not be in the future", field="value")
    for earlier, later in TIMESTAMP_ORDER:
        if changed not in (earlier, later):
            continue
        first, second = stamps.get(earlier), stamps.get(later)
        if first is None or second is None or first <= second:
            continue
        if changed == earlier:
            raise Invalid(
                f"{_said(earlier, first)} must not be after {_said(later, second)}", field="value"
            )
        raise Invalid(
            f"{_said(later, second)} must not be before {_said(earlier, first)}", field="value"
        )
