"""``watchkeep user`` and ``watchkeep token`` on a real SQLite file, checked through the API.

``db_url`` and ``server`` come from tests/cli/conftest.py.
"""

import json
from collections.abc import Iterator

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from tests.factories import Person, make_person
from typer.testing import CliRunner

from watchkeep.app.factory import create_app
from watchkeep.auth import service as auth
from watchkeep.cli import user as user_cli
from watchkeep.cli.main import app
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings, get_settings

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def invoke(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def api(db_url: str) -> Iterator[TestClient]:
    """The API on the same database, to check what the CLI stored."""
    web_app = create_app(Settings(database_url=db_url))
    with TestClient(web_app) as client:
        yield client
    web_app.state.db.dispose()


@pytest.fixture
def admin(db_url: str) -> Person:
    db = Database(db_url)
    with db.session() as session:
        person = make_person(session, role="admin", name="Ada Admin")
    db.dispose()
    return person


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_create_the_first_admin_and_list_users(db_url: str, api: TestClient) -> None:
    created = ok(
        invoke("user", "create", "ada@example.com", "--name", "Ada", "--role", "admin",
               "--password", "long enough")
    )  # fmt: skip
    assert "created user 1: ada@example.com (admin)" in created.stdout
    ok(invoke("user", "create", "bob@example.com", "--name", "Bob"))
    secret = ok(invoke("token", "create", "--user", "ada@example.com", "--name", "t")).stdout

    listed = json.loads(ok(invoke("user", "list", "--json")).stdout)
    from_api = api.get("/api/v1/users", headers=bearer(secret.strip())).json()
    assert listed == from_api
    assert [(u["email"], u["role"]) for u in listed] == [
        ("ada@example.com", "admin"),
        ("bob@example.com", "responder"),
    ]
    assert "bob@example.com" in ok(invoke("user", "list")).stdout
    login = api.post(
        "/login",
        data={"email": "ada@example.com", "password": "long enough"},
        follow_redirects=False,
    )
    assert login.status_code < 400


def test_user_create_refuses_bad_input(db_url: str) -> None:
    ok(invoke("user", "create", "ada@example.com", "--name", "Ada"))
    duplicate = invoke("user", "create", "ADA@example.com", "--name", "Ada again")
    assert duplicate.exit_code == 1
    assert "a user with e-mail ADA@example.com already exists" in flat(duplicate.output)
    short = invoke("user", "create", "b@example.com", "--name", "B", "--password", "short")
    assert short.exit_code == 1
    assert "at least 8 characters" in flat(short.output)
    assert invoke("user", "create", "c@example.com", "--name", "C", "--role", "boss").exit_code == 2


def test_password_is_prompted_for_on_a_terminal(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(user_cli, "stdin_is_terminal", lambda: True)
    result = invoke(
        "user", "create", "ada@example.com", "--name", "Ada", stdin="s3cret-pass\ns3cret-pass\n"
    )
    ok(result)
    assert "s3cret-pass" not in result.output
    db = Database(db_url)
    with db.session() as session:
        assert auth.authenticate(session, email="ada@example.com", password="s3cret-pass")
    db.dispose()


def test_without_a_terminal_no_password_is_asked_or_set(db_url: str) -> None:
    ok(invoke("user", "create", "bot@example.com", "--name", "Bot"))
    db = Database(db_url)
    with db.session() as session:
        assert auth.get_user_by_ref(session, ref="bot@example.com").password_hash is None
    db.dispose()


def test_token_create_prints_the_secret_once_and_it_works(admin: Person, api: TestClient) -> None:
    result = ok(invoke("token", "create", "--user", admin.user.email, "--name", "laptop"))
    secret = result.stdout.strip()
    assert secret.startswith("wk_")
    assert "not shown again" in flat(result.stderr)
    me = api.get("/api/v1/users/me", headers=bearer(secret))
    assert me.json()["email"] == admin.user.email

    limited = json.loads(
        ok(
            invoke("token", "create", "--user", admin.user.email, "--name", "ro", "--role",
                   "viewer", "--json")
        ).stdout
    )  # fmt: skip
    assert limited["role"] == "viewer"
    assert limited["token"].startswith("wk_")
    assert set(limited) == {
        "id", "user_id", "name", "role", "prefix", "created_at", "last_used_at", "revoked_at",
        "token",
    }  # fmt: skip

    missing_user = invoke("token", "create", "--name", "x")
    assert missing_user.exit_code == 1
    assert "--user EMAIL is required" in flat(missing_user.output)


def test_token_list_matches_the_api_and_revoke_locks_out(admin: Person, api: TestClient) -> None:
    db = Database(str(get_settings().database_url))
    with db.session() as session:
        other = make_person(session, name="Grace")
    db.dispose()

    api.get("/api/v1/tokens", headers=admin.headers)  # notes the token's use once it answered
    from_api = api.get("/api/v1/tokens", headers=admin.headers).json()
    assert [token["last_used_at"] is not None for token in from_api] == [True, False]
    listed = json.loads(ok(invoke("token", "list", "--json")).stdout)
    assert listed == from_api
    assert len(listed) == 2
    mine = json.loads(ok(invoke("token", "list", "--user", other.user.email, "--json")).stdout)
    assert [t["user_id"] for t in mine] == [other.user.id]
    assert "Grace" not in ok(invoke("token", "list")).stdout  # the table shows e-mails

    revoked = ok(invoke("token", "revoke", str(mine[0]["id"])))
    assert f"token {mine[0]['id']}" in revoked.stdout
    assert api.get("/api/v1/users/me", headers=other.headers).status_code == 401
    unknown = invoke("token", "revoke", "999")
    assert unknown.exit_code == 1
    assert "token 999 does not exist" in flat(unknown.output)


def test_token_revoke_as_a_non_admin_only_reaches_own_tokens(admin: Person) -> None:
    db = Database(str(get_settings().database_url))
    with db.session() as session:
        grace = make_person(session, name="Grace")
    db.dispose()
    admin_token = json.loads(ok(invoke("token", "list", "--json")).stdout)[0]["id"]
    refused = invoke("token", "revoke", str(admin_token), "--as", grace.user.email)
    assert refused.exit_code == 1
    assert "does not exist" in flat(refused.output)


def test_token_create_against_a_server_is_for_yourself(admin: Person, server: str) -> None:
    remote = ("--url", server, "--token", admin.token)
    created = json.loads(ok(invoke("token", "create", "--name", "ci", *remote, "--json")).stdout)
    assert created["user_id"] == admin.user.id
    assert created["name"] == "ci"
    named_self = ok(invoke("token", "create", "--name", "ci2", "--user", admin.user.email, *remote))
    assert named_self.stdout.strip().startswith("wk_")

    someone_else = invoke("token", "create", "--name", "x", "--user", "b@example.com", *remote)
    assert someone_else.exit_code == 1
    assert "only for yourself" in flat(someone_else.output)
    bad_token = invoke("token", "create", "--name", "x", "--url", server, "--token", "wk_bad")
    assert bad_token.exit_code == 1
    assert "the API token is unknown or revoked" in flat(bad_token.output)
