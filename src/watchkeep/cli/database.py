"""Set up the database: ``migrate`` and ``seed-demo``."""

from watchkeep import demo
from watchkeep.bootstrap import prepare
from watchkeep.cli.context import open_database, settings
from watchkeep.cli.output import console


def migrate() -> None:
    """Migrate the database to the latest schema and create the defaults."""
    db = open_database()
    prepare(db)
    console.print(f"[green]database ready[/green] at {db.engine.url.render_as_string()}")
    db.dispose()


def seed_demo() -> None:
    """Load demo data (services, teams, users, incidents) into the database."""
    db = open_database()
    prepare(db)
    print_login(demo.seed(db))
    db.dispose()


def print_login(login: demo.Login) -> None:
    """How to sign in as the demo admin, with the web UI or the API."""
    console.print(
        f"\n[bold]Watchkeep[/bold] on {settings().base_url}\n"
        f"  admin login: [cyan]{login.email}[/cyan] / [cyan]{login.password}[/cyan]\n"
        f"  API token:   [cyan]{login.token}[/cyan]\n"
    )
