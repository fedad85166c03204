"""``watchkeep user``: create and list users in the local database (admin bootstrap)."""

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from watchkeep.auth import service as auth
from watchkeep.auth.actor import Role
from watchkeep.auth.models import User
from watchkeep.auth.schemas import UserRead
from watchkeep.cli.context import local_session
from watchkeep.cli.output import console, print_json

app = typer.Typer(
    help="Create and list users in the local database (e.g. the first admin).",
    no_args_is_help=True,
)


def stdin_is_terminal() -> bool:
    """Whether someone can be asked for a password (never in scripts or pipes)."""
    return sys.stdin.isatty()


def user_read(user: User) -> UserRead:
    """The user as the API shows it."""
    return UserRead.model_validate(user, from_attributes=True)


def user_table(users: list[User]) -> Table:
    table = Table(title=f"{len(users)} user(s)", header_style="bold")
    for column in ("id", "email", "name", "role", "timezone", "active"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for user in users:
        table.add_row(
            str(user.id),
            escape(user.email),
            escape(user.name),
            user.role,
            user.timezone,
            "yes" if user.is_active else "[dim]no[/dim]",
        )
    return table


@app.command()
def create(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="E-mail address; also the login")],
    name: Annotated[str, typer.Option("--name", help="Full name as others see it")],
    role: Annotated[Role, typer.Option("--role", help="What the user may do")] = Role.RESPONDER,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            help="Web login password (at least 8 characters). Asked for with hidden input "
            "when omitted on a terminal; otherwise the user signs in with API tokens only",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a user in the local database."""
    if password is None and stdin_is_terminal():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with local_session() as session:
        user = auth.create_user(
            session,
            email=email,
            name=name,
            role=role.value,
            password=password,
        )
        line = f"created user {user.id}: {escape(user.email)} ({user.role})"
    console.print(line)


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """List the users in the local database."""
    with local_session() as session:
        users = auth.list_users(session)
        if as_json:
            print_json([user_read(u).model_dump(mode="json") for u in users])
        else:
            console.print(user_table(users))
