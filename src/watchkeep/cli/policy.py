"""``watchkeep policy``: escalation policies (admins create them), on the local database or on
a server with ``--url``.

A level is written ``MINUTES:TARGET[,TARGET…]``, a target ``user:<e-mail or id>``,
``schedule:<name or id>`` or ``team:<name or id>``: ``--level 5:schedule:Primary
--level 10:user:sam@example.com,team:Platform``.
"""

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.cli.actor import AsOption
from watchkeep.cli.catalog_refs import local_teams, pick
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption
from watchkeep.cli.output import console, fail, print_json
from watchkeep.cli.records import (
    Body,
    JsonOption,
    TableJsonOption,
    completed,
    print_records,
    record_table,
    report,
)
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.escalation import policies
from watchkeep.escalation.schemas import policy_read
from watchkeep.oncall.service import list_schedules

app = typer.Typer(
    help="Escalation policies: who is paged, in which order (local database, or --url).",
    no_args_is_help=True,
)

PolicyArgument = Annotated[str, typer.Argument(metavar="POLICY", help="The policy (id or name)")]


def _targets_text(level: Body, names: dict[tuple[str, int], str]) -> str:
    return ", ".join(
        f"{t['type']} {escape(names.get((t['type'], t['id']), str(t['id'])))}"
        for t in level["targets"]
    )


def describe(policy: Body, names: dict[tuple[str, int], str]) -> str:
    """ "Level 1 (5 min): schedule Primary; level 2 (10 min): user Sam"."""
    return "; ".join(
        f"level {n} ({level['minutes']} min): {_targets_text(level, names)}"
        for n, level in enumerate(policy["levels"], start=1)
    )


def policy_table(items: list[Body]) -> Table:
    rows = (
        (str(p["id"]), escape(p["name"]), str(len(p["levels"])), str(p["repeat"]), p["ack_mode"])
        for p in items
    )
    columns = ("id", "name", "levels", "repeat", "acknowledged by")
    return record_table(f"{len(items)} polic(ies)", columns, rows)


@app.command("list")
def list_(
    as_json: TableJsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the escalation policies."""

    def run_local(session: Session, _actor: Actor) -> list[Body]:
        return [policy_read(p).model_dump(mode="json") for p in policies.list_policies(session)]

    def run_remote(client: ApiClient) -> list[Body]:
        found: list[Body] = client.get("/escalation-policies")
        return found

    items = completed(url, token, as_user, local=run_local, remote=run_remote)
    print_records(items, as_json, policy_table)


def _catalog(users: list[Body], schedules: list[Body], teams: list[Body]) -> dict[str, list[Body]]:
    return {
        "user": [{"id": u["id"], "name": u["email"]} for u in users]
        + [{"id": u["id"], "name": u["name"]} for u in users],
        "schedule": schedules,
        "team": teams,
    }


def parse_levels(specs: list[str], catalog: dict[str, list[Body]]) -> list[Body]:
    """``--level`` values as the API's levels, naming targets by id."""
    levels = []
    for spec in specs:
        minutes, _, targets = spec.partition(":")
        if not minutes.strip().isdigit() or not targets:
            fail(f"--level {spec!r}: write MINUTES:TARGET[,TARGET...], e.g. 5:schedule:Primary")
        found = []
        for target in targets.split(","):
            kind, _, ref = target.partition(":")
            if kind not in catalog or not ref:
                fail(f"--level {spec!r}: a target is user:<e-mail>, schedule:<name> or team:<name>")
            found.append({"type": kind, "id": pick(catalog[kind], ref, kind)["id"]})
        levels.append({"minutes": int(minutes), "targets": found})
    return levels


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The policy's name (unique)")],
    level: Annotated[
        list[str],
        typer.Option("--level", help="MINUTES:TARGET[,TARGET...], in order (repeat the option)"),
    ],
    repeat: Annotated[int, typer.Option("--repeat", min=0, max=9, help="Run it again N times")] = 0,
    ack_mode: Annotated[
        str, typer.Option("--ack-mode", help="first: one acknowledgement stops it; all: everyone's")
    ] = "first",
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create an escalation policy (an admin acts; audited)."""

    def body(catalog: dict[str, list[Body]]) -> Body:
        levels = parse_levels(level, catalog)
        return {"name": name, "levels": levels, "repeat": repeat, "ack_mode": ack_mode}

    def run_local(session: Session, actor: Actor) -> Body:
        users = [{"id": u.id, "email": u.email, "name": u.name} for u in auth.list_users(session)]
        schedules = [{"id": s.id, "name": s.name} for s in list_schedules(session)]
        catalog = _catalog(users, schedules, local_teams(session))
        made = policies.create(session, actor=actor, now=utcnow(), **body(catalog))
        return policy_read(made).model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        catalog = _catalog(client.get("/users"), client.get("/schedules"), client.get("/teams"))
        made: Body = client.post("/escalation-policies", body(catalog))
        return made

    made = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(made, as_json, "created policy")


@app.command()
def show(
    policy: PolicyArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show a policy's levels, in words."""

    def run_local(session: Session, _actor: Actor) -> tuple[Body, dict[tuple[str, int], str]]:
        known = [policy_read(p).model_dump(mode="json") for p in policies.list_policies(session)]
        names = {("user", u.id): u.name for u in auth.list_users(session)}
        names |= {("schedule", s.id): s.name for s in list_schedules(session)}
        names |= {("team", t["id"]): t["name"] for t in local_teams(session)}
        return pick(known, policy, "escalation policy"), names

    def run_remote(client: ApiClient) -> tuple[Body, dict[tuple[str, int], str]]:
        found = pick(client.get("/escalation-policies"), policy, "escalation policy")
        names = {("user", u["id"]): u["name"] for u in client.get("/users")}
        names |= {("schedule", s["id"]): s["name"] for s in client.get("/schedules")}
        names |= {("team", t["id"]): t["name"] for t in client.get("/teams")}
        return found, names

    found, names = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(found)
        return
    console.print(
        f"[bold]{escape(found['name'])}[/bold] (repeat {found['repeat']}, "
        f"acknowledged by {found['ack_mode']})"
    )
    console.print(describe(found, names))
