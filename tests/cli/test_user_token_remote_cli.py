"""``watchkeep user`` and ``watchkeep token`` in both modes: the local database (``--as``)
and a server (``--url``/``--token``). ``cli``, ``local``, ``remote`` and ``crew`` come from
tests/cli/conftest.py."""

import json

from click.testing import Result
from tests.cli.conftest import Crew, Run


def flat(text: str) -> str:
    return " ".join(text.split())


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def users(run: Run, crew: Crew) -> dict[str, dict[str, object]]:
    listed = json.loads(ok(run("user", "list", "--json", who=crew.admin)).stdout)
    return {u["email"]: u for u in listed}


def test_user_commands_in_either_mode(cli: Run, crew: Crew) -> None:
    created = ok(
        cli(
            "user",
            "create",
            "new@example.com",
            "--name",
            "Newton",
            "--role",
            "viewer",
            "--password",
            "long enough",
            who=crew.admin,
        )
    )
    assert "created user" in created.stdout and "(viewer)" in created.stdout
    assert users(cli, crew)["new@example.com"]["role"] == "viewer"
    changed = ok(cli("user", "role", "new@example.com", "responder", who=crew.admin))
    assert "new@example.com is now responder" in changed.stdout
    off = ok(cli("user", "deactivate", "new@example.com", who=crew.admin))
    assert "is deactivated" in off.stdout
    assert users(cli, crew)["new@example.com"]["is_active"] is False
    user_id = users(cli, crew)["new@example.com"]["id"]
    on = ok(cli("user", "reactivate", str(user_id), who=crew.admin))
    assert "is active" in on.stdout
    assert users(cli, crew)["new@example.com"]["is_active"] is True
    assert "Newton" in flat(ok(cli("user", "list", who=crew.admin)).stdout)


def test_user_changes_are_refused_with_the_servers_message(cli: Run, crew: Crew) -> None:
    myself = cli("user", "deactivate", crew.admin.user.email, who=crew.admin)
    assert myself.exit_code == 1 and "cannot deactivate yourself" in flat(myself.output)
    not_admin = cli("user", "deactivate", crew.outsider.user.email, who=crew.grace)
    assert not_admin.exit_code == 1 and "admin" in flat(not_admin.output)
    unknown = cli("user", "role", "nobody@example.com", "viewer", who=crew.admin)
    assert unknown.exit_code == 1 and "nobody@example.com" in flat(unknown.output)
    assert users(cli, crew)[crew.outsider.user.email]["is_active"] is True


def test_local_and_remote_list_the_same_users(local: Run, remote: Run, crew: Crew) -> None:
    assert users(local, crew) == users(remote, crew)


def test_token_list_and_revoke_in_either_mode(cli: Run, crew: Crew) -> None:
    mine = json.loads(ok(cli("token", "list", "--json", who=crew.grace)).stdout)
    assert mine and {t["user_id"] for t in mine} >= {crew.grace.user.id}
    every = json.loads(ok(cli("token", "list", "--json", who=crew.admin)).stdout)
    assert {t["user_id"] for t in every} >= {crew.admin.user.id, crew.grace.user.id}
    only = json.loads(
        ok(
            cli("token", "list", "--user", crew.outsider.user.email, "--json", who=crew.admin)
        ).stdout
    )
    assert {t["user_id"] for t in only} == {crew.outsider.user.id}
    table = flat(ok(cli("token", "list", who=crew.admin)).stdout)
    assert f"{len(every)} token(s)" in table
    revoked = ok(cli("token", "revoke", str(only[0]["id"]), who=crew.admin))
    assert f"token {only[0]['id']}" in revoked.stdout and "revoked" in revoked.stdout
    refused = cli("token", "revoke", str(every[0]["id"]), who=crew.grace)
    if every[0]["user_id"] != crew.grace.user.id:
        assert refused.exit_code == 1 and "does not exist" in flat(refused.output)
