"""The docs are part of the product: every setting and every CLI command is documented."""

from pathlib import Path
from typing import Any

import typer
from typer.main import get_command

from watchkeep.cli.main import app
from watchkeep.core.settings import Settings

ROOT = Path(__file__).parents[2]


def documentation() -> str:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text() for page in pages)


def command_paths(command: Any, prefix: str = "watchkeep") -> list[str]:
    """Every command's full path; groups are asked for their subcommands as click asks them
    (the lazy groups import a command's module only then)."""
    if not hasattr(command, "list_commands"):
        return [prefix]
    ctx = typer.Context(command, info_name=prefix.rsplit(" ", 1)[-1])
    paths = []
    for name in command.list_commands(ctx):
        paths += command_paths(command.get_command(ctx, name), f"{prefix} {name}")
    return paths


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [
        f"WATCHKEEP_{name.upper()}"
        for name in Settings.model_fields
        if f"`WATCHKEEP_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    docs = documentation()
    paths = command_paths(get_command(app))
    assert len(paths) >= 40
    assert "watchkeep schedule render" in paths
    assert [path for path in paths if path not in docs] == []


def test_the_quick_start_is_the_two_make_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.splitlines()]
    assert [c for c in commands if c.startswith("make")] == ["make run", "make test"]
