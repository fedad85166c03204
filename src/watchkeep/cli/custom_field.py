"""``watchkeep custom-field``: list, create and change the custom fields of incidents, on the
local database or on a server with ``--url``. A field is named by its id or its name."""

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption, segment
from watchkeep.cli.mode import connect
from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.incident import customfields
from watchkeep.incident.schemas import FieldRead

app = typer.Typer(
    help="List, create and change the custom fields of incidents (locally or on a server).",
    no_args_is_help=True,
)

Body = dict[str, Any]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON body")]
FieldArgument = Annotated[str, typer.Argument(metavar="FIELD", help="The field (name or id)")]
OptionsOption = Annotated[
    list[str] | None,
    typer.Option("--option", help="A choice of a select field; repeat it, in order"),
]
EDITABLE = ("name", "kind", "description", "options", "required_at_declare", "rank")


def field_body(field: Any) -> Body:
    """The field as the API shows it."""
    body: Body = FieldRead.model_validate(field, from_attributes=True).model_dump(mode="json")
    return body


def remote_field(client: ApiClient, ref: str) -> Body:
    """A field on a server, by id or by name."""
    for field in client.get("/custom-fields"):
        if str(field["id"]) == ref.strip() or field["name"] == ref:
            found: Body = field
            return found
    fail(f"no custom field {ref}")
    raise AssertionError  # fail() exits


def field_table(fields: list[Body]) -> Table:
    table = Table(title=f"{len(fields)} custom field(s)", header_style="bold")
    for column in ("id", "rank", "name", "kind", "options", "required"):
        table.add_column(column, justify="right" if column in ("id", "rank") else "left")
    for field in fields:
        table.add_row(
            str(field["id"]),
            str(field["rank"]),
            escape(field["name"]),
            customfields.KIND_LABELS.get(field["kind"], field["kind"]),
            escape(", ".join(field["options"])),
            "yes" if field["required_at_declare"] else "no",
        )
    return table


def _show(field: Body, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(field)
    else:
        console.print(f"{verb} custom field {field['id']}: {escape(field['name'])}")


@app.command("list")
def list_(
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List the custom fields in their order."""
    with connect(
        url,
        token,
        as_user,
        local=lambda session, _actor: [field_body(f) for f in customfields.list_fields(session)],
        remote=lambda client: list(client.get("/custom-fields")),
    ) as fields:
        if as_json:
            print_json(fields)
        else:
            console.print(field_table(fields))


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

    with connect(url, token, as_user, local=run_local, remote=run_remote) as created:
        _show(created, "created", as_json)


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
    given = {
        "name": name,
        "kind": kind,
        "description": description,
        "options": options,
        "required_at_declare": required,
        "rank": rank,
    }
    changes = {key: value for key, value in given.items() if value is not None}

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

    with connect(url, token, as_user, local=run_local, remote=run_remote) as changed:
        _show(changed, "changed", as_json)
