"""``watchkeep schedule render`` and ``oncall``: a schedule spec file through the pure engine.

Their ``--json`` output is a stable contract that other tools use to check the engine
(docs/schedules.md); keep its shape. This module imports the engine and the terminal only,
never the database or the web application, so that these commands start at once.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.oncall import (
    Entry,
    Schedule,
    format_instant,
    oncall_at,
    parse_instant,
    parse_schedule,
    render,
    rendering_json,
)

SPEC_HELP = "A schedule spec: JSON with timezone, layers and overrides"


def load_spec(path: Path) -> Schedule:
    """Read a spec file; an entry of schedule_specs.json (with a "spec" key) also works."""
    try:
        data: Any = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
    except json.JSONDecodeError as exc:
        fail(f"{path} is not JSON: {exc}")
    if isinstance(data, dict) and "spec" in data and "layers" not in data:
        data = data["spec"]
    try:
        return parse_schedule(data)
    except Invalid as exc:
        fail(f"{path}: {exc.message}")
        raise  # unreachable: fail() exits; keeps the type checker certain


def instant_option(value: str, option: str) -> datetime:
    """An ISO-8601 instant from the command line (no offset = UTC)."""
    try:
        return parse_instant(value, option, whole_seconds=False)
    except Invalid as exc:
        fail(exc.message)
        raise


def _hours(entry: Entry) -> str:
    return f"{(entry.end - entry.start).total_seconds() / 3600:g}"


def entries_table(title: str, entries: tuple[Entry, ...]) -> Table:
    """Entries as a Rich table: start, end, length and who is on call."""
    table = Table(title=title, header_style="bold")
    for column in ("start (UTC)", "end (UTC)", "hours", "on call"):
        table.add_column(column, justify="right" if column == "hours" else "left")
    for entry in entries:
        table.add_row(
            format_instant(entry.start),
            format_instant(entry.end),
            _hours(entry),
            ", ".join(entry.users),
        )
    return table


def render_command(
    spec: Path = typer.Option(..., "--spec", help=SPEC_HELP),
    start: str = typer.Option(..., "--from", help="Window start, ISO-8601 (no offset = UTC)"),
    end: str = typer.Option(..., "--to", help="Window end (excluded), ISO-8601"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables"),
) -> None:
    """Render the final schedule and each layer's entries over [--from, --to)."""
    schedule = load_spec(spec)
    rendering = render(schedule, instant_option(start, "--from"), instant_option(end, "--to"))
    if as_json:
        print_json(rendering_json(rendering))
        return
    console.print(entries_table(f"final schedule ({schedule.timezone})", rendering.final))
    for layer, entries in zip(schedule.layers, rendering.layers, strict=True):
        console.print(entries_table(f"layer {layer.name}", entries))


def oncall_command(
    spec: Path = typer.Option(..., "--spec", help=SPEC_HELP),
    at: str | None = typer.Option(None, "--at", help="The instant, ISO-8601 (default: now)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Who is on call at --at (default: now)."""
    schedule = load_spec(spec)
    moment = utcnow() if at is None else instant_option(at, "--at")
    users = oncall_at(schedule, moment)
    if as_json:
        print_json({"at": format_instant(moment), "users": list(users)})
    elif users:
        console.print(f"{format_instant(moment)}: [bold]{', '.join(users)}[/bold]")
    else:
        console.print(f"{format_instant(moment)}: [dim]nobody is on call[/dim]")
