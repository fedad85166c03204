"""``watchkeep schedule render`` and ``oncall``: the stable JSON shape other tools read."""

import json
from pathlib import Path

import pytest
from click.testing import Result
from tests.shared_data import SCHEDULE_SPECS, shared_file
from typer.testing import CliRunner

from watchkeep.cli.schedule import app

runner = CliRunner()
SPEC = {
    "timezone": "Europe/London",
    "layers": [
        {
            "name": "primary",
            "users": ["carol", "alice", "bob"],
            "anchor": "2026-01-05T09:00:00",
            "handovers": [{"interval": 1, "unit": "daily"}],
            "concurrent": 2,
        },
        {
            "name": "day",
            "users": ["dave"],
            "anchor": "2026-01-05T09:00:00",
            "handovers": [{"interval": 1, "unit": "weekly"}],
            "working_intervals": [{"weekday": "tue", "start": "09:00", "end": "17:00"}],
        },
    ],
    "overrides": [
        {
            "user": "erin",
            "start": "2026-01-05T12:00:00Z",
            "end": "2026-01-05T13:00:00Z",
            "created_at": "2026-01-01T00:00:00Z",
        }
    ],
}


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    return path


def entry(start: str, end: str, users: list[str]) -> dict[str, object]:
    return {"start": f"{start}:00:00Z", "end": f"{end}:00:00Z", "users": users}


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_render_json_prints_final_and_layer_entries_in_utc_z(spec_file: Path) -> None:
    result = ok(
        invoke(
            "render", "--spec", spec_file, "--from", "2026-01-05", "--to", "2026-01-07", "--json"
        )
    )
    both, dave, erin = ["alice", "carol"], ["dave"], ["erin"]
    assert json.loads(result.stdout) == {
        "final": [
            entry("2026-01-05T09", "2026-01-05T12", both),
            entry("2026-01-05T12", "2026-01-05T13", erin),
            entry("2026-01-05T13", "2026-01-06T09", both),
            entry("2026-01-06T09", "2026-01-06T17", dave),
            entry("2026-01-06T17", "2026-01-07T00", ["bob", "carol"]),
        ],
        "layers": [
            [
                entry("2026-01-05T09", "2026-01-06T09", both),
                entry("2026-01-06T09", "2026-01-07T00", ["bob", "carol"]),
            ],
            [entry("2026-01-06T09", "2026-01-06T17", dave)],
        ],
    }


def test_render_accepts_offsets_and_an_entry_of_the_bench_file(tmp_path: Path) -> None:
    case = json.loads(shared_file(*SCHEDULE_SPECS).read_text())["specs"][0]
    path = tmp_path / "entry.json"
    path.write_text(json.dumps(case))
    window = ("--from", case["window"]["start"], "--to", case["window"]["end"])
    result = ok(invoke("render", "--spec", path, *window, "--json"))
    assert len(json.loads(result.stdout)["final"]) == case["expected_final_entries"]


def test_render_without_json_draws_tables(spec_file: Path) -> None:
    result = ok(invoke("render", "--spec", spec_file, "--from", "2026-01-05", "--to", "2026-01-07"))
    assert "final schedule (Europe/London)" in result.stdout
    assert "layer primary" in result.stdout
    assert "erin" in result.stdout


def test_oncall_json_prints_the_instant_and_the_sorted_users(spec_file: Path) -> None:
    for moment, users in [
        ("2026-01-05T12:30:00Z", ["erin"]),
        ("2026-01-05T14:00:00+01:00", ["alice", "carol"]),
        ("2026-01-05T08:59:59", []),
    ]:
        result = ok(invoke("oncall", "--spec", spec_file, "--at", moment, "--json"))
        body = json.loads(result.stdout)
        assert body["users"] == users
        assert body["at"].endswith("Z")
    result = ok(invoke("oncall", "--spec", spec_file, "--at", "2026-01-05T14:00+01:00", "--json"))
    assert json.loads(result.stdout)["at"] == "2026-01-05T13:00:00Z"


def test_oncall_without_json_names_the_users_or_says_nobody(spec_file: Path) -> None:
    assert "erin" in ok(invoke("oncall", "--spec", spec_file, "--at", "2026-01-05T12:30")).stdout
    assert "nobody" in ok(invoke("oncall", "--spec", spec_file, "--at", "2026-01-01")).stdout
    assert ok(invoke("oncall", "--spec", spec_file)).stdout.strip()  # default: now


def test_bad_input_is_a_clear_error_and_exit_code_1(tmp_path: Path, spec_file: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**SPEC, "timezone": "Mars/Base"}))
    result = invoke("oncall", "--spec", broken, "--at", "2026-01-05")
    assert result.exit_code == 1
    assert "timezone: unknown time zone 'Mars/Base'" in result.output
    result = invoke("render", "--spec", spec_file, "--from", "yesterday", "--to", "2026-01-05")
    assert result.exit_code == 1
    assert "--from" in result.output
    (tmp_path / "junk.json").write_text("{")
    assert invoke("oncall", "--spec", tmp_path / "junk.json").exit_code == 1
    assert invoke("oncall", "--spec", tmp_path / "missing.json").exit_code == 1
