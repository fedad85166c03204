"""``watchkeep``: serve, work, migrate; run incidents, problems and schedules from the terminal.

Every command is named here with its module and its one-line help, and its module is imported
only when the command runs (cli/lazy.py): ``watchkeep --help`` imports no command, and each
command imports only what it uses.
"""

import gc

import typer

from watchkeep.cli.lazy import LazyGroup, Subcommand, no_options


class Watchkeep(LazyGroup):
    """The top-level commands, in the order ``--help`` lists them, without Rich: this is the
    screen people open first, and Rich's help renderer would add a third to its time."""

    plain_help = True

    subcommands = {
        "run": Subcommand(
            "watchkeep.cli.server:run",
            "Migrate, load demo data on first start, then serve with a worker in the same process.",
        ),
        "serve": Subcommand(
            "watchkeep.cli.server:serve",
            "Serve the web UI and the API (run `worker` separately for background jobs).",
        ),
        "migrate": Subcommand(
            "watchkeep.cli.database:migrate",
            "Migrate the database to the latest schema and create the defaults.",
        ),
        "seed-demo": Subcommand(
            "watchkeep.cli.database:seed_demo",
            "Load demo data (services, teams, users, incidents) into the database.",
        ),
        "worker": Subcommand(
            "watchkeep.cli.worker:worker",
            "Run background jobs and timers until SIGTERM or Ctrl-C.",
        ),
        "import": Subcommand(
            "watchkeep.cli.history:import_history",
            "Import incidents with their timelines, services and changes from a file (admins).",
        ),
        "similar": Subcommand(
            "watchkeep.cli.similar:similar",
            "Show the past incidents most like INC-<n> (or like --text), with why they match.",
        ),
        "investigate": Subcommand(
            "watchkeep.cli.investigate:investigate",
            "Rank hypotheses about INC-<n>'s cause with their evidence, and what to try next.",
        ),
        "incident": Subcommand(
            "watchkeep.cli.incident:app",
            "Declare, list, show and run incidents (local database, or a server with --url).",
        ),
        "problem": Subcommand(
            "watchkeep.cli.problem:app",
            "Problems: the causes behind recurring incidents.",
        ),
        "known-error": Subcommand(
            "watchkeep.cli.problem:known_error_app",
            "Known errors: symptoms and workarounds.",
        ),
        "schedule": Subcommand(
            "watchkeep.cli.schedule:app",
            "On-call schedules: render spec files; list, show, create and override stored ones.",
        ),
        "postmortem": Subcommand(
            "watchkeep.cli.postmortem:app",
            "Post-mortems: draft them from the record, export them (locally or on a server).",
        ),
        "alert": Subcommand(
            "watchkeep.cli.alert:app",
            "List, show, acknowledge and resolve alerts (local database, or a server with --url).",
        ),
        "page": Subcommand(
            "watchkeep.cli.page:page",
            "Page a person, or whoever is on call on a schedule, with a message.",
        ),
        "source": Subcommand(
            "watchkeep.cli.source:app",
            "Alert sources and their keys (admins; local database, or a server with --url).",
        ),
        "policy": Subcommand(
            "watchkeep.cli.policy:app",
            "Escalation policies: who is paged, in which order (local database, or --url).",
        ),
        "job": Subcommand(
            "watchkeep.cli.job:app",
            "Inspect background jobs and timers; retry dead ones.",
        ),
        "user": Subcommand(
            "watchkeep.cli.user:app",
            "Create, list and change users, in the local database (e.g. the first admin) or on "
            "a server (--url).",
        ),
        "service": Subcommand(
            "watchkeep.cli.service:app",
            "List, create and change services (local database, or a server with --url).",
        ),
        "team": Subcommand(
            "watchkeep.cli.team:app",
            "List, create and change teams (local database, or a server with --url).",
        ),
        "custom-field": Subcommand(
            "watchkeep.cli.custom_field:app",
            "List, create and change the custom fields of incidents (locally or on a server).",
        ),
        "incident-role": Subcommand(
            "watchkeep.cli.incident_role:app",
            "List, create and change incident roles (locally or on a server).",
        ),
        "token": Subcommand(
            "watchkeep.cli.token:app",
            "Create, list and revoke API tokens.",
        ),
        "audit": Subcommand(
            "watchkeep.cli.audit:app",
            "Read the audit log of configuration changes.",
        ),
    }


app = typer.Typer(
    cls=Watchkeep,
    callback=no_options,
    name="watchkeep",
    help="Watchkeep: incident and problem management for SRE teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """The ``watchkeep`` script and ``python -m watchkeep``: run the command, then let the
    process end without the interpreter's last garbage collections.

    At exit Python collects every object of every imported module; with SQLAlchemy, pydantic
    and Rich loaded that takes a quarter of a short command's time, for memory the operating
    system frees at once. Frozen objects are left out of it; files and streams are still
    flushed and closed, and exit handlers still run.
    """
    try:
        app(prog_name="watchkeep")
    finally:
        gc.freeze()
