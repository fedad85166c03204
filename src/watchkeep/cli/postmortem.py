"""``watchkeep postmortem``: draft an incident's post-mortem from the record, and export it."""

from pathlib import Path
from typing import Annotated, Any

import typer

from watchkeep.app.components import similarity_index
from watchkeep.assist.drafting import service as drafting
from watchkeep.assist.schemas import draft_read
from watchkeep.cli.actor import AsOption, local_actor
from watchkeep.cli.client import TokenOption, UrlOption, remote_client, segment, server_url
from watchkeep.cli.context import local_session, open_database, settings
from watchkeep.cli.output import console, fail, print_json
from watchkeep.incident.access import get_visible
from watchkeep.postmortem import exports

app = typer.Typer(
    help="Post-mortems: draft them from the record, export them (locally or on a server).",
    no_args_is_help=True,
)

Ref = Annotated[str, typer.Argument(help="INC-<n>")]


def _where(url: str | None, token: str | None, as_user: str | None) -> str | None:
    remote = server_url(url)
    if remote is not None and as_user:
        fail("--as (WATCHKEEP_ACTOR) is for the local database; a server acts as the token's user")
    if remote is None and token:
        fail("--token needs --url (or WATCHKEEP_URL): without one the CLI uses the database")
    return remote


def _draft_local(ref: str, sections: list[str] | None, as_user: str | None) -> Any:
    db = open_database()
    config = settings()
    store = similarity_index(db, config)
    store.refresh()  # before the command's transaction, which on SQLite holds the write lock
    key = config.llm_api_key.get_secret_value() if config.llm_api_key else None
    phraser = drafting.phraser_of(
        config.llm_base_url, config.llm_model, key, config.llm_timeout_seconds
    )
    with local_session(db) as session:
        actor = local_actor(session, as_user)
        incident = get_visible(session, ref=ref, actor=actor)
        drafted = drafting.draft(
            session,
            incident=incident,
            actor=actor,
            index=store.reader(session),
            phraser=phraser,
            sections=sections,
        )
        return draft_read(session, incident, drafted).model_dump(mode="json")


@app.command()
def draft(
    ref: Ref,
    section: Annotated[
        list[str] | None, typer.Option("--section", "-s", help="Draft only this section (repeat)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Draft INC-<n>'s post-mortem from the record into its document (edited sections keep
    their text; the draft is offered beside them) and print it."""
    remote = _where(url, token, as_user)
    if remote is not None:
        with remote_client(remote, token) as client:
            body = {"sections": section} if section else None
            answer = client.post(f"/incidents/{segment(ref)}/postmortem/draft", body)
    else:
        answer = _draft_local(ref, section, as_user)
    if as_json:
        print_json(answer)
        return
    document = answer["postmortem"]
    for item in document["sections"]:
        text = item["body"] or "_(to be written)_"
        console.print(
            f"## {item['title']}\n\n{text}\n", markup=False, highlight=False, soft_wrap=True
        )
    said = f"Drafted {', '.join(answer['written']) or 'nothing new'}"
    if answer["proposed"]:
        said += f"; offered a redraft beside your edits in {', '.join(answer['proposed'])}"
    console.print(
        f"{said} (version {document['version']}, {answer['seconds']:.2f} s).",
        markup=False,
        highlight=False,
        style="dim",
    )
    for dropped in answer["dropped"]:
        console.print(f"dropped: {dropped['sentence']} ({dropped['reason']})", markup=False)
    if answer["phraser_error"]:
        console.print(f"language model not used: {answer['phraser_error']}", markup=False)


@app.command()
def export(
    ref: Ref,
    format: Annotated[
        exports.Format, typer.Option("--format", "-f", help="md: Markdown; html: a standalone page")
    ] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: print)")
    ] = None,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Export INC-<n>'s post-mortem, its citations as footnotes (md) or a sources list (html)."""
    remote = _where(url, token, as_user)
    if remote is not None:
        with remote_client(remote, token) as client:
            text = client.text(f"/incidents/{segment(ref)}/postmortem/export", format=format)
    else:
        with local_session(open_database()) as session:
            actor = local_actor(session, as_user)
            incident = get_visible(session, ref=ref, actor=actor)
            text = exports.export(session, incident=incident, format=format)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {output}.", markup=False, highlight=False)
