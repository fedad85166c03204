"""The users admin page: admins only; create, change role, deactivate, reactivate, set a
password; each action says what it did and refusals land in the page's error slot."""

import json
import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import PASSWORD, Person, make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.auth.models import AuditRecord, User


def announcement(response: object) -> str:
    header = response.headers["HX-Trigger"]  # type: ignore[attr-defined]
    text: str = json.loads(header)["wk-announce"]
    return text


def stored_user(session: Session, email: str) -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_only_admins_reach_the_admin_pages(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, alice)
    assert client.get("/admin/users", headers=HTML).status_code == 403
    assert client.get("/admin", headers=HTML).status_code == 403
    refused = client.post(
        "/admin/users",
        data={"name": "Eve", "email": "eve@example.com", "csrf_token": token},
        headers=HTML,
    )
    assert refused.status_code == 403
    assert stored_user(session, "eve@example.com") is None
    assert 'href="/admin/users"' not in client.get("/", headers=HTML).text
    log_in(client, admin)
    home = client.get("/", headers=HTML).text
    assert 'href="/admin/users"' in home and ">Admin</a>" in home
    index = client.get("/admin", headers=HTML, follow_redirects=False)
    assert index.status_code == 303 and index.headers["location"] == "/admin/users"
    page = client.get("/admin/users", headers=HTML)
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Alice Lead" in text and alice.user.email in text
    assert 'aria-current="page">Users' in text
    # Nobody deactivates themselves: there is no such button on their own row.
    assert f'id="deactivate-{admin.user.id}"' not in text
    assert f'id="deactivate-{alice.user.id}"' in text
    # Their own password is changed on their profile (with the current one).
    assert f'id="password-{admin.user.id}"' not in text
    assert f'id="password-{alice.user.id}"' in text


def test_a_browser_without_a_session_goes_to_the_login_page(client: TestClient) -> None:
    response = client.get("/admin/users", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users"


def test_an_admin_creates_a_user_with_a_generated_password(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    created = client.post(
        "/admin/users",
        data={"name": "Nina New", "email": "nina@example.com", "role": "viewer"},
        headers=hx(token, "users"),
    )
    assert created.status_code == 200, created.text
    assert announcement(created).startswith("Created Nina New (viewer).")
    shown = re.search(r'id="generated-password"[^>]*value="([^"]+)"', created.text)
    assert shown, "the generated password is shown"
    user = stored_user(session, "nina@example.com")
    assert user is not None and user.role == "viewer" and user.password_hash
    # The password works, and it is shown only on that answer.
    assert shown.group(1) not in client.get("/admin/users", headers=HTML).text
    client.post("/logout", data={"csrf_token": token})
    login = client.post(
        "/login",
        data={"email": "nina@example.com", "password": shown.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert login.status_code == 303


def test_a_plain_form_post_creates_a_user_with_the_given_password(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    created = client.post(
        "/admin/users",
        data={
            "name": "Otto",
            "email": "otto@example.com",
            "role": "responder",
            "password": PASSWORD,
            "csrf_token": token,
        },
        headers=HTML,
    )
    assert created.status_code == 200
    assert 'id="generated-password"' not in created.text
    assert "Otto" in created.text


def test_bad_new_users_are_refused_in_the_error_slot(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    cases = [
        ({"name": "X", "email": "not-an-address"}, 422, "email"),
        ({"name": " ", "email": "x@example.com"}, 422, "name"),
        ({"name": "X", "email": "x@example.com", "role": "owner"}, 422, "role"),
        ({"name": "X", "email": "x@example.com", "password": "short"}, 422, "password"),
        ({"name": "X", "email": admin.user.email}, 409, "email"),
        ({"name": "X" * 201, "email": "x@example.com"}, 422, "name"),
    ]
    for data, status, field in cases:
        refused = client.post("/admin/users", data=data, headers=hx(token, "users"))
        assert refused.status_code == status, (data, refused.text)
        assert 'hx-swap-oob="innerHTML:#users-error"' in refused.text
        assert f'data-error-for="{field}"' in refused.text, data
    assert stored_user(session, "x@example.com") is None


def test_role_deactivate_reactivate_and_password(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    base = f"/admin/users/{alice.user.id}"

    changed = client.post(f"{base}/role", data={"role": "viewer"}, headers=hx(token, "users"))
    assert changed.status_code == 200
    assert announcement(changed) == "Alice Lead is now viewer."
    assert stored_user(session, alice.user.email).role == "viewer"  # type: ignore[union-attr]

    off = client.post(f"{base}/deactivate", headers=hx(token, "users"))
    assert off.status_code == 200
    assert announcement(off) == "Alice Lead is deactivated and cannot log in."
    assert "Deactivated" in off.text and f'id="reactivate-{alice.user.id}"' in off.text
    assert not stored_user(session, alice.user.email).is_active  # type: ignore[union-attr]
    # Her API token stops working.
    assert client.get("/api/v1/users/me", headers=alice.headers).status_code == 401

    on = client.post(f"{base}/reactivate", headers=hx(token, "users"))
    assert announcement(on) == "Alice Lead is active again."
    assert stored_user(session, alice.user.email).is_active  # type: ignore[union-attr]

    reset = client.post(
        f"{base}/password", data={"password": "a brand new one"}, headers=hx(token, "users")
    )
    assert reset.status_code == 200
    assert announcement(reset) == "Password of Alice Lead set; they must log in again."
    short = client.post(f"{base}/password", data={"password": "short"}, headers=hx(token, "users"))
    assert short.status_code == 422 and 'data-error-for="password"' in short.text
    actions = session.scalars(
        select(AuditRecord.action).where(
            AuditRecord.subject_type == "user", AuditRecord.subject_id == alice.user.id
        )
    ).all()
    assert {"user:role_change", "user:deactivate", "user:reactivate", "user:set_password"} <= set(
        actions
    )


def test_an_admin_cannot_deactivate_themselves(client: TestClient, session: Session) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    refused = client.post(f"/admin/users/{admin.user.id}/deactivate", headers=hx(token, "users"))
    assert refused.status_code == 409
    assert "cannot deactivate yourself" in refused.text
    assert 'hx-swap-oob="innerHTML:#users-error"' in refused.text


def test_a_plain_form_post_goes_back_to_the_page_with_a_notice(
    client: TestClient, session: Session, alice: Person
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    done = client.post(
        f"/admin/users/{alice.user.id}/deactivate",
        data={"csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"
    page = client.get("/admin/users", headers=HTML)
    assert "Alice Lead is deactivated and cannot log in." in unescape(page.text)


def test_actions_need_the_csrf_token(client: TestClient, session: Session, alice: Person) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    log_in(client, admin)
    forged = client.post(f"/admin/users/{alice.user.id}/deactivate", headers=HTML)
    assert forged.status_code == 403
    assert stored_user(session, alice.user.email).is_active  # type: ignore[union-attr]
