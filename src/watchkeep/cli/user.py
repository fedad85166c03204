"""``watchkeep user``: create, list, change, deactivate and reactivate users, on the local
database (where the first admin is made) or on a server with ``--url``."""

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.auth import accounts
from watchkeep.auth import service as auth
from watchkeep.auth.schemas import UserRead
from watchkeep.cli.actor import AsOption, local_actor_or_system
from watchkeep.cli.client import (
    ApiClient,
    TokenOption,
    UrlOption,
    remote_client,
    segment,
    server_url,
)
from watchkeep.cli.context import local_session
from watchkeep.cli.mode import connect
from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import utcnow

app = typer.Typer(
    help="Create, list and change users, in the local database (e.g. the first admin) or on "
    "a server (--url).",
    no_args_is_help=True,
)

Body = dict[str, Any]
UserArgument = Annotated[str, typer.Argument(metavar="EMAIL", help="The user (e-mail or id)")]


def stdin_is_terminal() -> bool:
    """Whether someone can be asked for a password (never in scripts or pipes)."""
    return sys.stdin.isatty()


def user_body(user: Any) -> Body:
    """The user as the API shows it."""
    body: Body = UserRead.model_validate(user, from_attributes=True).model_dump(mode="json")
    return body


def user_table(users: list[Body]) -> Table:
    table = Table(title=f"{len(users)} user(s)", header_style="bold")
    for column in ("id", "email", "name", "role", "timezone", "active"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for user in users:
        table.add_row(
            str(user["id"]),
            escape(user["email"]),
            escape(user["name"]),
            user["role"],
            user["timezone"],
            "yes" if user["is_active"] else "[dim]no[/dim]",
        )
    return table


def remote_user_id(client: ApiClient, ref: str) -> int:
    """A user's id on a server, from an id or an e-mail address."""
    ref = ref.strip()
    if ref.isdigit():
        return int(ref)
    found = [u for u in client.get("/users") if u["email"].lower() == ref.lower()]
    if not found:
        fail(f"no user with e-mail {ref}")
    return int(found[0]["id"])


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
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create a user (on a new install's local database, without an admin yet, the system
    creates it: that is how the first admin is made)."""
    if password is None and stdin_is_terminal():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    remote = server_url(url)
    if remote is not None:
        if as_user:
            fail(
                "--as (WATCHKEEP_ACTOR) is for the local database; "
                "a server acts as the token's user"
            )
        body = {"email": email, "name": name, "role": role.value, "password": password}
        with remote_client(remote, token) as client:
            created: Body = client.post("/users", body)
    else:
        if token:
            fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
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
            created = user_body(user)
    console.print(f"created user {created['id']}: {escape(created['email'])} ({created['role']})")


def _change(
    url: str | None,
    token: str | None,
    as_user: str | None,
    user: str,
    *,
    local: Any,
    remote: Any,
) -> Body:
    """One change to one user, locally (``local(session, actor, user_id)``) or on a server
    (``remote(client, user_id)``); the changed user as the API shows it."""

    def run_local(session: Session, actor: Actor) -> Body:
        target = auth.get_user_by_ref(session, ref=user)
        return user_body(local(session, actor, target.id))

    def run_remote(client: ApiClient) -> Body:
        body: Body = remote(client, remote_user_id(client, user))
        return body

    with connect(url, token, as_user, local=run_local, remote=run_remote) as changed:
        return changed


@app.command("role")
def role_(
    user: UserArgument,
    role: Annotated[Role, typer.Argument(metavar="ROLE", help="viewer, responder or admin")],
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Give a user another role (an admin acts; audited; their web sessions end)."""
    changed = _change(
        url,
        token,
        as_user,
        user,
        local=lambda session, actor, user_id: auth.change_role(
            session, actor=actor, now=utcnow(), user_id=user_id, role=role.value
        ),
        remote=lambda client, user_id: client.put(
            f"/users/{segment(user_id)}/role", {"role": role.value}
        ),
    )
    console.print(f"{escape(changed['email'])} is now {changed['role']}")


@app.command()
def deactivate(
    user: UserArgument,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Deactivate a user: their web sessions end and their API tokens stop working (an admin
    acts; not yourself, not the last active admin)."""
    changed = _change(
        url,
        token,
        as_user,
        user,
        local=lambda session, actor, user_id: accounts.deactivate_user(
            session, actor=actor, now=utcnow(), user_id=user_id
        ),
        remote=lambda client, user_id: client.post(f"/users/{segment(user_id)}/deactivate"),
    )
    console.print(f"{escape(changed['email'])} is deactivated")


@app.command()
def reactivate(
    user: UserArgument,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Let a deactivated user log in again (an admin acts)."""
    changed = _change(
        url,
        token,
        as_user,
        user,
        local=lambda session, actor, user_id: accounts.reactivate_user(
            session, actor=actor, now=utcnow(), user_id=user_id
        ),
        remote=lambda client, user_id: client.post(f"/users/{segment(user_id)}/reactivate"),
    )
    console.print(f"{escape(changed['email'])} is active")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the users."""
    remote = server_url(url)
    if remote is not None:
        if as_user:
            fail(
                "--as (WATCHKEEP_ACTOR) is for the local database; "
                "a server acts as the token's user"
            )
        with remote_client(remote, token) as client:
            users: list[Body] = client.get("/users")
    else:
        if token:
            fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
        with local_session() as session:
            users = [user_body(u) for u in auth.list_users(session)]
    if as_json:
        print_json(users)
    else:
        console.print(user_table(users))
