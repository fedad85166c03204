"""``watchkeep incident`` against a real SQLite file, locally and through a real server.

Each test runs in both modes (the ``cli`` fixture, tests/cli/conftest.py): ``local`` acts on the
database as ``--as EMAIL``; ``remote`` talks to uvicorn serving the same database with that
user's token. The ``--json`` output must be the same either way.
"""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import Result
from tests.factories import Person, an_admin
from typer.testing import CliRunner

from watchkeep.cli.main import app
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import get_settings
from watchkeep.incident import customfields

if TYPE_CHECKING:
    from tests.cli.conftest import Crew, Run

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def declare(cli: Run, who: Person, title: str, *extra: str) -> dict[str, Any]:
    return as_json(cli("incident", "declare", title, "-s", "SEV2", *extra, "--json", who=who))


def test_an_incident_from_declaration_to_resolution(cli: Run, crew: Crew) -> None:
    admin = crew.admin
    declared = ok(cli("incident", "declare", "Checkout is slow", "-s", "SEV2", who=admin))
    assert "INC-1 declared" in declared.stdout
    ref = "INC-1"

    listed = as_json(cli("incident", "list", "--json", who=admin))
    assert [i["reference"] for i in listed["items"]] == [ref]
    assert "INC-1" in ok(cli("incident", "list", who=admin)).stdout

    refused = cli("incident", "status", ref, "closed", who=admin)
    assert refused.exit_code == 1
    assert (
        "cannot move from investigating to closed; allowed next: fixing, monitoring, resolved"
        in flat(refused.output)
    )

    moved = ok(cli("incident", "status", ref, "fixing", who=admin))
    assert "INC-1 is now fixing" in moved.stdout
    ok(cli("incident", "note", ref, "Rolled back the deploy\nv2.3 to v2.2", "--pin", who=admin))
    assigned = ok(cli("incident", "assign", ref, "comms", crew.grace.user.email, who=admin))
    assert "Grace Hopper is now Communications lead on INC-1" in flat(assigned.stdout)
    update = as_json(
        cli(
            "incident", "update", ref, "Error rate falling", "--status", "monitoring",
            "--next", "15", "--json", who=admin,
        )
    )  # fmt: skip
    assert update["status"] == "monitoring"
    assert update["next_update_at"] is not None
    resolved = ok(cli("incident", "resolve", ref, "-m", "All clear", who=admin))
    assert "INC-1 is resolved" in resolved.stdout

    shown = as_json(cli("incident", "show", ref, "--json", who=admin))
    incident = shown["incident"]
    assert incident["status"] == "resolved"
    assert incident["timestamps"]["mitigated_at"] is not None
    assert {r["role"]: r["user"]["name"] for r in incident["roles"]} == {
        "lead": "Ada Admin",
        "reporter": "Ada Admin",
        "comms": "Grace Hopper",
    }
    notes = [e for e in shown["timeline"] if e["kind"] == "note"]
    assert [(n["title"], n["description"], n["pinned"]) for n in notes] == [
        ("Rolled back the deploy", "v2.3 to v2.2", True)
    ]
    assert [u["message"] for u in shown["updates"]] == ["All clear", "Error rate falling"]

    drawn = flat(ok(cli("incident", "show", ref, who=admin)).stdout)
    for text in ("INC-1", "Checkout is slow", "Communications lead", "timeline", "★"):
        assert text in drawn


def test_declare_with_services_fields_type_and_status(cli: Run, crew: Crew, db_url: str) -> None:
    db = Database(db_url)
    with db.session() as session:
        customfields.create_field(
            session, actor=an_admin(session), now=utcnow(), name="Region", kind="text"
        )
        customfields.create_field(
            session,
            actor=an_admin(session),
            now=utcnow(),
            name="Teams",
            kind="multi_select",
            options=["a", "b"],
        )
    db.dispose()
    incident = declare(
        cli,
        crew.admin,
        "Card payments fail",
        "--summary", "Visa declines", "--type", "Customer-facing", "--status", "triage",
        "--service", "search", "--service", "checkout",
        "--field", "Region=eu-west", "--field", "Teams=b", "--field", "Teams=a",
    )  # fmt: skip
    assert incident["status"] == "triage"
    assert incident["summary"] == "Visa declines"
    assert incident["type"]["name"] == "Customer-facing"
    assert [s["name"] for s in incident["services"]] == ["checkout", "search"]
    assert incident["custom_fields"] == {"Region": "eu-west", "Teams": ["a", "b"]}

    unknown = cli("incident", "declare", "x", "-s", "SEV2", "--service", "nope", who=crew.admin)
    assert unknown.exit_code == 1
    assert "unknown service nope; known: checkout, search" in flat(unknown.output)
    bad_field = cli("incident", "declare", "x", "-s", "SEV2", "--field", "Region", who=crew.admin)
    assert bad_field.exit_code == 2


def test_list_filters(cli: Run, crew: Crew) -> None:
    admin = crew.admin
    declare(cli, admin, "Search is down", "--service", "search")
    declare(cli, admin, "Checkout errors", "--service", "checkout", "--status", "triage")
    as_json(cli("incident", "declare", "Disk full", "-s", "SEV4", "--json", who=admin))

    def refs(*filters: str) -> list[str]:
        page = as_json(cli("incident", "list", *filters, "--json", who=admin))
        return [i["reference"] for i in page["items"]]

    assert refs() == ["INC-3", "INC-2", "INC-1"]
    assert refs("--status", "triage") == ["INC-2"]
    assert refs("--category", "live") == ["INC-3", "INC-1"]
    assert refs("--severity", "sev4") == ["INC-3"]
    assert refs("--service", "search") == ["INC-1"]
    assert refs("--text", "checkout") == ["INC-2"]
    page = as_json(cli("incident", "list", "--limit", "2", "--json", who=admin))
    assert page["has_more"] is True
    assert len(page["items"]) == 2


def test_merge_into_another_incident(cli: Run, crew: Crew) -> None:
    declare(cli, crew.admin, "Original")
    declare(cli, crew.admin, "Duplicate", "--status", "triage")
    needs_target = cli("incident", "status", "INC-2", "merged", who=crew.admin)
    assert needs_target.exit_code == 1
    assert "merging needs merged_into" in flat(needs_target.output)
    merged = ok(cli("incident", "status", "2", "merged", "--merged-into", "INC-1", who=crew.admin))
    assert "INC-2 is now merged into INC-1" in merged.stdout
    target = as_json(cli("incident", "show", "INC-1", "--json", who=crew.admin))
    assert target["incident"]["merged"] == ["INC-2"]


def test_private_incidents_are_hidden_from_non_participants(cli: Run, crew: Crew) -> None:
    declare(cli, crew.admin, "Public outage")
    secret = declare(cli, crew.admin, "Leaked credentials", "--private")
    assert secret["private"] is True

    outsider_list = as_json(cli("incident", "list", "--json", who=crew.outsider))
    assert [i["reference"] for i in outsider_list["items"]] == ["INC-1"]
    hidden = cli("incident", "show", "INC-2", who=crew.outsider)
    assert hidden.exit_code == 1
    assert "incident INC-2 does not exist" in flat(hidden.output)
    assert cli("incident", "note", "INC-2", "peek", who=crew.outsider).exit_code == 1

    ok(cli("incident", "assign", "INC-2", "scribe", str(crew.grace.user.id), who=crew.admin))
    grace_list = as_json(cli("incident", "list", "--json", who=crew.grace))
    assert [i["reference"] for i in grace_list["items"]] == ["INC-2", "INC-1"]
    ok(cli("incident", "show", "INC-2", who=crew.grace))


def test_local_and_remote_json_are_the_same(crew: Crew, local: Run, remote: Run) -> None:
    created_locally = declare(local, crew.admin, "Made locally", "--service", "search")
    created_remotely = declare(remote, crew.admin, "Made remotely", "--service", "search")
    assert created_locally.keys() == created_remotely.keys()
    ok(local("incident", "note", "INC-1", "a note", who=crew.admin))
    ok(remote("incident", "update", "INC-1", "an update", who=crew.admin))
    for command in (("list",), ("show", "INC-1"), ("show", "INC-2")):
        in_local = as_json(local("incident", *command, "--json", who=crew.admin))
        in_remote = as_json(remote("incident", *command, "--json", who=crew.admin))
        assert in_local == in_remote


def test_remote_errors_print_the_api_message(crew: Crew, server: str, remote: Run) -> None:
    missing = remote("incident", "show", "INC-42", who=crew.admin)
    assert missing.exit_code == 1
    assert "error: incident INC-42 does not exist" in flat(missing.output)

    bad_token = invoke("incident", "list", "--url", server, "--token", "wk_not_a_token")
    assert bad_token.exit_code == 1
    assert "the API token is unknown or revoked" in flat(bad_token.output)

    no_token = invoke("incident", "list", "--url", server)
    assert no_token.exit_code == 1
    assert "needs an API token" in flat(no_token.output)

    with_as = invoke("incident", "list", "--url", server, "--token", crew.admin.token, "--as", "x")
    assert with_as.exit_code == 1
    assert "--as" in with_as.output


def test_remote_mode_from_the_environment(
    crew: Crew, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHKEEP_URL", server)
    monkeypatch.setenv("WATCHKEEP_TOKEN", crew.grace.token)
    get_settings.cache_clear()
    incident = as_json(invoke("incident", "declare", "From env", "-s", "SEV3", "--json"))
    assert incident["reporter"]["name"] == "Grace Hopper"


def test_unreachable_server(crew: Crew) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = invoke("incident", "list", "--url", f"http://127.0.0.1:{port}", "--token", "wk_x")
    assert result.exit_code == 1
    assert "cannot reach" in result.output


def test_local_actor_defaults_to_the_first_admin(
    crew: Crew, monkeypatch: pytest.MonkeyPatch
) -> None:
    declared = as_json(invoke("incident", "declare", "Default actor", "-s", "SEV3", "--json"))
    assert declared["reporter"]["name"] == "Ada Admin"
    monkeypatch.setenv("WATCHKEEP_ACTOR", crew.grace.user.email)
    declared = as_json(
        invoke("incident", "declare", "From WATCHKEEP_ACTOR", "-s", "SEV3", "--json")
    )
    assert declared["reporter"]["name"] == "Grace Hopper"
    unknown = invoke("incident", "list", "--as", "nobody@example.com")
    assert unknown.exit_code == 1
    assert "no user with e-mail nobody@example.com" in flat(unknown.output)
    token_alone = invoke("incident", "list", "--token", crew.admin.token)
    assert token_alone.exit_code == 1
    assert "--token needs --url" in flat(token_alone.output)


def test_local_mode_without_an_admin_says_how_to_make_one(db_url: str) -> None:
    result = invoke("incident", "list")
    assert result.exit_code == 1
    assert "watchkeep user create EMAIL --name NAME --role admin" in flat(result.output)
