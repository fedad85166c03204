"""``watchkeep schedule list/show/create/oncall-now/override`` on the local database and
through a real server (the ``cli`` fixture runs each test in both modes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from click.testing import Result

if TYPE_CHECKING:
    from tests.cli.conftest import Crew, Run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def spec_file(tmp_path: Path, crew: Crew, **extra: Any) -> str:
    spec = {
        "timezone": "Europe/London",
        "layers": [
            {
                "name": "weekly",
                "users": [crew.grace.user.email, None, str(crew.admin.user.id)],
                "anchor": "2026-01-05T09:00:00",
                "handovers": [{"interval": 1, "unit": "weekly"}],
            }
        ],
    } | extra
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return str(path)


def test_a_stored_schedule_from_file_to_override(cli: Run, crew: Crew, tmp_path: Path) -> None:
    admin = crew.admin
    created = as_json(
        cli(
            "schedule",
            "create",
            "--file",
            spec_file(tmp_path, crew),
            "--name",
            "Primary",
            "--json",
            who=admin,
        )
    )
    assert created["name"] == "Primary"
    assert created["layers"][0]["users"] == [
        {"id": crew.grace.user.id, "name": "Grace Hopper"},
        None,
        {"id": admin.user.id, "name": "Ada Admin"},
    ]
    assert [s["name"] for s in as_json(cli("schedule", "list", "--json", who=admin))] == ["Primary"]
    assert "Primary" in ok(cli("schedule", "list", who=admin)).stdout

    shown = as_json(
        cli(
            "schedule",
            "show",
            "Primary",
            "--from",
            "2026-01-05T09:00:00Z",
            "--to",
            "2026-01-26T09:00:00Z",
            "--json",
            who=admin,
        )
    )
    assert [e["users"][0]["name"] for e in shown["entries"]["final"]] == [
        "Grace Hopper",
        "Ada Admin",
    ]
    assert "Grace Hopper" in ok(cli("schedule", "show", str(created["id"]), who=admin)).stdout

    at = as_json(
        cli(
            "schedule", "oncall-now", "Primary", "--at", "2026-01-06T00:00:00Z", "--json", who=admin
        )
    )
    assert at == {
        "at": "2026-01-06T00:00:00Z",
        "users": [{"id": crew.grace.user.id, "name": "Grace Hopper"}],
    }
    gap = ok(cli("schedule", "oncall-now", "Primary", "--at", "2026-01-13T10:00:00Z", who=admin))
    assert "nobody is on call" in gap.stdout

    soon = datetime.now(UTC).date() + timedelta(days=30)  # overrides must lie ahead
    window = ("--from", f"{soon}T00:00:00Z", "--to", f"{soon + timedelta(days=1)}T00:00:00Z")
    override = as_json(
        cli(
            "schedule",
            "override",
            "Primary",
            "--user",
            crew.grace.user.email,
            *window,
            "--note",
            "swap",
            "--json",
            who=admin,
        )
    )
    assert override["user"]["name"] == "Grace Hopper" and override["note"] == "swap"
    covered = as_json(
        cli("schedule", "oncall-now", "Primary", "--at", f"{soon}T12:00:00Z", "--json", who=admin)
    )
    assert [u["name"] for u in covered["users"]] == ["Grace Hopper"]


def test_schedule_errors_are_messages(cli: Run, crew: Crew, tmp_path: Path) -> None:
    admin = crew.admin
    bad = spec_file(tmp_path, crew, timezone="Mars/Base")
    refused = cli("schedule", "create", "--file", bad, "--name", "X", who=admin)
    assert refused.exit_code == 1
    assert "timezone: unknown time zone" in refused.output
    good = spec_file(tmp_path, crew)
    unnamed = cli("schedule", "create", "--file", good, who=admin)
    assert unnamed.exit_code == 1 and "--name" in unnamed.output
    missing = cli("schedule", "oncall-now", "Nothing", who=admin)
    assert missing.exit_code == 1 and "no schedule named" in missing.output
    ok(cli("schedule", "create", "--file", good, "--name", "Primary", who=admin))
    stranger = cli(
        "schedule",
        "override",
        "Primary",
        "--user",
        "nobody@example.com",
        "--from",
        "2030-01-01",
        "--to",
        "2030-01-02",
        who=admin,
    )
    assert stranger.exit_code == 1 and "nobody@example.com" in stranger.output
    viewer_spec = cli("schedule", "create", "--file", good, "--name", "Other", who=crew.outsider)
    assert viewer_spec.exit_code == 0  # responders may create schedules
