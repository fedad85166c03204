"""``watchkeep alert``: list, show, acknowledge and resolve alerts, on the local database or on
a server with ``--url``. An alert is named ``ALR-<n>`` (or ``<n>``)."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.alert import alerts
from watchkeep.alert.schemas import alert_read, event_read
from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption
from watchkeep.cli.output import console, fail, print_json
from watchkeep.cli.records import Body, JsonOption, TableJsonOption, completed, record_table
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.ids import parse_reference
from watchkeep.escalation import pages, runs
from watchkeep.escalation.schemas import run_read

app = typer.Typer(
    help="List, show, acknowledge and resolve alerts (local database, or a server with --url).",
    no_args_is_help=True,
)

AlertArgument = Annotated[str, typer.Argument(metavar="ALERT", help="ALR-<n> or <n>")]
STATUS_STYLE = {"firing": "red", "acknowledged": "yellow", "resolved": "green"}


def alert_id(ref: str) -> int:
    found = parse_reference(ref, "ALR")
    if found is None:
        fail(f"{ref!r} is not an alert: use ALR-<n> or <n>")
    assert found is not None  # fail() exits
    return found


def _status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


def alert_table(items: list[Body]) -> Table:
    rows = (
        (
            item["reference"],
            _status(item["status"]),
            item["severity"] or "",
            item["urgency"],
            escape(item["source"]["name"]),
            escape(item["title"]),
        )
        for item in items
    )
    columns = ("alert", "status", "severity", "urgency", "source", "title")
    return record_table(f"{len(items)} alert(s)", columns, rows)


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="open, firing, acknowledged or resolved", show_default=False),
    ] = None,
    source_id: Annotated[
        int | None, typer.Option("--source", help="Only this source's (its id)", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="How many")] = 50,
    as_json: TableJsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List alerts, newest first."""

    def run_local(session: Session, _actor: Actor) -> list[Body]:
        found, _more = alerts.list_alerts(session, status=status, source_id=source_id, limit=limit)
        return [alert_read(a).model_dump(mode="json") for a in found]

    def run_remote(client: ApiClient) -> list[Body]:
        params = {"status": status, "source_id": source_id, "limit": limit}
        page: Body = client.get("/alerts", **{k: v for k, v in params.items() if v is not None})
        items: list[Body] = page["items"]
        return items

    items = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(items)
    else:
        console.print(alert_table(items))


@app.command()
def show(
    alert: AlertArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show an alert: its labels, its events and its escalation."""
    wanted = alert_id(alert)

    def run_local(session: Session, _actor: Actor) -> Body:
        found = alerts.get(session, alert_id=wanted)
        run = runs.find_for_alert(session, alert_id=wanted)
        return {
            **alert_read(found).model_dump(mode="json"),
            "events": [
                event_read(e, p).model_dump(mode="json")
                for e, p in alerts.events(session, alert_id=wanted)
            ],
            "escalation": run_read(run, pages.pages_of_alert(session, alert_id=wanted)).model_dump(
                mode="json"
            )
            if run
            else None,
        }

    def run_remote(client: ApiClient) -> Body:
        body: Body = client.get(f"/alerts/{wanted}")
        body["events"] = client.get(f"/alerts/{wanted}/events")
        body["escalation"] = client.get(f"/alerts/{wanted}/escalation")
        return body

    body = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(body)
        return
    console.print(f"[bold]{body['reference']}[/bold] {escape(body['title'])}")
    console.print(
        f"{_status(body['status'])} · severity {body['severity'] or '-'} · urgency "
        f"{body['urgency']} · source {escape(body['source']['name'])} · "
        f"{body['event_count']} event(s)"
    )
    if body["description"]:
        console.print(escape(body["description"]))
    for name, value in sorted(body["labels"].items()):
        console.print(f"  {escape(name)}={escape(value)}")
    run = body["escalation"]
    if run:
        paged = ", ".join(escape(p["user"]) for p in run["pages"]) or "nobody"
        console.print(f"escalation {run['policy']['name']}: {run['state']}; paged {paged}")
    else:
        console.print("[dim]no escalation[/dim]")


def _act(
    verb: str, alert: str, as_json: bool, url: str | None, token: str | None, as_user: str | None
) -> None:
    wanted = alert_id(alert)
    act = pages.acknowledge if verb == "acknowledge" else pages.resolve

    def run_local(session: Session, actor: Actor) -> Body:
        changed = act(session, alert_id=wanted, actor=actor, now=utcnow())
        return alert_read(changed).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        changed: Body = client.post(f"/alerts/{wanted}/{verb}")
        return changed

    body = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(body)
    else:
        console.print(f"{body['reference']} is {body['status']}")


@app.command()
def ack(
    alert: AlertArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Acknowledge an alert: its escalation stops paging."""
    _act("acknowledge", alert, as_json, url, token, as_user)


@app.command()
def resolve(
    alert: AlertArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Resolve an alert and end its escalation."""
    _act("resolve", alert, as_json, url, token, as_user)
