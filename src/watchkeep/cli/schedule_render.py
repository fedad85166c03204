"""Draw stored schedules for people: a list, one schedule with its layers, its entries.

Everything here takes the API's JSON bodies, so local and remote mode look the same.
Times are shown in UTC.
"""

from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from watchkeep.cli.incident_render import instant, when

Body = dict[str, Any]


def names(users: list[Body | None]) -> str:
    """``{id, name}`` users as names; an empty slot as ``(nobody)``."""
    return ", ".join("(nobody)" if u is None else u["name"] for u in users) or "nobody"


def schedule_table(rows: list[Body], oncall: dict[int, Body]) -> Table:
    """Schedules with who is on call now."""
    table = Table(header_style="bold")
    for column in ("id", "name", "time zone", "team", "layers", "on call now"):
        table.add_column(column, justify="right" if column in ("id", "layers") else "left")
    for row in rows:
        now = oncall.get(row["id"])
        table.add_row(
            str(row["id"]),
            escape(row["name"]),
            row["timezone"],
            escape(row["team"]["name"]) if row["team"] else "",
            str(len(row["layers"])),
            escape(names(now["users"])) if now else "",
        )
    return table


def _hours(entry: Body) -> str:
    start, end = instant(entry["start"]), instant(entry["end"])
    assert start is not None and end is not None
    return f"{(end - start).total_seconds() / 3600:g}"


def entries_table(title: str, entries: list[Body]) -> Table:
    """Entries with users as ``{id, name}``: start, end, length and who."""
    table = Table(title=title, header_style="bold", title_justify="left")
    for column in ("start (UTC)", "end (UTC)", "hours", "on call"):
        table.add_column(column, justify="right" if column == "hours" else "left")
    for entry in entries:
        table.add_row(
            when(entry["start"]), when(entry["end"]), _hours(entry), escape(names(entry["users"]))
        )
    return table


def _layer_line(layer: Body) -> str:
    turns = ", then ".join(f"{h['interval']} {h['unit']}" for h in layer["handovers"])
    hours = (
        "24/7"
        if layer["working_intervals"] is None
        else ", ".join(
            f"{w['weekday']} {w['start']}-{w['end']}" for w in layer["working_intervals"]
        )
    )
    together = f", {layer['concurrent']} at a time" if layer["concurrent"] > 1 else ""
    return (
        f"[bold]{layer['position'] + 1}. {escape(layer['name'])}[/bold]: "
        f"{escape(names(layer['users']))}; turns of {turns} from {layer['anchor']}; "
        f"{hours}{together}"
    )


def schedule_view(schedule: Body, entries: Body) -> RenderableType:
    """A schedule: its facts and layers, then its final entries over the window."""
    team = f" · team {escape(schedule['team']['name'])}" if schedule["team"] else ""
    lines = [f"{schedule['timezone']}{team}"]
    if schedule["description"]:
        lines.append(escape(schedule["description"]))
    lines += [_layer_line(layer) for layer in reversed(schedule["layers"])] or ["no layers"]
    panel = Panel(
        "\n".join(lines), title=f"[bold]{escape(schedule['name'])}[/bold] (id {schedule['id']})"
    )
    window = f"final schedule {when(entries['from'])} to {when(entries['to'])}"
    return Group(panel, entries_table(window, entries["final"]))
