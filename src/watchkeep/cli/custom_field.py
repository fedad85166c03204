"""``watchkeep custom-field``: list, create and change the custom fields of incidents, on the
local database or on a server with ``--url``. A field is named by its id or its name."""

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption, segment
from watchkeep.cli.records import (
    Body,
    JsonOption,
    api_body,
    completed,
    found,
    given,
    print_records,
    record_table,
    report,
)
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.incident import customfields
from watchkeep.incident.schemas import FieldRead

app = typer.Typer(
    help="List, create and change the custom fields of incidents (locally or on a server).",
    no_args_is_help=True,
)

FieldArgument = Annotated[str, typer.Argument(metavar="FIELD", help="The field (name or id)")]
OptionsOption = Annotated[
    list[str] | None,
    typer.Option("--option", help="A choice of a select field; repeat it, in order"),
]
EDITABLE = ("name", "kind", "description", "options", "required_at_declare", "rank")


def field_body(field: Any) -> Body:
    """The field as the API shows it."""
    return api_body(FieldRead, field)


def remote_field(client: ApiClient, ref: str) -> Body:
    """A field on a server, by id or by name."""
    return found(
        client.get("/custom-fields"),
        lambda field: str(field["id"]) == ref.strip() or field["name"] == ref,
        f"no custom field {ref}",
    )


def field_table(fields: list[Body]) -> Table:
    rows = (
        (
            str(field["id"]),
            str(field["rank"]),
            escape(field["name"]),
            customfields.KIND_LABELS.get(field["kind"], field["kind"]),
            escape(", ".join(field["options"])),
            "yes" if field["required_at_declare"] else "no",
        )
        for field in fields
    )
    columns = ("id", "rank", "name", "kind", "options", "required")
    return record_table(f"{len(fields)} custom field(s)", columns, rows)


@app.command("list")
def list_(
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the custom fields in their order."""
    fields = completed(
        url,
        token,
        as_user,
        local=lambda session, _actor: [field_body(f) for f in customfields.list_fields(session)],
        remote=lambda client: list(client.get("/custom-fields")),
    )
    print_records(fields, as_json, field_table)


@app.command()
def create(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The field's name")],
    kind: Annotated[
        str, typer.Option("--kind", help="single_select, multi_select, text, link or numeric")
    ],
    description: Annotated[str, typer.Option("--description", help="What it records")] = "",
    options: OptionsOption = None,
    required: Annotated[
        bool, typer.Option("--required", help="Required when declaring an incident")
    ] = False,
    rank: Annotated[int, typer.Option("--rank", help="Order among the fields", min=0)] = 0,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Create a custom field (an admin acts; audited)."""
    body: Body = {
        "name": name,
        "kind": kind,
        "description": description,
        "options": options or [],
        "required_at_declare": required,
        "rank": rank,
    }

    def run_local(session: Session, actor: Actor) -> Body:
        return field_body(customfields.create_field(session, actor=actor, now=utcnow(), **body))

    def run_remote(client: ApiClient) -> Body:
        created: Body = client.post("/custom-fields", body)
        return created

    created = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(created, as_json, "created custom field")


def _changed(current: Body, changes: Body) -> Body:
    """The whole new definition: the current one with the given changes. A field made a
    non-select kind without new options drops its options."""
    body = {name: current[name] for name in EDITABLE} | changes
    dropped = changes.get("kind") not in (None, *customfields.SELECTS)
    if dropped and "options" not in changes:
        body["options"] = []
    return body


@app.command()
def update(
    field: FieldArgument,
    name: Annotated[str | None, typer.Option("--name", help="A new name")] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="A new kind (only while no incident holds a value)"),
    ] = None,
    description: Annotated[str | None, typer.Option("--description", help="A new text")] = None,
    options: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Replace the choices (repeat it, in order); options incidents hold must stay",
        ),
    ] = None,
    required: Annotated[
        bool | None,
        typer.Option("--required/--optional", help="Required when declaring, or not"),
    ] = None,
    rank: Annotated[int | None, typer.Option("--rank", help="A new rank", min=0)] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Change a custom field; what is not given stays (an admin acts; audited)."""
    changes = given(
        name=name,
        kind=kind,
        description=description,
        options=options,
        required_at_declare=required,
        rank=rank,
    )

    def run_local(session: Session, actor: Actor) -> Body:
        found = customfields.get_field(session, ref=field)
        body = _changed(field_body(found), changes)
        changed = customfields.update_field(
            session, actor=actor, now=utcnow(), field_id=found.id, **body
        )
        return field_body(changed)

    def run_remote(client: ApiClient) -> Body:
        current = remote_field(client, field)
        changed: Body = client.put(
            f"/custom-fields/{segment(current['id'])}", _changed(current, changes)
        )
        return changed

    changed = completed(url, token, as_user, local=run_local, remote=run_remote)
    report(changed, as_json, "changed custom field")
