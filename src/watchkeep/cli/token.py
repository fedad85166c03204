"""``watchkeep token``: create, list and revoke API tokens.

All three work on the local database and against a server (``--url``); there ``token create``
creates a token for the user of the token you call it with, ``token list`` shows your tokens
(every token to an admin) and ``token revoke`` revokes one of them.
"""

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.auth.models import ApiToken
from watchkeep.auth.schemas import TokenCreated, TokenRead
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
from watchkeep.cli.output import console, err_console, fail, print_json
from watchkeep.core.actor import Actor, Role
from watchkeep.core.clock import ensure_utc, utcnow

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)

Body = dict[str, Any]


def token_read(token: ApiToken) -> TokenRead:
    """The token as the API shows it (never the secret)."""
    return TokenRead.model_validate(token, from_attributes=True)


def short_time(moment: datetime | None) -> str:
    return ensure_utc(moment).strftime("%Y-%m-%d %H:%MZ") if moment else ""


def short_iso(moment: str | None) -> str:
    return short_time(datetime.fromisoformat(moment)) if moment else ""


def token_table(tokens: list[Body], emails: dict[int, str]) -> Table:
    table = Table(title=f"{len(tokens)} token(s)", header_style="bold")
    for column in ("id", "user", "name", "role", "prefix", "created", "last used", "revoked"):
        table.add_column(column, justify="right" if column == "id" else "left", overflow="fold")
    for token in tokens:
        table.add_row(
            str(token["id"]),
            escape(emails.get(token["user_id"], f"user {token['user_id']}")),
            escape(token["name"]),
            token["role"],
            token["prefix"],
            short_iso(token["created_at"]),
            short_iso(token["last_used_at"]),
            short_iso(token["revoked_at"]),
        )
    return table


def create_remotely(client: ApiClient, user: str | None, name: str, role: str | None) -> Any:
    """POST /tokens: a server only makes tokens for the caller, so --user must be the caller."""
    if user is not None:
        me = client.get("/users/me")
        if user.strip().lower() not in (me["email"].lower(), str(me["id"])):
            fail(f"a server creates tokens only for yourself ({me['email']}), not for {user}")
    return client.post("/tokens", {"name": name, "role": role})


@app.command()
def create(
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. ci or laptop")],
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            metavar="EMAIL",
            help="Whose token (required on the local database; a server uses the caller)",
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        Role | None,
        typer.Option("--role", help="Limit the token to this role (never above the user's)"),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the API's JSON body, secret included")
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create an API token and print its secret once: store it now, it is not shown again.

    Locally the acting user (``--as``, else the first admin) needs to be an admin to make a
    token for someone else; on a new install without an admin, the owner makes their own.
    """
    role_value = role.value if role else None
    remote = server_url(url)
    if remote is not None:
        if as_user:
            fail(
                "--as (WATCHKEEP_ACTOR) is for the local database; "
                "a server acts as the token's user"
            )
        with remote_client(remote, token) as client:
            created = create_remotely(client, user, name, role_value)
    else:
        if token:
            fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
        if user is None:
            fail("--user EMAIL is required on the local database")
        with local_session() as session:
            owner = auth.get_user_by_ref(session, ref=str(user))
            acting = local_actor_or_system(session, as_user) or auth.actor_of(owner)
            row, secret = auth.create_token(
                session, actor=acting, now=utcnow(), user_id=owner.id, name=name, role=role_value
            )
            body = TokenCreated(**token_read(row).model_dump(), token=secret)
            created = body.model_dump(mode="json")
    if as_json:
        print_json(created)
        return
    err_console.print(
        f"token {created['id']} “{escape(created['name'])}” ({created['role']}) created; "
        "store the secret now, it is not shown again:"
    )
    typer.echo(created["token"])


@app.command("list")
def list_(
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="EMAIL", help="Only this user's tokens", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List API tokens (secrets are never shown); a server lists your own, or every token to
    an admin."""
    remote = server_url(url)
    if remote is not None:
        if as_user:
            fail(
                "--as (WATCHKEEP_ACTOR) is for the local database; "
                "a server acts as the token's user"
            )
        with remote_client(remote, token) as client:
            users: list[Body] = client.get("/users")
            tokens: list[Body] = client.get("/tokens")
        emails = {int(u["id"]): str(u["email"]) for u in users}
        if user is not None:
            wanted = user.strip().lower()
            tokens = [
                t
                for t in tokens
                if wanted in (str(t["user_id"]), emails.get(t["user_id"], "").lower())
            ]
    else:
        if token:
            fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
        with local_session() as session:
            owner_id = auth.get_user_by_ref(session, ref=user).id if user else None
            rows = auth.list_tokens(session, user_id=owner_id)
            tokens = [token_read(t).model_dump(mode="json") for t in rows]
            emails = {t.user_id: t.user.email for t in rows}
    if as_json:
        print_json(tokens)
    else:
        console.print(token_table(tokens, emails))


@app.command()
def revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (see token list)")],
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Revoke an API token; requests using it are refused from now on."""

    def run_local(session: Session, actor: Actor) -> Body:
        revoked = auth.revoke_token(session, actor=actor, now=utcnow(), token_id=token_id)
        return token_read(revoked).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        body: Body = client.request("DELETE", f"/tokens/{segment(token_id)}")
        return body

    with connect(url, token, as_user, local=run_local, remote=run_remote) as revoked:
        line = f"token {revoked['id']} “{escape(revoked['name'])}” revoked"
    console.print(line)
