"""Administration in a real browser: an admin creates a user, changes their role and
deactivates them, and the deactivated user can no longer log in; an admin creates a team
and a service it owns."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.e2e.browser import EMAIL, PASSWORD

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.core.db import Database

pytestmark = pytest.mark.browser

NEW_EMAIL = "linus@example.com"
NEW_PASSWORD = "penguins all the way"


def make_admin(tmp_path: Path) -> None:
    """The server's one user (a responder) becomes an admin, as the CLI would make them."""
    db = Database(f"sqlite:///{tmp_path / 'watchkeep.db'}")
    with db.session() as session:
        session.scalars(select(User).where(User.email == EMAIL)).one().role = "admin"
    db.dispose()


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")


def test_an_admin_creates_promotes_and_deactivates_a_user(page: Page, tmp_path: Path) -> None:
    make_admin(tmp_path)
    log_in(page, EMAIL, PASSWORD)
    page.click("nav.nav a:has-text('Admin')")
    expect(page).to_have_url(f"{page.url.split('/admin')[0]}/admin/users")
    expect(page.locator("h1")).to_have_text("Users")

    form = page.locator("#new-user")
    form.locator("input[name=name]").fill("Linus Torvalds")
    form.locator("input[name=email]").fill(NEW_EMAIL)
    form.locator("select[name=role]").select_option("responder")
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("button[type=submit]").click()
    row = page.locator("tr", has_text=NEW_EMAIL)
    expect(row).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("Created Linus Torvalds (responder).")

    row.locator("select[name=role]").select_option("viewer")
    row.locator("button:has-text('Change')").click()
    expect(page.locator("#announcer")).to_have_text("Linus Torvalds is now viewer.")
    expect(page.locator("tr", has_text=NEW_EMAIL).locator("select[name=role]")).to_have_value(
        "viewer"
    )

    page.locator("tr", has_text=NEW_EMAIL).locator("button:has-text('Deactivate')").click()
    expect(page.locator("#announcer")).to_have_text(
        "Linus Torvalds is deactivated and cannot log in."
    )
    expect(page.locator("tr", has_text=NEW_EMAIL).locator(".tag")).to_have_text("Deactivated")

    page.locator("details.user-menu summary").click()
    page.click("button:has-text('Log out')")
    expect(page).to_have_url(f"{page.url.split('/login')[0]}/login")
    log_in(page, NEW_EMAIL, NEW_PASSWORD)
    expect(page.locator(".alert-error")).to_contain_text("Wrong e-mail or password")
    expect(page).to_have_url(f"{page.url.split('/login')[0]}/login")


def test_a_user_makes_a_token_on_their_profile_and_uses_it(page: Page) -> None:
    log_in(page, EMAIL, PASSWORD)
    page.locator("details.user-menu summary").click()
    page.click("a:has-text('Profile and API tokens')")
    expect(page.locator("h1")).to_have_text("Your profile")

    page.locator("select[name=timezone]").select_option("Europe/Paris")
    page.click("button:has-text('Save profile')")
    expect(page.locator(".notice")).to_contain_text("Profile saved.")
    expect(page.locator("select[name=timezone]")).to_have_value("Europe/Paris")

    page.locator("#new-token input[name=name]").fill("laptop")
    page.locator("#new-token button[type=submit]").click()
    secret = page.locator("#token-secret")
    expect(secret).to_be_visible()
    expect(page.locator("#announcer")).to_contain_text("shown only once")
    page.click("button:has-text('Copy the secret')")
    expect(page.locator("#announcer")).to_contain_text(
        re.compile(r"Copied\.|Selected; copy it with your keyboard\.")
    )
    value = secret.input_value()
    me = page.request.get("/api/v1/users/me", headers={"Authorization": f"Bearer {value}"})
    assert me.status == 200 and me.json()["email"] == EMAIL

    page.locator("#tokens tr", has_text="laptop").locator("button:has-text('Revoke')").click()
    expect(page.locator("#announcer")).to_have_text("Token “laptop” revoked.")
    again = page.request.get("/api/v1/users/me", headers={"Authorization": f"Bearer {value}"})
    assert again.status == 401


def test_an_admin_creates_a_team_and_a_service_it_owns(page: Page, tmp_path: Path) -> None:
    make_admin(tmp_path)
    log_in(page, EMAIL, PASSWORD)
    page.goto("/admin/users")
    page.click("nav.tabs a:has-text('Teams')")
    expect(page.locator("h1")).to_have_text("Teams")
    form = page.locator("#new-team")
    form.locator("input[name=name]").fill("Edge")
    form.get_by_role("group", name="Members").get_by_label("Grace Hopper").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#announcer")).to_have_text("Team Edge created.")
    expect(page.locator("#teams tr", has_text="Edge")).to_be_visible()

    page.click("nav.tabs a:has-text('Services')")
    expect(page.locator("h1")).to_have_text("Services")
    form = page.locator("#new-service")
    form.locator("input[name=name]").fill("gateway")
    form.locator("select[name=owner_team_id]").select_option(label="Edge")
    form.locator("button[type=submit]").click()
    expect(page.locator("#announcer")).to_have_text("Service gateway created.")
    # The row whose name is gateway (every row's edit form lists the others as dependencies).
    row = page.locator("#services tr", has=page.locator("td:first-child", has_text="gateway"))
    expect(row).to_contain_text("Edge")
    db = Database(f"sqlite:///{tmp_path / 'watchkeep.db'}")
    with db.session() as session:
        stored = session.scalars(select(Service).where(Service.name == "gateway")).one()
        assert stored.owner_team is not None and stored.owner_team.name == "Edge"
        assert [u.email for u in stored.owner_team.members] == [EMAIL]
    db.dispose()
