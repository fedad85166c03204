"""The lazy command groups: ``--help`` lists every command without importing it, a command
imports only what it uses, and everything still resolves as click resolves it."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from watchkeep.cli.lazy import LazyGroup, Listed
from watchkeep.cli.main import Watchkeep, app
from watchkeep.cli.schedule import ScheduleCommands

runner = CliRunner()
SPEC = {
    "timezone": "UTC",
    "layers": [
        {
            "name": "primary",
            "users": ["alice", "bob"],
            "anchor": "2026-01-05T09:00:00",
            "handovers": [{"interval": 1, "unit": "daily"}],
        }
    ],
}
# Run a command in a fresh interpreter, then print the modules it imported.
RUN_AND_LIST_MODULES = """
import json, sys
from watchkeep.cli.main import app
try:
    app(sys.argv[1:], prog_name="watchkeep")
except SystemExit as exit:
    code = exit.code
print("MODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run_fresh(*args: str) -> tuple[int, str, set[str]]:
    """Exit code, output and imported modules of ``watchkeep ARGS`` in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    output, _, report = done.stdout.rpartition("MODULES ")
    body = json.loads(report)
    return body["code"], output, set(body["modules"])


def imported(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


def words(text: str) -> str:
    return " ".join(text.split())


def listed_rows(output: str) -> list[str]:
    """The command names of the ``Commands:`` section of plain click help."""
    section = output.split("Commands:", 1)[1]
    return [
        line.split()[0] for line in section.splitlines() if line.startswith("  ") and line[2] != " "
    ]


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    return path


def test_help_lists_every_command_in_order_with_its_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert listed_rows(result.stdout) == list(Watchkeep.subcommands)
    for name, sub in Watchkeep.subcommands.items():
        assert words(f"{name} {sub.help}") in words(result.stdout)


def test_help_without_arguments_is_the_same_help_and_exit_code_2() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert result.stdout == runner.invoke(app, ["--help"]).stdout


@pytest.mark.parametrize("group", [Watchkeep, ScheduleCommands])
def test_the_listed_help_is_the_commands_own_help(group: type[LazyGroup]) -> None:
    """The map in main.py / schedule.py says what the command says, so they cannot drift."""
    command: Any = group(name="x")
    ctx = typer.Context(command)
    for name, sub in group.subcommands.items():
        loaded = command.get_command(ctx, name)
        assert not isinstance(loaded, Listed)
        assert loaded.name == name
        assert loaded.help == sub.help


def test_a_group_lists_and_resolves_its_commands_like_any_click_group() -> None:
    top = get_command(app)
    ctx = typer.Context(top)
    assert top.list_commands(ctx) == list(Watchkeep.subcommands)  # type: ignore[attr-defined]
    schedule = top.get_command(ctx, "schedule")  # type: ignore[attr-defined]
    assert schedule.list_commands(ctx)[:2] == ["render", "oncall"]
    assert top.get_command(ctx, "nope") is None  # type: ignore[attr-defined]
    assert top.get_command(ctx, "schedule") is schedule  # type: ignore[attr-defined]


def test_group_help_still_works() -> None:
    result = runner.invoke(app, ["schedule", "--help"])
    assert result.exit_code == 0, result.output
    for name in ScheduleCommands.subcommands:
        assert name in result.stdout
    result = runner.invoke(app, ["incident", "list", "--help"])
    assert result.exit_code == 0, result.output
    assert "--json" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["incidnt"], "No such command 'incidnt'. Did you mean 'incident', 'incident-role'?"),
        (["schedule", "rendr"], "No such command 'rendr'. Did you mean 'render'?"),
        (["frobnicate"], "No such command 'frobnicate'."),
    ],
)
def test_an_unknown_command_is_clicks_usage_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in words(result.output)
    assert "Try 'watchkeep" in result.output


def test_help_imports_no_command_module_nor_rich() -> None:
    code, output, modules = run_fresh("--help")
    assert code == 0
    assert "schedule" in output
    loaded_commands = {m for m in modules if m.startswith("watchkeep.cli.")}
    assert loaded_commands == {"watchkeep.cli.lazy", "watchkeep.cli.main"}
    for package in ("rich", "sqlalchemy", "fastapi", "httpx", "pydantic"):
        assert not imported(modules, package), package


def test_schedule_render_runs_on_the_pure_engine_alone(spec_file: Path) -> None:
    window = ("--from", "2026-01-05", "--to", "2026-01-07")
    code, output, modules = run_fresh(
        "schedule", "render", "--spec", str(spec_file), *window, "--json"
    )
    assert code == 0
    assert [entry["users"] for entry in json.loads(output)["final"]] == [["alice"], ["bob"]]
    assert imported(modules, "watchkeep.oncall.engine")
    for package in ("sqlalchemy", "fastapi", "starlette", "httpx", "watchkeep.core.db"):
        assert not imported(modules, package), package


def test_schedule_oncall_runs_on_the_pure_engine_alone(spec_file: Path) -> None:
    code, output, modules = run_fresh(
        "schedule", "oncall", "--spec", str(spec_file), "--at", "2026-01-05T10:00", "--json"
    )
    assert code == 0
    assert json.loads(output)["users"] == ["alice"]
    assert not imported(modules, "sqlalchemy")
    assert not imported(modules, "fastapi")


def test_the_spec_commands_module_imports_neither_the_database_nor_the_web() -> None:
    check = (
        "import sys, watchkeep.cli.schedule_spec\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'fastapi')))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_only_run_and_serve_import_the_web_application() -> None:
    others = [name for name in Watchkeep.subcommands if name not in ("run", "serve")]
    check = (
        "import sys, typer\n"
        "from typer.main import get_command\n"
        "from watchkeep.cli.main import app\n"
        "top = get_command(app)\n"
        "ctx = typer.Context(top)\n"
        f"for name in {others!r}:\n"
        "    command = top.get_command(ctx, name)\n"
        "    for sub in getattr(command, 'subcommands', {}):\n"
        "        command.get_command(ctx, sub)\n"
        "web = ('watchkeep.app.factory', 'fastapi', 'uvicorn')\n"
        "print(sorted(m for m in web if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_python_dash_m_watchkeep_runs_the_same_cli(spec_file: Path, tmp_path: Path) -> None:
    """``python -m watchkeep`` and the ``watchkeep`` script run ``main``: the command's output
    and exit code, whatever ``main`` does once the command is over."""

    def watchkeep(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "watchkeep", *args], capture_output=True, text=True, check=False
        )

    done = watchkeep("schedule", "oncall", "--spec", str(spec_file), "--at", "2026-01-06T10:00")
    assert done.returncode == 0
    assert "bob" in done.stdout
    done = watchkeep("schedule", "oncall", "--spec", str(tmp_path / "missing.json"))
    assert done.returncode == 1
    assert "error: cannot read" in done.stderr
    done = watchkeep("schedule", "oncall")
    assert done.returncode == 2
    assert "Missing option '--spec'" in done.stderr
    done = watchkeep("--help")
    assert done.returncode == 0
    assert "Usage: watchkeep " in done.stdout
