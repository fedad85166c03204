"""``watchkeep schedule list | show | create | oncall-now | override``: stored schedules.

They work on the local database or, with ``--url`` and a token, on a server (like
``watchkeep incident``); schedule_ops.py does the work either way.
"""

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import TokenOption, UrlOption
from watchkeep.cli.incident_render import when
from watchkeep.cli.output import console, fail, print_json
from watchkeep.cli.schedule_ops import open_schedules
from watchkeep.cli.schedule_render import names, schedule_table, schedule_view
from watchkeep.cli.schedule_spec import instant_option
from watchkeep.core.clock import utcnow
from watchkeep.oncall import format_instant

RefArgument = Annotated[str, typer.Argument(metavar="SCHEDULE", help="Schedule id or name")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON body instead")]


def read_json_file(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or a clear error."""
    try:
        data: Any = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
    except json.JSONDecodeError as exc:
        fail(f"{path} is not JSON: {exc}")
    if isinstance(data, dict) and "spec" in data and "layers" not in data:
        data = data["spec"]
    if not isinstance(data, dict):
        fail(f"{path}: the spec must be a JSON object")
    return dict(data)


def list_command(
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the stored schedules with who is on call now."""
    with open_schedules(url, token, as_user) as ops:
        rows = ops.list()
        now = utcnow()
        oncall = {} if as_json else {row["id"]: ops.oncall(str(row["id"]), now) for row in rows}
    if as_json:
        print_json(rows)
    elif rows:
        console.print(schedule_table(rows, oncall))
    else:
        console.print("[dim]no schedules yet: create one with `watchkeep schedule create`[/dim]")


def show_command(
    ref: RefArgument,
    start: str | None = typer.Option(None, "--from", help="Window start (default: now)"),
    end: str | None = typer.Option(None, "--to", help="Window end (default: from + 7 days)"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {schedule, entries} as the API returns them")
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show a stored schedule: its layers and its final entries over a window."""
    begin = utcnow() if start is None else instant_option(start, "--from")
    finish = begin + timedelta(days=7) if end is None else instant_option(end, "--to")
    with open_schedules(url, token, as_user) as ops:
        schedule = ops.get(ref)
        entries = ops.entries(str(schedule["id"]), begin, finish)
    if as_json:
        print_json({"schedule": schedule, "entries": entries})
    else:
        console.print(schedule_view(schedule, entries))


def create_command(
    file: Path = typer.Option(..., "--file", help="A spec: timezone and layers (users as e-mails)"),
    name: str | None = typer.Option(
        None, "--name", help="The schedule's name (default: the spec's)"
    ),
    description: str = typer.Option("", "--description", help="What the schedule covers"),
    team: str | None = typer.Option(None, "--team", help="Owning team, by name or id"),
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Store a schedule from a spec file; users are e-mail addresses or user ids."""
    spec = read_json_file(file)
    chosen = name or spec.get("name")
    if not isinstance(chosen, str) or not chosen.strip():
        fail('give the schedule a name with --name (or a "name" in the spec)')
    with open_schedules(url, token, as_user) as ops:
        created = ops.create(spec, str(chosen), description or spec.get("description", ""), team)
    if as_json:
        print_json(created)
        return
    layers = len(created["layers"])
    console.print(
        f"schedule [bold]{escape(created['name'])}[/bold] created (id {created['id']}, "
        f"{layers} layer{'' if layers == 1 else 's'}, {created['timezone']})"
    )


def oncall_now_command(
    ref: RefArgument,
    at: str | None = typer.Option(None, "--at", help="The instant, ISO-8601 (default: now)"),
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Who is on call on a stored schedule at --at (default: now)."""
    moment = utcnow() if at is None else instant_option(at, "--at")
    with open_schedules(url, token, as_user) as ops:
        body = ops.oncall(ref, moment)
    if as_json:
        print_json(body)
    elif body["users"]:
        console.print(f"{format_instant(moment)}: [bold]{escape(names(body['users']))}[/bold]")
    else:
        console.print(f"{format_instant(moment)}: [dim]nobody is on call[/dim]")


def override_command(
    ref: RefArgument,
    user: str = typer.Option(..., "--user", metavar="EMAIL", help="Who covers (e-mail or id)"),
    start: str = typer.Option(..., "--from", help="Start, ISO-8601 (no offset = UTC)"),
    end: str = typer.Option(..., "--to", help="End (excluded), ISO-8601"),
    note: str = typer.Option("", "--note", help="Why, for the others"),
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Put someone on call alone over [--from, --to) ("cover me"); the newest override wins."""
    begin, finish = instant_option(start, "--from"), instant_option(end, "--to")
    with open_schedules(url, token, as_user) as ops:
        created = ops.override(ref, user, begin, finish, note)
    if as_json:
        print_json(created)
        return
    who = created["user"]["name"] if created["user"] else "nobody"
    console.print(
        f"override {created['id']}: [bold]{escape(who)}[/bold] on call "
        f"{when(created['start'])} to {when(created['end'])}"
    )
