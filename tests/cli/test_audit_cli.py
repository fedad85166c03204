"""``watchkeep audit list`` on the local database and against a server, and the audited
``watchkeep user`` commands. ``crew``, ``cli``, ``local`` and ``remote`` come from
tests/cli/conftest.py."""

import json
from typing import Any

from click.testing import Result
from tests.cli.conftest import Crew, Run
from tests.factories import Person
from typer.testing import CliRunner

from watchkeep.cli.main import app

runner = CliRunner()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def page(run: Run, who: Person, *args: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(ok(run("audit", "list", "--json", *args, who=who)).stdout)
    return body


def test_admins_list_the_log_in_either_mode(cli: Run, crew: Crew) -> None:
    body = page(cli, crew.admin, "--subject", "service")
    assert set(body) == {"items", "limit", "offset", "has_more"}
    assert [(i["action"], i["summary"], i["actor_name"]) for i in body["items"]] == [
        ("service:create", "Service search created", "Ada Admin"),
        ("service:create", "Service checkout created", "Ada Admin"),
    ]
    first = page(cli, crew.admin, "--subject", "service", "--limit", "1")
    assert (len(first["items"]), first["has_more"]) == (1, True)
    second = page(cli, crew.admin, "--subject", "service", "--limit", "1", "--offset", "1")
    assert second["items"] == body["items"][1:]
    assert page(cli, crew.admin, "--action", "team:create")["items"] == []
    table = flat(ok(cli("audit", "list", "--action", "service:create", who=crew.admin)).stdout)
    assert "service:create" in table
    assert "checkout" in table


def test_local_and_remote_print_the_same_body(local: Run, remote: Run, crew: Crew) -> None:
    assert page(local, crew.admin, "--limit", "500") == page(remote, crew.admin, "--limit", "500")


def test_a_responder_may_not_read_the_log(cli: Run, crew: Crew) -> None:
    refused = cli("audit", "list", who=crew.grace)
    assert refused.exit_code == 1
    assert "admin role" in flat(refused.output)


def test_user_role_is_admin_only_and_audited(local: Run, crew: Crew) -> None:
    refused = local("user", "role", crew.outsider.user.email, "admin", who=crew.grace)
    assert refused.exit_code == 1
    assert "admin role" in flat(refused.output)
    changed = ok(local("user", "role", crew.grace.user.email, "admin", who=crew.admin))
    assert f"{crew.grace.user.email} is now admin" in changed.stdout
    [record] = page(local, crew.admin, "--action", "user:role_change")["items"]
    assert (record["subject_id"], record["actor_id"], record["changes"]) == (
        crew.grace.user.id,
        crew.admin.user.id,
        {"role": ["responder", "admin"]},
    )
    assert runner.invoke(app, ["user", "role", crew.grace.user.email, "boss"]).exit_code == 2


def test_the_first_admin_is_made_by_the_system(db_url: str) -> None:
    first = ["user", "create", "ada@example.com", "--name", "Ada", "--role", "admin"]
    ok(runner.invoke(app, first))
    ok(runner.invoke(app, ["user", "create", "bob@example.com", "--name", "Bob"]))
    body = json.loads(
        ok(runner.invoke(app, ["audit", "list", "--json", "--action", "user:create"])).stdout
    )
    made = {i["changes"]["email"][1]: i for i in body["items"]}
    assert made["ada@example.com"]["actor_id"] is None  # nobody could act yet
    assert made["bob@example.com"]["actor_name"] == "Ada"  # the first admin, by default


def test_local_tokens_for_someone_else_need_an_admin(local: Run, crew: Crew) -> None:
    other = crew.outsider.user.email
    refused = local("token", "create", "--user", other, "--name", "x", who=crew.grace)
    assert refused.exit_code == 1
    assert "admin role" in flat(refused.output)
    ok(local("token", "create", "--user", crew.grace.user.email, "--name", "mine", who=crew.grace))
    ok(local("token", "create", "--user", other, "--name", "theirs", who=crew.admin))
    made = page(local, crew.admin, "--action", "token:create", "--limit", "2")["items"]
    assert [(i["actor_id"], i["changes"]["name"][1]) for i in made] == [
        (crew.admin.user.id, "theirs"),
        (crew.grace.user.id, "mine"),
    ]


def test_the_log_by_who_made_the_change(cli: Run, crew: Crew) -> None:
    mine = page(cli, crew.admin, "--by", crew.admin.user.email, "--limit", "500")["items"]
    assert mine and {i["actor_id"] for i in mine} == {crew.admin.user.id}
    by_id = page(cli, crew.admin, "--by", str(crew.admin.user.id), "--limit", "500")["items"]
    assert by_id == mine
    system = page(cli, crew.admin, "--system", "--limit", "500")["items"]
    assert system and {i["actor_id"] for i in system} == {None}
    unknown = cli("audit", "list", "--by", "nobody@example.com", who=crew.admin)
    assert unknown.exit_code == 1 and "nobody@example.com" in flat(unknown.output)
    both = cli("audit", "list", "--by", "1", "--system", who=crew.admin)
    assert both.exit_code == 1 and "exclude each other" in flat(both.output)
