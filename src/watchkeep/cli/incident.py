"""``watchkeep incident``: declare, find, show and run incidents from the terminal.

Every command works on the local database (acting as ``--as`` or the first admin) or, with
``--url`` and a token, on a server. ``--json`` prints the API's own body in both modes.
"""

from typing import Annotated, Any

import typer
from rich.markup import escape

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import TokenOption, UrlOption
from watchkeep.cli.incident_ops import Declaration, Filters, open_incidents
from watchkeep.cli.incident_render import incident_table, incident_view, when
from watchkeep.cli.output import console, print_json
from watchkeep.incident.access import parse_reference
from watchkeep.incident.lifecycle import Category, Status
from watchkeep.incident.listing import MAX_PAGE

app = typer.Typer(
    help="Declare, list, show and run incidents (local database, or a server with --url).",
    no_args_is_help=True,
)

RefArgument = Annotated[str, typer.Argument(metavar="REF", help="The incident: INC-12 or 12")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON body instead")]


def reference(ref: str) -> str:
    """``12`` or ``inc-12`` as ``INC-12``."""
    return f"INC-{parse_reference(ref)}"


def parse_fields(pairs: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs as custom field values; a name given twice collects a list."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise typer.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--field")
        if name not in values:
            values[name] = value
        elif isinstance(values[name], list):
            values[name].append(value)
        else:
            values[name] = [values[name], value]
    return values


@app.command()
def declare(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What is wrong, in a few words")],
    severity: Annotated[
        str, typer.Option("--severity", "-s", help="Severity name (SEV1..SEV4) or id")
    ],
    summary: Annotated[str, typer.Option("--summary", help="What is known so far")] = "",
    incident_type: Annotated[
        str | None,
        typer.Option("--type", help="Incident type name or id (default: the default type)"),
    ] = None,
    services: Annotated[
        list[str] | None,
        typer.Option("--service", metavar="NAME", help="An affected service (repeatable)"),
    ] = None,
    private: Annotated[
        bool | None,
        typer.Option(
            "--private/--public",
            help="Only participants and admins see a private incident (default: per type)",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        Status, typer.Option("--status", help="Start in triage or a live status")
    ] = Status.INVESTIGATING,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", metavar="NAME=VALUE", help="A custom field value (repeatable)"),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Declare an incident and print its reference; you become its reporter and lead."""
    spec = Declaration(
        title=title,
        severity=severity,
        summary=summary,
        incident_type=incident_type,
        services=services or [],
        private=private,
        status=status.value,
        custom_fields=parse_fields(fields or []),
    )
    with open_incidents(url, token, as_user) as ops:
        incident = ops.declare(spec)
    if as_json:
        print_json(incident)
        return
    console.print(
        f"[bold]{incident['reference']}[/bold] declared: {escape(incident['title'])} "
        f"({incident['severity']['name']}, {incident['status']})"
    )


@app.command("list")
def list_(
    statuses: Annotated[
        list[Status] | None, typer.Option("--status", help="Only this status (repeatable)")
    ] = None,
    categories: Annotated[
        list[Category] | None,
        typer.Option("--category", help="Only this status category (repeatable)"),
    ] = None,
    severities: Annotated[
        list[str] | None,
        typer.Option("--severity", metavar="NAME", help="Only this severity (repeatable)"),
    ] = None,
    services: Annotated[
        list[str] | None,
        typer.Option("--service", metavar="NAME", help="Only incidents affecting this service"),
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", "-q", help="Text in the title or summary")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_PAGE, help="Show at most this many")
    ] = 50,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the incidents you may see, newest first."""
    filters = Filters(
        statuses=[s.value for s in statuses or []],
        categories=[c.value for c in categories or []],
        severities=severities or [],
        services=services or [],
        text=text,
        limit=limit,
    )
    with open_incidents(url, token, as_user) as ops:
        page = ops.page(filters)
    if as_json:
        print_json(page)
    else:
        console.print(incident_table(page))


@app.command()
def show(
    ref: RefArgument,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print {incident, timeline, updates} as the API returns them"),
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show an incident: its details, who holds which role, and its timeline."""
    with open_incidents(url, token, as_user) as ops:
        incident = ops.get(ref)
        entries = ops.timeline(ref)
        posted = ops.updates(ref) if as_json else []
    if as_json:
        print_json({"incident": incident, "timeline": entries, "updates": posted})
    else:
        console.print(incident_view(incident, entries))


@app.command()
def status(
    ref: RefArgument,
    new_status: Annotated[Status, typer.Argument(metavar="STATUS", help="The status to move to")],
    merged_into: Annotated[
        str | None,
        typer.Option("--merged-into", metavar="REF", help="With STATUS merged: the target"),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Move an incident to another status; a move that is not allowed names the allowed ones."""
    with open_incidents(url, token, as_user) as ops:
        incident = ops.transition(ref, new_status.value, merged_into)
    if as_json:
        print_json(incident)
        return
    merged = f" into {incident['merged_into']}" if incident["merged_into"] else ""
    console.print(f"[bold]{incident['reference']}[/bold] is now {incident['status']}{merged}")


@app.command()
def note(
    ref: RefArgument,
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="The note; its first line becomes the title")
    ],
    pin: Annotated[bool, typer.Option("--pin", help="Pin it as a key moment")] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Add a note to an incident's timeline."""
    with open_incidents(url, token, as_user) as ops:
        entry = ops.note(ref, text, pin)
    if as_json:
        print_json(entry)
        return
    pinned = " (pinned)" if entry["pinned"] else ""
    console.print(f"note {entry['id']} added to [bold]{reference(ref)}[/bold]{pinned}")


@app.command()
def assign(
    ref: RefArgument,
    role: Annotated[
        str, typer.Argument(metavar="ROLE", help="lead, comms, scribe, reporter or a custom role")
    ],
    user: Annotated[str, typer.Argument(metavar="USER", help="E-mail address or user id")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Give a role on an incident to a user (replacing whoever held it)."""
    with open_incidents(url, token, as_user) as ops:
        incident = ops.assign(ref, role, user)
    if as_json:
        print_json(incident)
        return
    held = next((r for r in incident["roles"] if r["role"] == role), None)
    line = f"{held['user']['name']} is now {held['name']}" if held else f"{user} holds {role}"
    console.print(f"{escape(line)} on [bold]{incident['reference']}[/bold]")


@app.command()
def update(
    ref: RefArgument,
    message: Annotated[
        str, typer.Argument(metavar="MESSAGE", help="What changed, for stakeholders")
    ],
    new_status: Annotated[
        Status | None, typer.Option("--status", help="Move to this status with the update")
    ] = None,
    next_minutes: Annotated[
        int | None,
        typer.Option(
            "--next",
            metavar="MINUTES",
            min=1,
            max=7 * 24 * 60,
            help="Minutes until the next update is due (default: update_interval_minutes)",
        ),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Post a status update, optionally moving the status; sets when the next one is due."""
    status_value = new_status.value if new_status else None
    with open_incidents(url, token, as_user) as ops:
        posted = ops.post_update(ref, message, status_value, next_minutes)
    if as_json:
        print_json(posted)
        return
    due = f"; next update due {when(posted['next_update_at'])}" if posted["next_update_at"] else ""
    console.print(f"update posted on [bold]{reference(ref)}[/bold] ({posted['status']}){due}")


@app.command()
def resolve(
    ref: RefArgument,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Also post this as the resolving status update"),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Resolve an incident, with a final status update if --message is given."""
    with open_incidents(url, token, as_user) as ops:
        if message:
            ops.post_update(ref, message, Status.RESOLVED.value, None)
            incident = ops.get(ref)
        else:
            incident = ops.transition(ref, Status.RESOLVED.value)
    if as_json:
        print_json(incident)
        return
    console.print(f"[bold]{incident['reference']}[/bold] is {incident['status']}")
