"""``watchkeep user``: create and list users in the local database (admin bootstrap)."""

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.auth.schemas import UserRead
from watchkeep.cli.actor import AsOption, local_actor, local_actor_or_system
from watchkeep.cli.context import local_session
from watchkeep.cli.output import console, print_json
from watchkeep.core.actor import Role
from watchkeep.core.clock import utcnow

app = typer.Typer(
    help="Create, list and change users in the local database (e.g. the first admin).",
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
    as_user: AsOption = None,
) -> None:
    """Create a user in the local database (on a new install, without an admin yet, the
    system creates it: that is how the first admin is made)."""
    if password is None and stdin_is_terminal():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with local_session() as session:
        user = auth.create_user(
            session,
            actor=local_actor_or_system(session, as_user),
            now=utcnow(),
            email=email,
            name=name,
            role=role.value,
            password=password,
        )
        line = f"created user {user.id}: {escape(user.email)} ({user.role})"
    console.print(line)


@app.command("role")
def role_(
    user: Annotated[str, typer.Argument(metavar="EMAIL", help="The user (e-mail or id)")],
    role: Annotated[Role, typer.Argument(metavar="ROLE", help="viewer, responder or admin")],
    as_user: AsOption = None,
) -> None:
    """Give a user another role in the local database (an admin acts; audited)."""
    with local_session() as session:
        target = auth.get_user_by_ref(session, ref=user)
        changed = auth.change_role(
            session,
            actor=local_actor(session, as_user),
            now=utcnow(),
            user_id=target.id,
            role=role.value,
        )
        line = f"{escape(changed.email)} is now {changed.role}"
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
