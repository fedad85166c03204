"""``watchkeep service``: list, create and change services, on the local database or on a
server with ``--url``. A service and its owner team are named by id or name."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.catalog import service as catalog
from watchkeep.catalog.schemas import service_read
from watchkeep.cli.actor import AsOption
from watchkeep.cli.catalog_refs import local_services, local_teams, pick
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption, segment
from watchkeep.cli.output import fail
from watchkeep.cli.records import (
    Body,
    TableJsonOption,
    completed,
    given,
    print_records,
    record_table,
    report,
)
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow

app = typer.Typer(
    help="List, create and change services (local database, or a server with --url).",
    no_args_is_help=True,
)

ServiceArgument = Annotated[str, typer.Argument(metavar="SERVICE", help="The service (id or name)")]
DescriptionOption = Annotated[
    str | None, typer.Option("--description", help="What the service is", show_default=False)
]
OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner-team", metavar="TEAM", help="The owner team (id or name)", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the service as JSON")]


def service_table(services: list[Body]) -> Table:
    rows = (
        (
            str(service["id"]),
            escape(service["name"]),
            escape(service["owner_team"]) if service["owner_team"] else "[dim]none[/dim]",
            escape(service["description"]),
        )
        for service in services
    )
    columns = ("id", "name", "owner team", "description")
    return record_table(f"{len(services)} service(s)", columns, rows)


def _report(service: Body, verb: str, as_json: bool) -> None:
    owner = f" (owner team {escape(service['owner_team'])})" if service["owner_team"] else ""
    report(service, as_json, f"{verb} service", more=owner)


@app.command("list")
def list_(
    as_json: TableJsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the services with their owner teams."""

    def run_remote(client: ApiClient) -> list[Body]:
        services: list[Body] = client.get("/services")
        return services

    services = completed(
        url,
        token,
        as_user,
        local=lambda session, _actor: local_services(session),
        remote=run_remote,
    )
    print_records(services, as_json, service_table)


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The service's name (unique)")],
    description: DescriptionOption = None,
    owner_team: OwnerOption = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create a service (an admin acts; audited)."""

    def run_local(session: Session, actor: Actor) -> Body:
        owner = pick(local_teams(session), owner_team, "team")["id"] if owner_team else None
        service = catalog.create_service(
            session,
            actor=actor,
            now=utcnow(),
            name=name,
            description=description or "",
            owner_team_id=owner,
        )
        return service_read(service).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        owner = pick(client.get("/teams"), owner_team, "team")["id"] if owner_team else None
        body = {"name": name, "description": description or "", "owner_team_id": owner}
        created: Body = client.post("/services", body)
        return created

    created = completed(url, token, as_user, local=run_local, remote=run_remote)
    _report(created, "created", as_json)


@app.command()
def update(
    service: ServiceArgument,
    name: Annotated[
        str | None, typer.Option("--name", help="A new name", show_default=False)
    ] = None,
    description: DescriptionOption = None,
    owner_team: OwnerOption = None,
    no_owner_team: Annotated[
        bool, typer.Option("--no-owner-team", help="Leave the service without an owner team")
    ] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Change a service's name, description or owner team (an admin acts; audited).

    What is not given stays as it is."""
    if owner_team and no_owner_team:
        fail("--owner-team and --no-owner-team exclude each other")

    def changes(teams: list[Body]) -> Body:
        body = given(name=name, description=description)
        if owner_team:
            body["owner_team_id"] = pick(teams, owner_team, "team")["id"]
        elif no_owner_team:
            body["owner_team_id"] = None
        return body

    def run_local(session: Session, actor: Actor) -> Body:
        service_id = pick(local_services(session), service, "service")["id"]
        changed = catalog.update_service(
            session,
            actor=actor,
            now=utcnow(),
            service_id=service_id,
            **changes(local_teams(session)),
        )
        return service_read(changed).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        service_id = pick(client.get("/services"), service, "service")["id"]
        teams: list[Body] = client.get("/teams") if owner_team else []
        changed: Body = client.patch(f"/services/{segment(service_id)}", changes(teams))
        return changed

    changed = completed(url, token, as_user, local=run_local, remote=run_remote)
    _report(changed, "saved", as_json)
