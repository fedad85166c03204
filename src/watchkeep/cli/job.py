"""``watchkeep job``: look at the job queue and retry dead jobs."""

from typing import Any

import typer
from rich.table import Table

from watchkeep.cli.context import local_session
from watchkeep.cli.output import console, fail, print_json
from watchkeep.core.clock import iso_z
from watchkeep.jobs import service as jobs
from watchkeep.jobs.models import DEAD, DONE, PENDING, RUNNING, Job

app = typer.Typer(help="Inspect background jobs and timers; retry dead ones.", no_args_is_help=True)

STATES = (PENDING, RUNNING, DONE, DEAD)
STATE_STYLE = {PENDING: "cyan", RUNNING: "yellow", DONE: "green", DEAD: "bold red"}


def job_dict(job: Job) -> dict[str, Any]:
    """A job as plain JSON values."""
    return {
        "id": job.id,
        "kind": job.kind,
        "payload": job.payload,
        "state": job.state,
        "due_at": iso_z(job.due_at),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "lease_until": iso_z(job.lease_until) if job.lease_until else None,
        "locked_by": job.locked_by,
        "idempotency_key": job.idempotency_key,
        "last_error": job.last_error,
        "created_at": iso_z(job.created_at),
        "finished_at": iso_z(job.finished_at) if job.finished_at else None,
    }


def job_table(rows: list[Job]) -> Table:
    """The jobs as a Rich table, newest first."""
    table = Table(title=f"{len(rows)} job(s)", header_style="bold")
    for column in ("id", "kind", "state", "due", "attempts", "worker", "last error"):
        table.add_column(column, overflow="fold", justify="right" if column == "id" else "left")
    for job in rows:
        style = STATE_STYLE.get(job.state, "")
        table.add_row(
            str(job.id),
            job.kind,
            f"[{style}]{job.state}[/{style}]" if style else job.state,
            iso_z(job.due_at),
            f"{job.attempts}/{job.max_attempts}",
            job.locked_by or "",
            job.last_error or "",
        )
    return table


@app.command("list")
def list_(
    state: str | None = typer.Option(None, "--state", help="pending, running, done or dead"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="Show at most this many"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
) -> None:
    """List jobs, newest first."""
    if state is not None and state not in STATES:
        fail(f"unknown state {state!r}; choose one of {', '.join(STATES)}")
    with local_session() as session:
        rows = jobs.list_jobs(session, state=state, limit=limit)
        if as_json:
            print_json([job_dict(job) for job in rows])
        else:
            console.print(job_table(rows))


@app.command()
def retry(job_id: int = typer.Argument(..., help="The id of a dead job")) -> None:
    """Give a dead job a fresh set of attempts, due now."""
    with local_session() as session:
        job = jobs.retry(session, job_id=job_id)
        message = f"job {job.id} ({job.kind}) is pending again"
    console.print(message)
