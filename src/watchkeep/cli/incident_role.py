"""``watchkeep incident-role``: list, create and change the roles people hold on incidents,
on the local database or on a server with ``--url``. A role is named by its slug, which
never changes."""

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption, segment
from watchkeep.cli.records import (
    Body,
    JsonOption,
    api_body,
    completed,
    found,
    given,
    print_records,
    record_table,
    report,
)
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.incident import roles
from watchkeep.incident.schemas import RoleTypeRead

app = typer.Typer(
    help="List, create and change incident roles (locally or on a server).",
    no_args_is_help=True,
)

EDITABLE = ("name", "instructions", "rank")


def role_body(role_type: Any) -> Body:
    """The role as the API shows it."""
    return api_body(RoleTypeRead, role_type)


def remote_role(client: ApiClient, slug: str) -> Body:
    """A role on a server, by slug."""
    return found(
        client.get("/role-types"),
        lambda role_type: role_type["slug"] == slug,
        f"no incident role with slug {slug}",
    )


def role_table(listed: list[Body]) -> Table:
    rows = (
        (
            str(role_type["id"]),
            str(role_type["rank"]),
            role_type["slug"],
            escape(role_type["name"]),
            "yes" if role_type["builtin"] else "no",
        )
        for role_type in listed
    )
    columns = ("id", "rank", "slug", "name", "built-in")
    return record_table(f"{len(listed)} incident role(s)", columns, rows)


@app.command("list")
def list_(
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the incident roles in their order."""
    listed = completed(
        url,
        token,
        as_user,
        local=lambda session, _actor: [role_body(r) for r in roles.list_role_types(session)],
        remote=lambda client: list(client.get("/role-types")),
    )
    print_records(listed, as_json, role_table)


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The role's name")],
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="How the API names it (default: from the name); fixed"),
    ] = None,
    instructions: Annotated[str, typer.Option("--instructions", help="What the holder does")] = "",
    rank: Annotated[
        int, typer.Option("--rank", help="Order among the roles", min=0)
    ] = roles.DEFAULT_RANK,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create an incident role (an admin acts; audited)."""
    body: Body = {"name": name, "slug": slug, "instructions": instructions, "rank": rank}

    def run_local(session: Session, actor: Actor) -> Body:
        return role_body(roles.create_role_type(session, actor=actor, now=utcnow(), **body))

    def run_remote(client: ApiClient) -> Body:
        created: Body = client.post("/role-types", body)
        return created

    created = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(created, as_json, "created incident role", key="slug")


@app.command()
def update(
    slug: Annotated[str, typer.Argument(metavar="SLUG", help="The role (lead, scribe, …)")],
    name: Annotated[str | None, typer.Option("--name", help="A new name")] = None,
    instructions: Annotated[
        str | None, typer.Option("--instructions", help="New instructions")
    ] = None,
    rank: Annotated[int | None, typer.Option("--rank", help="A new rank", min=0)] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Change an incident role's name, instructions or rank, built-in ones too; what is not
    given stays (an admin acts; audited)."""
    changes = given(name=name, instructions=instructions, rank=rank)

    def run_local(session: Session, actor: Actor) -> Body:
        found = roles.get_role_type(session, ref=slug)
        body = {key: role_body(found)[key] for key in EDITABLE} | changes
        changed = roles.update_role_type(
            session, actor=actor, now=utcnow(), role_type_id=found.id, **body
        )
        return role_body(changed)

    def run_remote(client: ApiClient) -> Body:
        current = remote_role(client, slug)
        body = {key: current[key] for key in EDITABLE} | changes
        changed: Body = client.put(f"/role-types/{segment(current['id'])}", body)
        return changed

    changed = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(changed, as_json, "changed incident role", key="slug")
