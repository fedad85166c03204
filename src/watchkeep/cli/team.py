"""``watchkeep team``: list, create and change teams, on the local database or on a server
with ``--url``. A team is named by id or name, its members by e-mail."""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.schemas import UserRead
from watchkeep.catalog import service as catalog
from watchkeep.catalog.schemas import team_read
from watchkeep.cli.actor import AsOption
from watchkeep.cli.catalog_refs import (
    emails_by_id,
    local_teams,
    local_user_ids,
    pick,
    remote_user_ids,
)
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
    help="List, create and change teams (local database, or a server with --url).",
    no_args_is_help=True,
)

TeamArgument = Annotated[str, typer.Argument(metavar="TEAM", help="The team (id or name)")]
DescriptionOption = Annotated[
    str | None, typer.Option("--description", help="What the team does", show_default=False)
]
MemberOption = Annotated[
    list[str] | None,
    typer.Option(
        "--member",
        metavar="EMAIL",
        help="A member, by e-mail (repeat for several; on update, the new set of members)",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the team as JSON")]


def team_table(teams: list[Body], emails: dict[int, str]) -> Table:
    rows = (
        (
            str(team["id"]),
            escape(team["name"]),
            escape(", ".join(emails.get(i, str(i)) for i in team["member_ids"]))
            or "[dim]none[/dim]",
            escape(team["description"]),
        )
        for team in teams
    )
    columns = ("id", "name", "members", "description")
    return record_table(f"{len(teams)} team(s)", columns, rows)


def _user_bodies(session: Session) -> list[Body]:
    return [
        UserRead.model_validate(u, from_attributes=True).model_dump(mode="json")
        for u in auth.list_users(session)
    ]


@app.command("list")
def list_(
    as_json: TableJsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the teams with their members."""

    def run_local(session: Session, _actor: Actor) -> tuple[list[Body], list[Body]]:
        return local_teams(session), _user_bodies(session)

    def run_remote(client: ApiClient) -> tuple[list[Body], list[Body]]:
        teams: list[Body] = client.get("/teams")
        return teams, ([] if as_json else client.get("/users"))

    teams, users = completed(url, token, as_user, local=run_local, remote=run_remote)
    print_records(teams, as_json, lambda listed: team_table(listed, emails_by_id(users)))


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The team's name (unique)")],
    description: DescriptionOption = None,
    members: MemberOption = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create a team (an admin acts; audited)."""
    emails = members or []

    def run_local(session: Session, actor: Actor) -> Body:
        team = catalog.create_team(
            session,
            actor=actor,
            now=utcnow(),
            name=name,
            description=description or "",
            member_ids=local_user_ids(session, emails),
        )
        return team_read(team).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        body = {
            "name": name,
            "description": description or "",
            "member_ids": remote_user_ids(client, emails),
        }
        created: Body = client.post("/teams", body)
        return created

    created = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(created, as_json, "created team")


@app.command()
def update(
    team: TeamArgument,
    name: Annotated[
        str | None, typer.Option("--name", help="A new name", show_default=False)
    ] = None,
    description: DescriptionOption = None,
    members: MemberOption = None,
    no_members: Annotated[
        bool, typer.Option("--no-members", help="Leave the team without members")
    ] = False,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Change a team's name, description or members (an admin acts; audited).

    What is not given stays as it is; --member gives the whole new set of members."""
    if members and no_members:
        fail("--member and --no-members exclude each other")
    emails = [] if no_members else members

    def run_local(session: Session, actor: Actor) -> Body:
        team_id = pick(local_teams(session), team, "team")["id"]
        changed = catalog.update_team(
            session,
            actor=actor,
            now=utcnow(),
            team_id=team_id,
            name=name,
            description=description,
            member_ids=None if emails is None else local_user_ids(session, emails),
        )
        return team_read(changed).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        team_id = pick(client.get("/teams"), team, "team")["id"]
        members = None if emails is None else remote_user_ids(client, emails)
        body = given(name=name, description=description, member_ids=members)
        changed: Body = client.patch(f"/teams/{segment(team_id)}", body)
        return changed

    changed = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(changed, as_json, "saved team")
