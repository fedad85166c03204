"""``watchkeep schedule``: render a schedule spec file and ask who is on call; list, show,
create and override stored schedules.

A lazy group (cli/lazy.py): ``render`` and ``oncall`` (schedule_spec.py) import the pure
engine only; the stored-schedule commands (schedule_stored.py) import the database and
the HTTP client they need.
"""

import typer

from watchkeep.cli.lazy import LazyGroup, Subcommand, no_options

SPEC = "watchkeep.cli.schedule_spec"
STORED = "watchkeep.cli.schedule_stored"


class ScheduleCommands(LazyGroup):
    """The ``schedule`` subcommands, in the order ``--help`` lists them."""

    subcommands = {
        "render": Subcommand(
            f"{SPEC}:render_command",
            "Render the final schedule and each layer's entries over [--from, --to).",
        ),
        "oncall": Subcommand(f"{SPEC}:oncall_command", "Who is on call at --at (default: now)."),
        "list": Subcommand(
            f"{STORED}:list_command", "List the stored schedules with who is on call now."
        ),
        "show": Subcommand(
            f"{STORED}:show_command",
            "Show a stored schedule: its layers and its final entries over a window.",
        ),
        "create": Subcommand(
            f"{STORED}:create_command",
            "Store a schedule from a spec file; users are e-mail addresses or user ids.",
        ),
        "oncall-now": Subcommand(
            f"{STORED}:oncall_now_command",
            "Who is on call on a stored schedule at --at (default: now).",
        ),
        "override": Subcommand(
            f"{STORED}:override_command",
            'Put someone on call alone over [--from, --to) ("cover me"); the newest override wins.',
        ),
    }


app = typer.Typer(
    cls=ScheduleCommands,
    callback=no_options,
    help="On-call schedules: render spec files; list, show, create and override stored ones.",
    no_args_is_help=True,
)
