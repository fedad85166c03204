"""What every command needs: settings, the local database, output helpers."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from watchkeep.core.db import Database
from watchkeep.core.errors import DomainError
from watchkeep.core.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return get_settings()


def open_database() -> Database:
    return Database(settings().database_url)


@contextmanager
def local_session(db: Database | None = None) -> Iterator[Session]:
    """One transaction for the command on ``db`` (default: the settings' database), disposed
    of afterwards; a domain error becomes a message and exit code 1."""
    db = db or open_database()
    try:
        with db.session() as session:
            yield session
    except DomainError as exc:
        fail(exc.message)
    finally:
        db.dispose()


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code)


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, default=str, sort_keys=True))
