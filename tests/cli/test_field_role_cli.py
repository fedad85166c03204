"""``watchkeep custom-field`` and ``watchkeep incident-role`` in both modes: the local
database (``--as``) and a server (``--url``/``--token``)."""

import json

from click.testing import Result
from tests.cli.conftest import Crew, Run


def flat(text: str) -> str:
    return " ".join(text.split())


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def fields(run: Run, crew: Crew) -> dict[str, dict[str, object]]:
    listed = json.loads(ok(run("custom-field", "list", "--json", who=crew.admin)).stdout)
    return {f["name"]: f for f in listed}


def roles(run: Run, crew: Crew) -> dict[str, dict[str, object]]:
    listed = json.loads(ok(run("incident-role", "list", "--json", who=crew.admin)).stdout)
    return {r["slug"]: r for r in listed}


def test_custom_field_commands_in_either_mode(cli: Run, crew: Crew) -> None:
    made = ok(
        cli(
            "custom-field",
            "create",
            "Region",
            "--kind",
            "single_select",
            "--option",
            "eu",
            "--option",
            "us",
            "--rank",
            "2",
            "--json",
            who=crew.admin,
        )
    )
    created = json.loads(made.stdout)
    assert (created["options"], created["rank"]) == (["eu", "us"], 2)
    changed = ok(
        cli(
            "custom-field",
            "update",
            "Region",
            "--name",
            "Zone",
            "--option",
            "eu",
            "--option",
            "us",
            "--option",
            "apac",
            "--required",
            who=crew.admin,
        )
    )
    assert f"changed custom field {created['id']}: Zone" in changed.stdout
    zone = fields(cli, crew)["Zone"]
    assert (zone["options"], zone["required_at_declare"], zone["rank"]) == (
        ["eu", "us", "apac"],
        True,
        2,
    )
    # By id; a kind without options drops them (nothing holds a value yet).
    ok(cli("custom-field", "update", str(created["id"]), "--kind", "text", who=crew.admin))
    assert fields(cli, crew)["Zone"]["kind"] == "text"
    assert fields(cli, crew)["Zone"]["options"] == []
    assert "Zone" in flat(ok(cli("custom-field", "list", who=crew.admin)).stdout)


def test_custom_field_changes_are_refused_with_the_message(cli: Run, crew: Crew) -> None:
    ok(cli("custom-field", "create", "Ticket", "--kind", "link", who=crew.admin))
    not_admin = cli("custom-field", "create", "Other", "--kind", "text", who=crew.grace)
    assert not_admin.exit_code == 1 and "admin" in flat(not_admin.output)
    taken = cli("custom-field", "create", "Ticket", "--kind", "text", who=crew.admin)
    assert taken.exit_code == 1 and "already exists" in flat(taken.output)
    unknown = cli("custom-field", "update", "Nothing", "--rank", "1", who=crew.admin)
    assert unknown.exit_code == 1 and "Nothing" in flat(unknown.output)
    assert list(fields(cli, crew)) == ["Ticket"]


def test_incident_role_commands_in_either_mode(cli: Run, crew: Crew) -> None:
    made = ok(
        cli(
            "incident-role",
            "create",
            "Customer liaison",
            "--instructions",
            "Talks to customers",
            "--rank",
            "7",
            who=crew.admin,
        )
    )
    assert "created incident role customer-liaison: Customer liaison" in made.stdout
    changed = json.loads(
        ok(
            cli(
                "incident-role",
                "update",
                "lead",
                "--name",
                "Incident commander",
                "--json",
                who=crew.admin,
            )
        ).stdout
    )
    assert (changed["slug"], changed["name"], changed["builtin"]) == (
        "lead",
        "Incident commander",
        True,
    )
    listed = roles(cli, crew)
    assert listed["lead"]["instructions"] == changed["instructions"] != ""
    assert (listed["customer-liaison"]["rank"], listed["lead"]["rank"]) == (7, 1)
    table = flat(ok(cli("incident-role", "list", who=crew.admin)).stdout)
    assert "Incident commander" in table and "customer-liaison" in table
    taken = cli("incident-role", "update", "scribe", "--name", "Reporter", who=crew.admin)
    assert taken.exit_code == 1 and "already exists" in flat(taken.output)
    unknown = cli("incident-role", "update", "nobody", "--rank", "1", who=crew.admin)
    assert unknown.exit_code == 1 and "nobody" in flat(unknown.output)
    not_admin = cli("incident-role", "update", "scribe", "--rank", "1", who=crew.grace)
    assert not_admin.exit_code == 1 and "admin" in flat(not_admin.output)


def test_local_and_remote_list_the_same(local: Run, remote: Run, crew: Crew) -> None:
    ok(local("custom-field", "create", "Size", "--kind", "numeric", who=crew.admin))
    assert fields(local, crew) == fields(remote, crew)
    assert roles(local, crew) == roles(remote, crew)
