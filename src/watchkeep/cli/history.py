"""``watchkeep import FILE``: import a history document (docs/import.md) into the local
database, or into a server with ``--url``. Progress goes to standard error; the summary to
standard output (``--json``: the API's own body, ``ImportSummary``)."""

import json
import sys
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy.orm import Session

from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import ApiClient, TokenOption, UrlOption
from watchkeep.cli.context import settings
from watchkeep.cli.output import console, err_console, fail, print_json
from watchkeep.cli.records import Body, completed
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.history.service import import_history as run_import
from watchkeep.history.service import parse

REMOTE_TIMEOUT_SECONDS = 3600.0
"""A server imports years of history in one transaction: wait for its answer that long."""


class Bar:
    """The import's progress as a Rich progress bar on standard error."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> "Bar":
        self.progress.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def start(self, phase: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(phase.capitalize(), total=total)

    def advance(self, count: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, count)


def _read(file: str) -> Any:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        fail(f"{file} is not UTF-8 text")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{file} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


def _summary_table(summary: Body) -> Table:
    title = "Dry run: checked, nothing written" if summary["dry_run"] else "Imported"
    table = Table(title=title, header_style="bold")
    for column in ("kind", "created", "unchanged", "skipped"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, counts in summary["counts"].items():
        row = (str(counts[c]) for c in ("created", "unchanged", "skipped"))
        table.add_row(kind.replace("_", " "), *row)
    return table


def _print(summary: Body) -> None:
    console.print(_summary_table(summary))
    verb = "to write" if summary["dry_run"] else "written"
    console.print(f"timeline entries {verb}: {summary['timeline_entries']}")
    for skipped in summary["skipped"]:
        what = f" ({escape(skipped['reference'])})" if skipped["reference"] else ""
        differs = ", ".join(skipped["differs"])
        console.print(
            f"[yellow]skipped:[/yellow] {escape(skipped['record'])}{what} exists and differs "
            f"({escape(differs)}); left as it is"
        )


def import_history(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The history document (JSON); - reads stdin")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and count only: write nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON body")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Import incidents with their timelines, services and changes from a file (admins)."""
    raw = _read(file)

    def run_local(session: Session, actor: Actor) -> Body:
        with Bar() as bar:
            summary = run_import(
                session,
                actor=actor,
                now=utcnow(),
                document=parse(raw),
                dry_run=dry_run,
                default_update_minutes=settings().update_interval_minutes,
                progress=bar,
            )
        return summary.model_dump(mode="json")

    def run_remote(client: ApiClient) -> Body:
        with err_console.status("Importing on the server…"):
            params = {"dry_run": "true"} if dry_run else None
            summary: Body = client.request(
                "POST", "/import", json=raw, params=params, timeout=REMOTE_TIMEOUT_SECONDS
            )
        return summary

    summary = completed(url, token, as_user, local=run_local, remote=run_remote)
    if as_json:
        print_json(summary)
    else:
        _print(summary)
