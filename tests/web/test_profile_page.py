"""Your profile: name and time zone, your password, your API tokens; /settings and /tokens
lead there."""

import json
import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, Person, make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.auth.models import ApiToken, User


def announcement(response: object) -> str:
    text: str = json.loads(response.headers["HX-Trigger"])["wk-announce"]  # type: ignore[attr-defined]
    return text


def stored(session: Session, user_id: int) -> User:
    session.expire_all()
    user = session.get(User, user_id)
    assert user is not None
    return user


def test_the_profile_is_every_users(client: TestClient, session: Session) -> None:
    viewer = make_person(session, "viewer", "Vic Viewer")
    session.commit()
    log_in(client, viewer)
    page = client.get("/profile", headers=HTML)
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Your profile" in text and viewer.user.email in text
    assert '<option value="Europe/Paris"' in text and '<optgroup label="Europe">' in text
    assert 'href="/profile"' in text  # the account menu links it
    for old, target in (("/settings", "/profile"), ("/tokens", "/profile#tokens")):
        moved = client.get(old, headers=HTML, follow_redirects=False)
        assert moved.status_code == 303 and moved.headers["location"] == target


def test_a_browser_without_a_session_goes_to_the_login_page(client: TestClient) -> None:
    response = client.get("/profile", headers=HTML, follow_redirects=False)
    assert response.headers["location"] == "/login?next=/profile"


def test_saving_the_name_and_time_zone(client: TestClient, session: Session, alice: Person) -> None:
    token = log_in(client, alice)
    saved = client.post(
        "/profile",
        data={"name": "Alice Liddell", "timezone": "Europe/Paris"},
        headers=hx(token, "profile-form"),
    )
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == "/profile"
    user = stored(session, alice.user.id)
    assert (user.name, user.timezone) == ("Alice Liddell", "Europe/Paris")
    page = unescape(client.get("/profile", headers=HTML).text)
    assert "Profile saved." in page
    assert '<option value="Europe/Paris" selected>' in page
    for data, field in (
        ({"name": "Alice", "timezone": "Mars/Base"}, "timezone"),
        ({"name": "  ", "timezone": "UTC"}, "name"),
    ):
        refused = client.post("/profile", data=data, headers=hx(token, "profile-form"))
        assert refused.status_code == 422
        assert 'hx-swap-oob="innerHTML:#profile-form-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text
    assert stored(session, alice.user.id).timezone == "Europe/Paris"


def test_changing_the_password_keeps_this_session_only(
    client: TestClient, session: Session, alice: Person
) -> None:
    other = TestClient(client.app)
    log_in(other, alice)
    token = log_in(client, alice)
    wrong = client.post(
        "/profile/password",
        data={"current_password": "not it", "new_password": "a new password"},
        headers=hx(token, "password-form"),
    )
    assert wrong.status_code == 422 and 'data-error-for="current_password"' in wrong.text
    short = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "new_password": "short"},
        headers=hx(token, "password-form"),
    )
    assert short.status_code == 422 and 'data-error-for="new_password"' in short.text
    done = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "new_password": "a new password"},
        headers=hx(token, "password-form"),
    )
    assert done.status_code == 204
    assert client.get("/profile", headers=HTML).status_code == 200  # still logged in here
    elsewhere = other.get("/profile", headers=HTML, follow_redirects=False)
    assert elsewhere.status_code == 303 and elsewhere.headers["location"].startswith("/login")


def test_tokens_are_created_shown_once_and_revoked(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    made = client.post(
        "/profile/tokens", data={"name": "laptop", "role": "viewer"}, headers=hx(token, "tokens")
    )
    assert made.status_code == 200, made.text
    assert "shown only once" in announcement(made)
    secret = re.search(r'id="token-secret"[^>]*value="([^"]+)"', made.text)
    assert secret
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert me.status_code == 200
    assert secret.group(1) not in client.get("/profile", headers=HTML).text
    stored_token = session.scalars(
        select(ApiToken).where(ApiToken.user_id == alice.user.id, ApiToken.name == "laptop")
    ).one()
    assert stored_token.role == "viewer"
    revoked = client.post(f"/profile/tokens/{stored_token.id}/revoke", headers=hx(token, "tokens"))
    assert announcement(revoked) == "Token “laptop” revoked."
    assert "Revoked" in revoked.text
    again = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert again.status_code == 401


def test_bad_tokens_and_other_peoples_tokens(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, alice)
    for data, field in (({"name": " "}, "name"), ({"name": "x", "role": "owner"}, "role")):
        refused = client.post("/profile/tokens", data=data, headers=hx(token, "tokens"))
        assert refused.status_code == 422
        assert 'hx-swap-oob="innerHTML:#tokens-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text
    # An admin's profile revokes only their own tokens.
    token = log_in(client, admin)
    theirs = session.scalars(select(ApiToken).where(ApiToken.user_id == alice.user.id)).first()
    assert theirs is not None
    refused = client.post(f"/profile/tokens/{theirs.id}/revoke", headers=hx(token, "tokens"))
    assert refused.status_code == 404
    session.expire_all()
    assert session.get(ApiToken, theirs.id).revoked_at is None  # type: ignore[union-attr]


def test_a_plain_form_post_shows_the_secret_on_the_page(
    client: TestClient, session: Session, alice: Person
) -> None:
    token = log_in(client, alice)
    made = client.post("/profile/tokens", data={"name": "ci", "csrf_token": token}, headers=HTML)
    assert made.status_code == 200
    assert 'id="token-secret"' in made.text and "Your profile" in made.text
