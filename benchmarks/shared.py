"""Where the shared data sets and benchmark specs live: ``../shared`` beside the repository,
or the folder named by ``WATCHKEEP_SHARED_DIR``."""

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SCHEDULE_SPECS = ("bench", "schedule_specs.json")
INCIDENTS_DEV = ("data", "incidents_dev.jsonl")


def shared_path(*parts: str) -> Path:
    """The path of a shared file (it may not exist: check with ``.exists()``)."""
    base = os.environ.get("WATCHKEEP_SHARED_DIR")
    root = Path(base) if base else REPOSITORY.parent / "shared"
    return root.joinpath(*parts)


def require(*parts: str) -> Path:
    """The path of a shared file, or an error that says where it was looked for."""
    path = shared_path(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: put the shared folder beside the repository "
            "or set WATCHKEEP_SHARED_DIR"
        )
    return path
