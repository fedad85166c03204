"""An imported incident's history played forward: its status and severity at every moment,
each move checked against the lifecycle, and the timestamps that follow.

The moves come from the record's timeline (``status`` entries and updates that change the
status); a record whose timeline changes no status gets the moves a native incident would
have made to reach its status, at the times the record gives (docs/import.md, "What is
synthesized"). Each move goes through :func:`incident.lifecycle.transition`, so the
automatic timestamps are the ones a responder's clicks would have set; a time the record
gives wins over the automatic one and counts as set by hand (``manual``), as a correction
does.

Pure: plain values in, plain values out, ``now`` passed in.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from watchkeep.core.errors import InvalidTransition
from watchkeep.history.words import quoted
from watchkeep.incident import lifecycle
from watchkeep.incident.lifecycle import DECLARABLE, TIMESTAMP_ORDER, Status

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

STAMP_NAMES = (
    "impact_started_at",
    "reported_at",
    "declared_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "closed_at",
)
LEAD_UP = timedelta(hours=24)
"""How long before the incident's first known time a note may be dated (as natively)."""
CLOCK_SKEW = timedelta(minutes=5)
STATUSES = tuple(s.value for s in Status)
DISCARDED = frozenset({Status.DECLINED, Status.CANCELED, Status.MERGED})
BEFORE_DECLARING = frozenset({"note", "alert", "change"})
"""What may have happened before the incident was declared: what led up to it."""


@dataclass(frozen=True)
class Item:
    """One timeline item as the replay sees it: a move of the status (``status``, or an
    ``update`` with a status) or of the severity, or anything else, which only has a time."""

    order: int  # its place among the record's items: ties in time keep it
    at: datetime
    kind: str
    to: str | None = None  # the status or severity it moves to
    source: str | None = None  # the status or severity it says it moved from
    loc: Loc = ()  # where it is in the record, to name it in a problem


@dataclass(frozen=True)
class Story:
    """What the record says, in plain values."""

    stamps: dict[str, datetime | None]  # the record's times (declared_at always)
    severity: str  # its severity now
    status: str | None = None  # its status now, if given
    declared_status: str | None = None
    declared_severity: str | None = None
    declared_loc: Loc = ("timeline",)  # where the declared status and severity were given
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Played:
    item: Item
    status_before: str
    status: str
    severity_before: str
    severity: str


@dataclass
class Replay:
    start_status: str
    start_severity: str
    played: list[Played] = field(default_factory=list)
    status: str = ""
    severity: str = ""
    stamps: dict[str, datetime | None] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def moves_status(item: Item) -> bool:
    return item.kind in ("status", "update") and item.to is not None


def derived_status(stamps: dict[str, datetime | None]) -> str:
    """The status a record without one has, from its times."""
    for name, status in (
        ("closed_at", Status.CLOSED),
        ("resolved_at", Status.RESOLVED),
        ("mitigated_at", Status.MONITORING),
    ):
        if stamps.get(name) is not None:
            return status.value
    return Status.INVESTIGATING.value


def start_status(story: Story, final: str) -> str:
    """The status it was declared in: as the record says, else what its story implies (triage
    when it was acknowledged after declaring, or its first move leaves triage)."""
    if story.declared_status:
        return story.declared_status
    stamps = story.stamps
    acknowledged, declared = stamps.get("acknowledged_at"), stamps["declared_at"]
    late = acknowledged is not None and declared is not None and acknowledged > declared
    moves = sorted((i for i in story.items if moves_status(i)), key=lambda i: (i.at, i.order))
    if moves:
        if moves[0].source:
            return moves[0].source
        leaves_triage = moves[0].to in (Status.INVESTIGATING, *DISCARDED)
        return Status.TRIAGE.value if late or leaves_triage else Status.INVESTIGATING.value
    if late or final in (Status.TRIAGE, *DISCARDED):
        return Status.TRIAGE.value
    if final in (Status.INVESTIGATING, Status.FIXING):
        return final
    if final == Status.MONITORING and stamps.get("mitigated_at") is None:
        return final
    return Status.INVESTIGATING.value


def synthesized_moves(story: Story, start: str, final: str) -> tuple[list[Item], list[Problem]]:
    """The moves a native incident makes from ``start`` to ``final`` at the record's times:
    leaving triage at acknowledged_at, monitoring at mitigated_at, resolved at resolved_at,
    closed at closed_at; declined, canceled or merged at closed_at (else resolved_at, else
    declared_at). Documenting and reviewing follow resolving at once."""
    stamps = story.stamps
    declared = stamps["declared_at"]
    assert declared is not None
    acknowledged, mitigated = stamps.get("acknowledged_at"), stamps.get("mitigated_at")
    resolved, closed = stamps.get("resolved_at"), stamps.get("closed_at")
    path: list[tuple[str, datetime | None]] = []
    problems: list[Problem] = []
    if final in (start, Status.TRIAGE):
        pass
    elif final in DISCARDED:
        path.append((final, closed or resolved or declared))
    else:
        if start == Status.TRIAGE:
            live = final if final in (Status.INVESTIGATING, Status.FIXING) else "investigating"
            path.append((live, acknowledged or declared))
        elif final in (Status.INVESTIGATING, Status.FIXING):
            path.append((final, acknowledged or declared))
        if final == Status.MONITORING and start != Status.MONITORING:
            path.append((final, mitigated or declared))
        elif final not in (Status.INVESTIGATING, Status.FIXING, Status.MONITORING):
            if resolved is None:
                needs = f"a {final} incident needs resolved_at: when it was resolved"
                problems.append((("resolved_at",), needs))
                return [], problems
            if mitigated is not None and mitigated < resolved and start != Status.MONITORING:
                path.append((Status.MONITORING.value, mitigated))
            path.append((Status.RESOLVED.value, resolved))
            if final in (Status.DOCUMENTING, Status.REVIEWING):
                path.append((Status.DOCUMENTING.value, resolved))
            if final == Status.REVIEWING:
                path.append((final, resolved))
            if final == Status.CLOSED:
                if closed is None:
                    problems.append(
                        (("closed_at",), "a closed incident needs closed_at: when it was closed")
                    )
                    return [], problems
                path.append((final, closed))
    moves, previous = [], declared
    for n, (status, at) in enumerate(path):
        previous = max(previous, at or previous)  # the path's order, whatever the times say
        moves.append(Item(order=-len(path) + n, at=previous, kind="status", to=status))
    return moves, problems


def _at(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC"


class _Player:
    """Plays the items in time order, keeping the status, severity and automatic times."""

    def __init__(self, story: Story, start: str, severity: str, replay: Replay) -> None:
        self.story = story
        declared = story.stamps["declared_at"]
        assert declared is not None
        self.declared: datetime = declared
        self.status, self.severity = start, severity
        self.replay = replay
        self.auto: dict[str, datetime | None] = dict.fromkeys(STAMP_NAMES)
        self.auto |= {"reported_at": self.declared, "declared_at": self.declared}
        if start != Status.TRIAGE:
            self.auto["acknowledged_at"] = self.declared

    def problem(self, loc: Loc, message: str) -> None:
        self.replay.problems.append((loc, message))

    def play(self, item: Item, now: datetime) -> None:
        status_before, severity_before = self.status, self.severity
        known = [self.story.stamps.get(n) for n in STAMP_NAMES[:2]]
        first_known = min([self.declared, *(t for t in known if t is not None)])
        if item.at > now + CLOCK_SKEW:
            self.problem((*item.loc, "at"), f"{_at(item.at)} is in the future")
        elif item.at < self.declared and item.kind not in BEFORE_DECLARING:
            self.problem(
                (*item.loc, "at"),
                f"{_at(item.at)} is before the incident was declared ({_at(self.declared)})",
            )
        elif item.kind == "note" and item.at < first_known - LEAD_UP:
            self.problem(
                (*item.loc, "at"),
                f"a note may be dated at most 24 hours before the incident began "
                f"({_at(first_known)}), not {_at(item.at)}",
            )
        elif item.kind == "severity":
            self._severity(item)
        elif moves_status(item):
            self._status(item)
        self.replay.played.append(
            Played(item, status_before, self.status, severity_before, self.severity)
        )

    def _severity(self, item: Item) -> None:
        assert item.to is not None
        if item.source is not None and item.source != self.severity:
            self.problem(
                (*item.loc, "payload", "from"),
                f"the severity was {self.severity} then, not {item.source}",
            )
        elif item.to == self.severity:
            self.problem(
                (*item.loc, "payload", "to"),
                f"the severity is already {item.to} then; say what it was declared with "
                '(a "declared" entry with a severity, or "from" on its first change)',
            )
        self.severity = item.to

    def _status(self, item: Item) -> None:
        assert item.to is not None
        field = "to" if item.kind == "status" else "status"
        if item.source is not None and item.source != self.status:
            self.problem(
                (*item.loc, "payload", "from"),
                f"the status was {self.status} then, not {item.source}",
            )
            return
        if item.to == self.status:
            if item.kind == "status":
                self.problem((*item.loc, "payload", field), f"the status is already {item.to}")
            return
        stamps = lifecycle.Timestamps(
            self.auto["acknowledged_at"],
            self.auto["mitigated_at"],
            self.auto["resolved_at"],
            self.auto["closed_at"],
        )
        try:
            after = lifecycle.transition(Status(self.status), Status(item.to), stamps, item.at)
        except InvalidTransition as refused:
            self.problem((*item.loc, "payload", field), refused.message)
            return
        self.auto |= {
            "acknowledged_at": after.acknowledged_at,
            "mitigated_at": after.mitigated_at,
            "resolved_at": after.resolved_at,
            "closed_at": after.closed_at,
        }
        self.status = item.to


def _check_order(stamps: dict[str, datetime | None], now: datetime) -> list[Problem]:
    problems: list[Problem] = []
    for name in STAMP_NAMES:
        value = stamps.get(name)
        if value is not None and value > now + CLOCK_SKEW:
            problems.append(((name,), f"{_at(value)} is in the future"))
    for earlier, later in TIMESTAMP_ORDER:
        first, second = stamps.get(earlier), stamps.get(later)
        if any(loc == (later,) for loc, _ in problems):
            continue  # one problem per time is enough to see what to fix
        if first is not None and second is not None and first > second:
            problems.append(
                ((later,), f"{_at(second)} must not be before {earlier} ({_at(first)})")
            )
    return problems


def _check_statuses(story: Story) -> list[Problem]:
    problems: list[Problem] = []
    names = ", ".join(STATUSES)
    given = [(("status",), story.status), ((*story.declared_loc, "status"), story.declared_status)]
    for item in story.items:
        if item.kind == "status":
            given += [((*item.loc, "payload", "to"), item.to)]
            given += [((*item.loc, "payload", "from"), item.source)]
        elif item.kind == "update":
            given += [((*item.loc, "payload", "status"), item.to)]
    for loc, value in given:
        if value is not None and value not in STATUSES:
            problems.append((loc, f"no status {quoted(value)}; use one of {names}"))
    declared = story.declared_status
    if declared in STATUSES and Status(declared) not in DECLARABLE:
        problems.append(
            (
                (*story.declared_loc, "status"),
                f"an incident is declared in triage or a live status, not {declared}",
            )
        )
    return problems


def replay(story: Story, *, now: datetime) -> Replay:
    """Play the story forward; ``problems`` says what contradicts the lifecycle or itself."""
    problems = _check_statuses(story) + _check_order(story.stamps, now)
    if problems:
        return Replay(story.declared_status or "", story.severity, problems=problems)
    explicit = any(moves_status(i) for i in story.items)
    final = story.status or derived_status(story.stamps)
    start = start_status(story, final)
    first_change = next(
        (i for i in sorted(story.items, key=lambda i: (i.at, i.order)) if i.kind == "severity"),
        None,
    )
    severity = story.declared_severity or (
        first_change.source if first_change and first_change.source else story.severity
    )
    result = Replay(start, severity)
    if Status(start) not in DECLARABLE:
        result.problems.append(
            ((), f"an incident is declared in triage or a live status, not {start}")
        )
        return result
    items = list(story.items)
    if not explicit:
        moves, problems = synthesized_moves(story, start, final)
        result.problems += problems
        items += moves
    player = _Player(story, start, severity, result)
    for item in sorted(items, key=lambda i: (i.at, i.order)):
        player.play(item, now)
    result.status, result.severity = player.status, player.severity
    if story.status is not None and player.status != story.status and not result.problems:
        result.problems.append(
            (("status",), f"the timeline ends in {player.status}, not {story.status}")
        )
    if player.severity != story.severity and not result.problems:
        result.problems.append(
            (
                ("severity",),
                f"the timeline leaves the severity at {player.severity}, not {story.severity}",
            )
        )
    result.stamps, result.sources = _final_stamps(story.stamps, player.auto)
    result.problems += _check_order(result.stamps, now) if not result.problems else []
    return result


def _final_stamps(
    given: dict[str, datetime | None], auto: dict[str, datetime | None]
) -> tuple[dict[str, datetime | None], dict[str, str]]:
    """The record's times where it gives them, else the automatic ones; a given time that
    differs from the automatic one (or that nothing sets automatically) is ``manual``."""
    stamps: dict[str, datetime | None] = {}
    sources: dict[str, str] = {}
    for name in STAMP_NAMES:
        value = given.get(name) if given.get(name) is not None else auto.get(name)
        stamps[name] = value
        if value is not None:
            sources[name] = "auto" if value == auto.get(name) else "manual"
    return stamps, sources
