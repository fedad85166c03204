"""``watchkeep audit``: read the audit log of configuration changes (admins only)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.auth import audit
from watchkeep.auth import service as auth
from watchkeep.auth.schemas import AuditPage, audit_record_read
from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption
from watchkeep.cli.mode import connect
from watchkeep.cli.output import console, fail, print_json
from watchkeep.cli.user import remote_user_id
from watchkeep.core.actor import Actor
from watchkeep.core.clock import ensure_utc

app = typer.Typer(help="Read the audit log of configuration changes.", no_args_is_help=True)

Body = dict[str, Any]
MAX_PAGE = 500


@dataclass(frozen=True)
class Query:
    action: str | None
    subject_type: str | None
    limit: int
    offset: int
    actor_id: int | None = None
    system: bool = False

    def params(self) -> dict[str, Any]:
        """The query string of ``GET /api/v1/audit``."""
        params: dict[str, Any] = {"limit": self.limit, "offset": self.offset}
        if self.actor_id is not None:
            params["actor_id"] = self.actor_id
        if self.system:
            params["system"] = "true"
        return params | {
            k: v for k, v in (("action", self.action), ("subject_type", self.subject_type)) if v
        }


Fetch = Callable[[Query], Body]
Who = Callable[[str], int]  # a user's id from an e-mail address or an id


def local_fetch(session: Session, actor: Actor) -> tuple[Fetch, Who]:
    """Pages read from the local database, as ``actor`` (who must be an admin)."""

    def who(ref: str) -> int:
        return auth.get_user_by_ref(session, ref=ref).id

    def fetch(query: Query) -> Body:
        rows, more = audit.list_records(
            session,
            actor=actor,
            limit=query.limit,
            offset=query.offset,
            action=query.action,
            subject_type=query.subject_type,
            actor_id=query.actor_id,
            system=query.system,
        )
        page = AuditPage(
            items=[audit_record_read(r) for r in rows],
            limit=query.limit,
            offset=query.offset,
            has_more=more,
        )
        return page.model_dump(mode="json")

    return fetch, who


def remote_fetch(client: ApiClient) -> tuple[Fetch, Who]:
    """Pages from a server's ``GET /api/v1/audit``."""

    def fetch(query: Query) -> Body:
        body: Body = client.get("/audit", **query.params())
        return body

    return fetch, lambda ref: remote_user_id(client, ref)


def short_time(value: str) -> str:
    return ensure_utc(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%MZ")


def audit_table(page: Body) -> Table:
    """The page as a Rich table, newest first."""
    more = " (more: raise --offset)" if page["has_more"] else ""
    table = Table(title=f"{len(page['items'])} record(s){more}", header_style="bold")
    for column in ("when", "who", "action", "subject", "summary"):
        table.add_column(column, overflow="fold")
    for record in page["items"]:
        who = record["actor_name"] or (
            "system" if record["actor_id"] is None else f"user {record['actor_id']}"
        )
        table.add_row(
            short_time(record["occurred_at"]),
            escape(who),
            record["action"],
            f"{record['subject_type']} {record['subject_id']}",
            escape(record["summary"]),
        )
    return table


@app.command("list")
def list_(
    action: Annotated[
        str | None,
        typer.Option("--action", help='Only this action, e.g. "severity:create"'),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", help='Only this kind of subject, e.g. "service" or "user"'),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_PAGE, help="Show at most this many")
    ] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many newer")] = 0,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="EMAIL", help="Only the changes of this user (e-mail or id)"),
    ] = None,
    system: Annotated[
        bool, typer.Option("--system", help="Only the changes the system made")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the API's AuditPage body instead of a table")
    ] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List configuration changes, newest first (admins only)."""
    if by and system:
        fail("--by and --system exclude each other")
    with connect(url, token, as_user, local=local_fetch, remote=remote_fetch) as (fetch, who):
        query = Query(
            action=action,
            subject_type=subject,
            limit=limit,
            offset=offset,
            actor_id=who(by) if by else None,
            system=system,
        )
        page = fetch(query)
    if as_json:
        print_json(page)
    else:
        console.print(audit_table(page))
