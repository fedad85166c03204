"""``watchkeep service`` and ``watchkeep team`` in both modes: the local database (``--as``)
and a server (``--url``/``--token``). ``cli``, ``local``, ``remote`` and ``crew`` come from
tests/cli/conftest.py."""

import json
from pathlib import Path

from click.testing import Result
from tests.cli.conftest import Crew, Run


def flat(text: str) -> str:
    return " ".join(text.split())


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def listed(run: Run, crew: Crew, group: str) -> dict[str, dict[str, object]]:
    bodies = json.loads(ok(run(group, "list", "--json", who=crew.grace)).stdout)
    return {b["name"]: b for b in bodies}


def test_team_commands_in_either_mode(cli: Run, crew: Crew) -> None:
    grace, admin = crew.grace.user, crew.admin.user
    created = ok(
        cli(
            "team",
            "create",
            "Edge",
            "--description",
            "The edge",
            "--member",
            grace.email,
            who=crew.admin,
        )
    )
    assert "created team" in created.stdout and "Edge" in created.stdout
    edge = listed(cli, crew, "team")["Edge"]
    assert (edge["description"], edge["member_ids"]) == ("The edge", [grace.id])
    saved = json.loads(
        ok(
            cli(
                "team",
                "update",
                "edge",
                "--name",
                "Edge proxy",
                "--member",
                admin.email,
                "--member",
                grace.email,
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert saved["name"] == "Edge proxy" and sorted(saved["member_ids"]) == sorted(
        [grace.id, admin.id]
    )
    assert saved["description"] == "The edge"
    emptied = ok(cli("team", "update", str(edge["id"]), "--no-members", who=crew.admin))
    assert f"saved team {edge['id']}: Edge proxy" in flat(emptied.stdout)
    assert listed(cli, crew, "team")["Edge proxy"]["member_ids"] == []
    table = flat(ok(cli("team", "list", who=crew.grace)).stdout)
    assert "1 team(s)" in table and "Edge proxy" in table


def test_service_commands_in_either_mode(cli: Run, crew: Crew) -> None:
    ok(cli("team", "create", "Payments", who=crew.admin))
    created = ok(
        cli(
            "service",
            "create",
            "ledger",
            "--description",
            "Books",
            "--owner-team",
            "Payments",
            who=crew.admin,
        )
    )
    assert "created service" in created.stdout and "(owner team Payments)" in created.stdout
    ledger = listed(cli, crew, "service")["ledger"]
    assert (ledger["description"], ledger["owner_team"]) == ("Books", "Payments")
    saved = json.loads(
        ok(
            cli("service", "update", "ledger", "--name", "general-ledger", "--json", who=crew.admin)
        ).stdout
    )
    assert (saved["name"], saved["owner_team"], saved["description"]) == (
        "general-ledger",
        "Payments",
        "Books",
    )
    orphaned = ok(cli("service", "update", str(ledger["id"]), "--no-owner-team", who=crew.admin))
    assert "saved service" in orphaned.stdout
    services = listed(cli, crew, "service")
    assert services["general-ledger"]["owner_team_id"] is None
    assert {"checkout", "search"} <= set(services)
    table = flat(ok(cli("service", "list", who=crew.grace)).stdout)
    assert "3 service(s)" in table and "general-ledger" in table


def test_a_service_kind_dependencies_and_runbook_in_either_mode(
    cli: Run, crew: Crew, tmp_path: Path
) -> None:
    runbook = tmp_path / "runbook.md"
    runbook.write_text("# Payments\n\n1. Check the provider's status page.\n")
    ok(cli("service", "create", "stripe", "--kind", "third_party", who=crew.admin))
    created = json.loads(
        ok(
            cli(
                "service",
                "create",
                "payments",
                "--depends-on",
                "stripe",
                "--depends-on",
                "search",
                "--runbook-file",
                str(runbook),
                "--runbook-url",
                "https://wiki.example.com/payments",
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert created["kind"] == "internal" and created["depends_on"] == ["search", "stripe"]
    assert created["runbook"].startswith("# Payments") and created["runbook_url"].endswith(
        "/payments"
    )
    services = listed(cli, crew, "service")
    assert services["stripe"]["kind"] == "third_party"
    table = flat(ok(cli("service", "list", who=crew.grace)).stdout)
    assert "third_party" in table and "search, stripe" in table
    saved = json.loads(
        ok(
            cli(
                "service",
                "update",
                "payments",
                "--kind",
                "platform",
                "--depends-on",
                "stripe",
                "--no-runbook-url",
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert (saved["kind"], saved["depends_on"], saved["runbook_url"]) == (
        "platform",
        ["stripe"],
        None,
    )
    assert saved["runbook"].startswith("# Payments")  # not given: kept
    cleared = json.loads(
        ok(cli("service", "update", "payments", "--no-depends-on", "--json", who=crew.admin)).stdout
    )
    assert cleared["depends_on"] == [] and cleared["kind"] == "platform"
    refused = {
        "unknown dependency": cli(
            "service", "update", "payments", "--depends-on", "nowhere", who=crew.admin
        ),
        "itself": cli("service", "update", "payments", "--depends-on", "payments", who=crew.admin),
        "bad kind": cli("service", "create", "x", "--kind", "galaxy", who=crew.admin),
        "both": cli(
            "service",
            "update",
            "payments",
            "--depends-on",
            "stripe",
            "--no-depends-on",
            who=crew.admin,
        ),
    }
    assert {name: r.exit_code for name, r in refused.items()} == dict.fromkeys(refused, 1)
    assert "no service with id or name nowhere" in flat(refused["unknown dependency"].output)
    assert "cannot depend on itself" in flat(refused["itself"].output)
    assert "--kind must be one of internal, platform, third_party" in flat(
        refused["bad kind"].output
    )
    assert "exclude each other" in flat(refused["both"].output)
    assert listed(cli, crew, "service")["payments"]["depends_on"] == []


def test_catalog_changes_are_refused_with_the_message(cli: Run, crew: Crew) -> None:
    not_admin = cli("service", "create", "billing", who=crew.grace)
    assert not_admin.exit_code == 1 and "admin" in flat(not_admin.output)
    taken = cli("service", "update", "search", "--name", "checkout", who=crew.admin)
    assert taken.exit_code == 1 and "already exists" in flat(taken.output)
    no_team = cli("service", "create", "billing", "--owner-team", "Nobody", who=crew.admin)
    assert no_team.exit_code == 1 and "no team with id or name Nobody" in flat(no_team.output)
    no_service = cli("service", "update", "nothing", "--name", "x", who=crew.admin)
    assert no_service.exit_code == 1 and "no service with id or name nothing" in flat(
        no_service.output
    )
    no_user = cli("team", "create", "Ghosts", "--member", "nobody@example.com", who=crew.admin)
    assert no_user.exit_code == 1 and "nobody@example.com" in flat(no_user.output)
    empty = cli("team", "create", " ", who=crew.admin)
    assert empty.exit_code == 1 and "name must not be empty" in flat(empty.output)
    both = cli(
        "service", "update", "search", "--owner-team", "x", "--no-owner-team", who=crew.admin
    )
    assert both.exit_code == 1
    assert set(listed(cli, crew, "service")) == {"checkout", "search"}
    assert listed(cli, crew, "team") == {}


def test_local_and_remote_list_the_same_catalog(local: Run, remote: Run, crew: Crew) -> None:
    ok(local("team", "create", "Core", "--member", crew.grace.user.email, who=crew.admin))
    ok(remote("service", "update", "search", "--owner-team", "Core", who=crew.admin))
    for group in ("team", "service"):
        assert listed(local, crew, group) == listed(remote, crew, group)
    assert listed(local, crew, "service")["search"]["owner_team"] == "Core"
