"""``watchkeep page``: page people by hand — a user (e-mail or id) or whoever is on call on a
schedule (name or id) — on the local database or on a server with ``--url``."""

from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from watchkeep.cli.actor import AsOption
from watchkeep.cli.catalog_refs import local_user_ids, pick, remote_user_ids
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption
from watchkeep.cli.output import console, print_json
from watchkeep.cli.records import Body, JsonOption, completed
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.escalation import pages
from watchkeep.escalation.schemas import page_read
from watchkeep.oncall.service import list_schedules


def page(
    target: Annotated[
        str,
        typer.Argument(
            metavar="USER|SCHEDULE",
            help="A user's e-mail or id, or a schedule's name (whoever is on call on it now)",
        ),
    ],
    message: Annotated[str, typer.Option("--message", "-m", help="Why you page")],
    urgency: Annotated[str, typer.Option("--urgency", help="high or low")] = "high",
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Page a person, or whoever is on call on a schedule, with a message."""
    is_user = "@" in target

    def body(schedules: list[Body], user_ids: list[int]) -> Body:
        if is_user:
            return {"user_ids": user_ids, "message": message, "urgency": urgency}
        return {
            "schedule_id": pick(schedules, target, "schedule")["id"],
            "message": message,
            "urgency": urgency,
        }

    def run_local(session: Session, actor: Actor) -> list[Body]:
        schedules = [{"id": s.id, "name": s.name} for s in list_schedules(session)]
        ids = local_user_ids(session, [target]) if is_user else []
        made = pages.page_directly(session, actor=actor, now=utcnow(), **body(schedules, ids))
        return [page_read(p).model_dump(mode="json") for p in made]

    def run_remote(client: ApiClient) -> list[Body]:
        schedules: list[Body] = [] if is_user else client.get("/schedules")
        ids = remote_user_ids(client, [target]) if is_user else []
        made: list[Body] = client.post("/pages", body(schedules, ids))
        return made

    made = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(made)
    else:
        console.print(f"paged {', '.join(escape(p['user']) for p in made)}")
