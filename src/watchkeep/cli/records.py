"""What the commands that list, create and change one kind of record (custom fields, incident
roles, services, teams) share: the backend's answer once it is stored, the options given, and
the output: a table, the API's JSON, or one line saying what was done."""

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import RenderableType
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.cli.client import ApiClient
from watchkeep.cli.mode import connect
from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.actor import Actor

Body = dict[str, Any]
Result = TypeVar("Result")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON body")]
TableJsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]
NUMBER_COLUMNS = ("id", "rank")


def completed(
    url: str | None,
    token: str | None,
    as_user: str | None,
    *,
    local: Callable[[Session, Actor], Result],
    remote: Callable[[ApiClient], Result],
) -> Result:
    """What the command did, once it is stored (the local transaction is committed)."""
    with connect(url, token, as_user, local=local, remote=remote) as result:
        return result


def api_body(schema: type[BaseModel], row: object) -> Body:
    """A stored row as the API shows it."""
    body: Body = schema.model_validate(row, from_attributes=True).model_dump(mode="json")
    return body


def given(**options: Any) -> Body:
    """The options given on the command line (those left out are ``None``)."""
    return {name: value for name, value in options.items() if value is not None}


def found(records: Iterable[Body], matches: Callable[[Body], bool], missing: str) -> Body:
    """The first record that ``matches``; or the command fails with ``missing``."""
    for record in records:
        if matches(record):
            return record
    fail(missing)
    raise AssertionError  # fail() exits


def record_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[RenderableType | None]]
) -> Table:
    """A table of records with a bold header; ids and ranks are aligned right."""
    table = Table(title=title, header_style="bold")
    for column in columns:
        table.add_column(column, justify="right" if column in NUMBER_COLUMNS else "left")
    for row in rows:
        table.add_row(*row)
    return table


def print_records(records: list[Body], as_json: bool, table: Callable[[list[Body]], Table]) -> None:
    """The listed records as JSON, or as their table."""
    if as_json:
        print_json(records)
    else:
        console.print(table(records))


def report(record: Body, as_json: bool, done: str, *, key: str = "id", more: str = "") -> None:
    """The record as JSON, or one line: what was done to which record, by ``key`` and name
    (``created team 3: Payments``), then ``more``."""
    if as_json:
        print_json(record)
    else:
        console.print(f"{done} {record[key]}: {escape(record['name'])}{more}")
