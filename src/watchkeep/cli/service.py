"""``watchkeep service``: list, create and change services, on the local database or on a
server with ``--url``. A service, its owner team and the services it depends on are named by
id or name."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.catalog import service as catalog
from watchkeep.catalog.models import SERVICE_KINDS
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
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help=f"What it is: {', '.join(SERVICE_KINDS)} (a vendor's or provider's)",
        show_default=False,
    ),
]
DependsOnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--depends-on",
        metavar="SERVICE",
        help="A service it depends on (id or name); repeat for several (update: replaces them)",
        show_default=False,
    ),
]
RunbookOption = Annotated[
    Path | None,
    typer.Option(
        "--runbook-file",
        metavar="FILE",
        help="Its runbook, in Markdown, from this file",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
]
RunbookUrlOption = Annotated[
    str | None,
    typer.Option("--runbook-url", metavar="URL", help="A link to its runbook", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the service as JSON")]


def _kind(kind: str | None) -> str | None:
    if kind is not None and kind not in SERVICE_KINDS:
        fail(f"--kind must be one of {', '.join(SERVICE_KINDS)}")
    return kind


def _runbook(path: Path | None) -> str | None:
    return path.read_text(encoding="utf-8") if path is not None else None


def _depends_on(services: list[Body], refs: list[str] | None) -> list[int] | None:
    """The ids of the services named by ``refs`` (``None`` when none were given)."""
    if refs is None:
        return None
    return [int(pick(services, ref, "service")["id"]) for ref in refs]


def service_table(services: list[Body]) -> Table:
    rows = (
        (
            str(service["id"]),
            escape(service["name"]),
            service["kind"],
            escape(service["owner_team"]) if service["owner_team"] else "[dim]none[/dim]",
            escape(", ".join(service["depends_on"])) or "[dim]none[/dim]",
            escape(service["description"]),
        )
        for service in services
    )
    columns = ("id", "name", "kind", "owner team", "depends on", "description")
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
    kind: KindOption = None,
    depends_on: DependsOnOption = None,
    runbook_file: RunbookOption = None,
    runbook_url: RunbookUrlOption = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create a service (an admin acts; audited)."""
    kind, runbook = _kind(kind), _runbook(runbook_file)

    def body(teams: list[Body], services: list[Body]) -> Body:
        return given(
            name=name,
            description=description,
            owner_team_id=pick(teams, owner_team, "team")["id"] if owner_team else None,
            kind=kind,
            runbook=runbook,
            runbook_url=runbook_url,
            depends_on_ids=_depends_on(services, depends_on),
        )

    def run_local(session: Session, actor: Actor) -> Body:
        values = body(local_teams(session), local_services(session))
        service = catalog.create_service(session, actor=actor, now=utcnow(), **values)
        return service_read(service).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        teams: list[Body] = client.get("/teams") if owner_team else []
        services: list[Body] = client.get("/services") if depends_on else []
        created: Body = client.post("/services", body(teams, services))
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
    kind: KindOption = None,
    depends_on: DependsOnOption = None,
    no_depends_on: Annotated[
        bool, typer.Option("--no-depends-on", help="It depends on no other service")
    ] = False,
    runbook_file: RunbookOption = None,
    runbook_url: RunbookUrlOption = None,
    no_runbook_url: Annotated[
        bool, typer.Option("--no-runbook-url", help="Remove the link to its runbook")
    ] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Change a service's name, description, owner team, kind, dependencies or runbook (an
    admin acts; audited).

    What is not given stays as it is."""
    for option, clear in (
        ("--owner-team", owner_team and no_owner_team),
        ("--depends-on", depends_on and no_depends_on),
        ("--runbook-url", runbook_url and no_runbook_url),
    ):
        if clear:
            fail(f"{option} and --no-{option[2:]} exclude each other")
    kind, runbook = _kind(kind), _runbook(runbook_file)

    def changes(teams: list[Body], services: list[Body]) -> Body:
        body = given(
            name=name,
            description=description,
            kind=kind,
            runbook=runbook,
            runbook_url=runbook_url,
            depends_on_ids=[] if no_depends_on else _depends_on(services, depends_on),
        )
        if owner_team:
            body["owner_team_id"] = pick(teams, owner_team, "team")["id"]
        elif no_owner_team:
            body["owner_team_id"] = None
        if no_runbook_url:
            body["runbook_url"] = None
        return body

    def run_local(session: Session, actor: Actor) -> Body:
        services = local_services(session)
        service_id = pick(services, service, "service")["id"]
        changed = catalog.update_service(
            session,
            actor=actor,
            now=utcnow(),
            service_id=service_id,
            **changes(local_teams(session), services),
        )
        return service_read(changed).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        services: list[Body] = client.get("/services")
        service_id = pick(services, service, "service")["id"]
        teams: list[Body] = client.get("/teams") if owner_team else []
        changed: Body = client.patch(f"/services/{segment(service_id)}", changes(teams, services))
        return changed

    changed = completed(url, token, as_user, local=run_local, remote=run_remote)
    _report(changed, "saved", as_json)
