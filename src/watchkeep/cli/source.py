"""``watchkeep source``: alert sources and their integration keys (admins), on the local
database or on a server with ``--url``."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.alert import sources
from watchkeep.alert.models import AlertSource
from watchkeep.alert.schemas import source_read
from watchkeep.cli.actor import AsOption
from watchkeep.cli.catalog_refs import pick
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption, segment
from watchkeep.cli.context import settings
from watchkeep.cli.records import (
    Body,
    JsonOption,
    TableJsonOption,
    completed,
    print_records,
    record_table,
    report,
)
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import utcnow
from watchkeep.escalation import policies

app = typer.Typer(
    help="Alert sources and their keys (admins; local database, or a server with --url).",
    no_args_is_help=True,
)

SourceArgument = Annotated[str, typer.Argument(metavar="SOURCE", help="The source (id or name)")]


def _local(session: Session, source: AlertSource) -> Body:
    base = settings().base_url
    received = sources.last_received(session).get(source.id)
    return source_read(source, sources.endpoints(base, source), received).model_dump(mode="json")


def source_table(items: list[Body]) -> Table:
    rows = (
        (
            str(s["id"]),
            escape(s["name"]),
            s["kind"],
            "yes" if s["enabled"] else "[dim]no[/dim]",
            s["integration_key"],
        )
        for s in items
    )
    return record_table(f"{len(items)} source(s)", ("id", "name", "kind", "enabled", "key"), rows)


@app.command("list")
def list_(
    as_json: TableJsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the alert sources with their keys."""

    def run_local(session: Session, actor: Actor) -> list[Body]:
        actor.require(Role.ADMIN)
        return [_local(session, s) for s in sources.list_sources(session)]

    def run_remote(client: ApiClient) -> list[Body]:
        found: list[Body] = client.get("/alert-sources")
        return found

    items = completed(url, token, as_user, local=run_local, remote=run_remote)
    print_records(items, as_json, source_table)


def _endpoints(source: Body) -> str:
    return "".join(f"\n  {name}: {address}" for name, address in source["endpoints"].items())


def _secret(source: Body) -> str:
    """The signing secret of a source whose sender signs (GitHub's webhook secret)."""
    secret = source.get("signing_secret")
    return f"\n  signing secret: {secret}" if secret else ""


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The source's name (unique)")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="alertmanager, pagerduty, grafana, generic, heartbeat or github"
        ),
    ] = "alertmanager",
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="Escalation policy (id or name)", show_default=False),
    ] = None,
    heartbeat_seconds: Annotated[
        int | None,
        typer.Option(
            "--heartbeat-seconds", help="Heartbeat sources: the period", show_default=False
        ),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create an alert source; prints its key (and a GitHub source's signing secret) and
    where senders send."""

    def values(policies_: list[Body]) -> Body:
        return {
            "name": name,
            "kind": kind,
            "escalation_policy_id": pick(policies_, policy, "escalation policy")["id"]
            if policy
            else None,
            "heartbeat_seconds": heartbeat_seconds,
        }

    def run_local(session: Session, actor: Actor) -> Body:
        known = [{"id": p.id, "name": p.name} for p in policies.list_policies(session)]
        made = sources.create(session, actor=actor, now=utcnow(), **values(known))
        return _local(session, made)

    def run_remote(client: ApiClient) -> Body:
        known: list[Body] = client.get("/escalation-policies") if policy else []
        made: Body = client.post("/alert-sources", values(known))
        return made

    made = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(
        made,
        as_json,
        "created source",
        more=f" key {made['integration_key']}{_secret(made)}{_endpoints(made)}",
    )


@app.command("rotate-key")
def rotate_key(
    source: SourceArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Give a source a new key (and a GitHub source a new signing secret); the old ones stop
    working at once."""

    def run_local(session: Session, actor: Actor) -> Body:
        known = [{"id": s.id, "name": s.name} for s in sources.list_sources(session)]
        source_id = pick(known, source, "alert source")["id"]
        return _local(
            session, sources.rotate_key(session, actor=actor, now=utcnow(), source_id=source_id)
        )

    def run_remote(client: ApiClient) -> Body:
        source_id = pick(client.get("/alert-sources"), source, "alert source")["id"]
        rotated: Body = client.post(f"/alert-sources/{segment(source_id)}/rotate-key")
        return rotated

    rotated = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(
        rotated,
        as_json,
        "new key for source",
        more=f": {rotated['integration_key']}{_secret(rotated)}",
    )
