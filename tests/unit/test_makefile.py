"""The quick start's two commands: `make run` installs only what serving needs."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planned(target: str, venv: Path) -> str:
    """What ``make <target>`` would run on a machine without the virtual environment."""
    result = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_run_installs_the_package_without_the_dev_extra(tmp_path: Path) -> None:
    steps = planned("run", tmp_path / "venv")
    assert "pip install --quiet -e ." in steps
    assert "[dev" not in steps and "ml]" not in steps
    assert "watchkeep run" in steps


def test_test_installs_the_dev_and_ml_extras(tmp_path: Path) -> None:
    # The ml extra too, so that the suite checks the MiniLM embedder rather than skipping it.
    assert "pip install --quiet -e '.[dev,ml]'" in planned("test", tmp_path / "venv")
