"""Where the suite finds the shared data sets: ``../shared`` beside the repository, or the
folder named by ``WATCHKEEP_SHARED_DIR`` (the benchmarks look in the same places)."""

import os
from pathlib import Path

from tests.conftest import unavailable

REPOSITORY = Path(__file__).resolve().parents[1]
SCHEDULE_SPECS = ("bench", "schedule_specs.json")
INCIDENTS_DEV = ("data", "incidents_dev.jsonl")


def shared_path(*parts: str) -> Path:
    """The path of a shared file (it may not exist: check with ``.exists()``)."""
    base = os.environ.get("WATCHKEEP_SHARED_DIR")
    root = Path(base) if base else REPOSITORY.parent / "shared"
    return root.joinpath(*parts)


def shared_file(*parts: str) -> Path:
    """The path of a shared file that exists; without it the test is skipped locally and
    fails in CI."""
    path = shared_path(*parts)
    if not path.exists():
        unavailable(f"{path} is missing: put the shared folder beside the repository")
    return path
