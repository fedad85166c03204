"""The geometry of the schedule drawing: rows of coloured bars on a time axis (server-side SVG).

Everything is computed here in plain numbers; ``schedules/_svg.html`` only draws it. Users keep
the same colour on every page (it follows their id), so a person is easy to follow from the
layers down to the final schedule.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from watchkeep.auth.models import User
from watchkeep.core.ids import parse_id
from watchkeep.oncall.engine import Entry
from watchkeep.oncall.people import name_of

WIDTH = 1120
LABEL_WIDTH = 168
RIGHT_PAD = 8
AXIS_HEIGHT = 40
FINAL_HEIGHT = 40
ROW_HEIGHT = 28
ROW_GAP = 8
CHAR_WIDTH = 6.6  # average width of a character of the 11.5px label font
# Pairs of (fill, text) with at least WCAG AA contrast (4.5:1, checked by a test); a user's
# colour is PALETTE[id % len].
PALETTE = (
    ("#3b5bdb", "#ffffff"),
    ("#c2410c", "#ffffff"),
    ("#2f7d3a", "#ffffff"),
    ("#ae3ec9", "#ffffff"),
    ("#0b7285", "#ffffff"),
    ("#c92a2a", "#ffffff"),
    ("#f59f00", "#1b2130"),
    ("#5f3dc4", "#ffffff"),
    ("#c2255c", "#ffffff"),
    ("#1971c2", "#ffffff"),
    ("#4a7c0b", "#ffffff"),
    ("#862e9c", "#ffffff"),
)
NOBODY = ("#e9ecef", "#495057")


def colour_of(user_id: str | None) -> tuple[str, str]:
    """A user's (fill, text) colours; the same everywhere."""
    number = parse_id(user_id)
    if number is None:
        return NOBODY
    return PALETTE[number % len(PALETTE)]


@dataclass(frozen=True)
class Band:
    """One user's stripe of a bar (a bar with several users is split into bands)."""

    y: float
    height: float
    fill: str
    text_colour: str
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    bands: tuple[Band, ...]
    title: str
    nobody: bool = False
    # The bar in words, for the table that stands in for the drawing.
    who: str = ""
    start: str = ""
    end: str = ""


@dataclass
class Row:
    label: str
    sublabel: str
    y: float
    height: float
    kind: str  # "final", "overrides" or "layer"
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Tick:
    x: float
    top: str
    bottom: str
    major: bool
    weekend_width: float  # > 0: shade the day that starts here


@dataclass(frozen=True)
class LegendItem:
    user_id: str
    name: str
    fill: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: float
    plot_left: float
    plot_right: float
    rows: list[Row]
    ticks: list[Tick]
    now_x: float | None
    legend: list[LegendItem]


@dataclass(frozen=True)
class Lane:
    """What to draw in one row; an entry without users (a "nobody" override) is hatched."""

    label: str
    sublabel: str
    kind: str
    entries: Sequence[Entry]


class Scale:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.seconds = start, max((end - start).total_seconds(), 1.0)
        self.left, self.right = float(LABEL_WIDTH), float(WIDTH - RIGHT_PAD)

    def x(self, moment: datetime) -> float:
        share = (moment - self.start).total_seconds() / self.seconds
        return round(self.left + min(max(share, 0.0), 1.0) * (self.right - self.left), 2)


def _fit(text: str, width: float) -> str:
    """The label that fits a bar ``width`` wide: the name, the first name, initials or nothing."""
    for candidate in (text, text.split(" ")[0], "".join(p[0] for p in text.split() if p)):
        if len(candidate) * CHAR_WIDTH + 10 <= width:
            return candidate
    return ""


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def _bar(
    entry: Entry, y: float, height: float, scale: Scale, zone: ZoneInfo, users: Mapping[str, User]
) -> Bar:
    x, x_end = scale.x(entry.start), scale.x(entry.end)
    width = max(x_end - x, 1.0)
    names = [name_of(users, u) for u in entry.users]
    who, start, end = ", ".join(names) or "Nobody", _when(entry.start, zone), _when(entry.end, zone)
    if not entry.users:
        bands: tuple[Band, ...] = (Band(y, height, *NOBODY, _fit("Nobody", width)),)
    else:
        share = height / len(entry.users)
        bands = tuple(
            Band(y + i * share, share, *colour_of(u), _fit(name, width) if share >= 12 else "")
            for i, (u, name) in enumerate(zip(entry.users, names, strict=True))
        )
    title = f"{who} · {start} → {end}"
    return Bar(x, width, y, height, bands, title, not entry.users, who=who, start=start, end=end)


def _ticks(start: datetime, end: datetime, zone: ZoneInfo, scale: Scale) -> list[Tick]:
    days = (end - start).days
    first = start.astimezone(zone).date()
    ticks = []
    for n in range((end - start).days + 2):
        day: date = first + timedelta(days=n)
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        if not start <= midnight < end:
            continue
        next_x = scale.x(min(datetime.combine(day + timedelta(days=1), midnight.timetz()), end))
        x = scale.x(midnight)
        label_top = day.strftime("%a") if days <= 14 else day.strftime("%a")[0]
        month = day.strftime("%b") if day.day == 1 or n == 0 else ""
        ticks.append(
            Tick(
                x=x,
                top=label_top,
                bottom=f"{day.day} {month}".strip() if days <= 14 else str(day.day),
                major=day.weekday() == 0 or day.day == 1,
                weekend_width=next_x - x if day.weekday() >= 5 else 0.0,
            )
        )
    return ticks


def build(
    lanes: Sequence[Lane],
    *,
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    now: datetime,
    users: Mapping[str, User],
) -> Timeline:
    """Lay out ``lanes`` (final first) over [start, end) as seen in ``zone``."""
    scale = Scale(start, end)
    rows, y = [], float(AXIS_HEIGHT)
    seen: dict[str, None] = {}
    for lane in lanes:
        height = FINAL_HEIGHT if lane.kind == "final" else ROW_HEIGHT
        row = Row(lane.label, lane.sublabel, y, height, lane.kind)
        for entry in lane.entries:
            if entry.end > start and entry.start < end:
                row.bars.append(_bar(entry, y + 3, height - 6, scale, zone, users))
                seen.update(dict.fromkeys(entry.users))
        rows.append(row)
        y += height + ROW_GAP
    legend = [LegendItem(u, name_of(users, u), colour_of(u)[0]) for u in seen]
    return Timeline(
        width=WIDTH,
        height=y,
        plot_left=scale.left,
        plot_right=scale.right,
        rows=rows,
        ticks=_ticks(start, end, zone, scale),
        now_x=scale.x(now) if start <= now < end else None,
        legend=sorted(legend, key=lambda item: item.name.lower()),
    )
