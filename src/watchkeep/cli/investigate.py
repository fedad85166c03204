"""``watchkeep investigate``: what changed, have we seen this before, what to try."""

from datetime import datetime
from typing import Annotated, Any

import typer

from watchkeep.app.components import similarity_index
from watchkeep.assist import investigations
from watchkeep.cli.actor import AsOption, local_actor
from watchkeep.cli.client import TokenOption, UrlOption, remote_client, segment, server_url
from watchkeep.cli.context import local_session, open_database, settings
from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.clock import utcnow
from watchkeep.incident.access import get_visible


def _local(ref: str, at: datetime | None, as_email: str | None) -> Any:
    db = open_database()
    config = settings()
    store = similarity_index(db, config)
    store.refresh()  # before the command's transaction, which on SQLite holds the write lock
    with local_session(db) as session:
        actor = local_actor(session, as_email)
        incident = get_visible(session, ref=ref, actor=actor)
        sources = investigations.standard_sources(
            store,
            timeout=config.investigation_source_timeout_seconds,
            prometheus_url=config.prometheus_url,
        )
        if at is None:
            return investigations.investigate_now(
                session,
                store=store,
                incident=incident,
                sources=sources,
                trigger="request",
                actor=actor,
                now=utcnow(),
            )
        found = investigations.investigate(
            session, store=store, incident=incident, actor=actor, sources=sources, at=at
        )
        return investigations.as_json(found)


def _show(result: dict[str, Any]) -> None:
    console.print(f"[bold]{result['incident']}[/bold] as of {result['at']}")
    if result["no_strong_hypothesis"]:
        console.print("No strong hypothesis: nothing recorded explains the impact well.")
    for n, hypothesis in enumerate(result["hypotheses"], 1):
        verdict = f" [{hypothesis['verdict']}]" if hypothesis["verdict"] else ""
        console.print(
            f"\n{n}. {hypothesis['title']}  (confidence {hypothesis['confidence']:.2f}){verdict}",
            markup=False,
        )
        for evidence in hypothesis["evidence"]:
            cited = f"{evidence['ref']}: " if evidence["ref"] else ""
            console.print(f"   - {cited}{evidence['detail']}", markup=False)
        for step in hypothesis["next_steps"]:
            console.print(f"   → {step}", markup=False)
    for step in result["next_steps"]:
        console.print(f"→ {step}", markup=False)
    failed = [f"{s['name']} ({s['status']})" for s in result["sources"] if s["status"] != "ok"]
    if failed:
        console.print(f"\nSources that did not answer: {', '.join(failed)}", markup=False)


def investigate(
    ref: Annotated[str, typer.Argument(help="INC-<n>: the incident to investigate")],
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at",
            help="Investigate as of this past instant (ISO 8601 with an offset), ignoring "
            "anything recorded later; not stored",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Rank hypotheses about INC-<n>'s cause with their evidence, and what to try next."""
    if at is not None and at.tzinfo is None:
        fail("--at needs an offset: 2026-03-04T10:20:00Z or 2026-03-04T11:20:00+01:00")
    remote = server_url(url)
    if remote is not None and as_user:
        fail("--as (WATCHKEEP_ACTOR) is for the local database; a server acts as the token's user")
    if remote is None and token:
        fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
    if remote is not None:
        with remote_client(remote, token) as client:
            body = {"at": at.isoformat()} if at else None
            result = client.post(f"/incidents/{segment(ref)}/investigations", body)
    else:
        result = _local(ref, at, as_user)
    if as_json:
        print_json(result)
    else:
        _show(result)
