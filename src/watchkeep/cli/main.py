"""``watchkeep``: serve, work, migrate, and run incidents from the terminal."""

import typer

from watchkeep.cli import server

app = typer.Typer(
    name="watchkeep",
    help="Watchkeep: incident and problem management for SRE teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

app.command("run")(server.run)
app.command("serve")(server.serve)
app.command("migrate")(server.migrate)
app.command("seed-demo")(server.seed_demo)
