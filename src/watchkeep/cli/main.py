"""``watchkeep``: serve, work, migrate; run incidents, problems and schedules from the terminal."""

import typer

from watchkeep.cli import (
    audit,
    incident,
    job,
    problem,
    schedule,
    server,
    similar,
    token,
    user,
    worker,
)

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
app.command("worker")(worker.worker)
app.add_typer(incident.app, name="incident")
app.command("similar")(similar.similar)
app.add_typer(problem.app, name="problem")
app.add_typer(problem.known_error_app, name="known-error")
app.add_typer(schedule.app, name="schedule")
app.add_typer(job.app, name="job")
app.add_typer(user.app, name="user")
app.add_typer(token.app, name="token")
app.add_typer(audit.app, name="audit")
