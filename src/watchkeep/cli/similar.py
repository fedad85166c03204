"""``watchkeep similar``: past incidents like this one, with the reasons."""

from typing import Annotated, Any

import typer
from rich.table import Table

from watchkeep.app.components import similarity_index
from watchkeep.assist import service as assist
from watchkeep.assist.schemas import similar_read
from watchkeep.cli.actor import AsOption, local_actor
from watchkeep.cli.client import TokenOption, UrlOption, remote_client, segment, server_url
from watchkeep.cli.context import local_session, open_database, settings
from watchkeep.cli.output import console, fail, print_json
from watchkeep.incident.access import get_visible


def _local(ref: str | None, text: str | None, k: int, as_email: str | None) -> list[Any]:
    db = open_database()
    # The stored index, brought up to date first, by the same method as the server's.
    store = similarity_index(db, settings())
    store.refresh()  # before the command's transaction, which on SQLite holds the write lock
    with local_session(db) as session:
        actor = local_actor(session, as_email)
        index = store.reader(session)
        if ref:
            incident = get_visible(session, ref=ref, actor=actor)
            found = assist.similar_incidents(
                session, index=index, incident=incident, actor=actor, k=k
            )
        else:
            found = assist.search_similar(session, index=index, text=text or "", actor=actor, k=k)
        return [row.model_dump(mode="json") for row in similar_read(found)]


def _remote(url: str, token: str | None, ref: str | None, text: str | None, k: int) -> Any:
    with remote_client(url, token) as client:
        if ref:
            return client.get(f"/incidents/{segment(ref)}/similar", k=k)
        return client.get("/similar", q=text, k=k)


def similar(
    ref: Annotated[str | None, typer.Argument(help="INC-<n>: find incidents like this one")] = None,
    text: Annotated[
        str | None, typer.Option("--text", "-t", help="Or describe what you see, in your words")
    ] = None,
    k: Annotated[int, typer.Option("--limit", "-k", min=1, max=50, help="How many")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show the past incidents most like INC-<n> (or like --text), with why they match."""
    if bool(ref) == bool(text):
        fail("give either an incident reference or --text")
    remote = server_url(url)
    if remote is not None and as_user:
        fail("--as (WATCHKEEP_ACTOR) is for the local database; a server acts as the token's user")
    if remote is None and token:
        fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
    rows = _remote(remote, token, ref, text, k) if remote else _local(ref, text, k, as_user)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No similar incidents found.")
        return
    table = Table("incident", "title", "status", "score", "why")
    for row in rows:
        incident = row["incident"]
        table.add_row(
            incident["reference"],
            incident["title"],
            incident["status"],
            f"{row['score']:.2f}",
            "; ".join(row["reasons"]),
        )
    console.print(table)
