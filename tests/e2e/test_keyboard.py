"""The web UI with the keyboard alone: where focus is after every step, and what is said.

Each flow is driven by key presses only (Tab, Enter, arrows and typing); after each step the
test asserts which element has focus and what the polite live region (#announcer) holds.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.e2e.browser import EMAIL, PASSWORD
from tests.factories import make_person
from tests.factories.oncall import ANCHOR, make_schedule

from watchkeep.auth.models import User
from watchkeep.core.db import Database

pytestmark = pytest.mark.browser

MAX_TABS = 60


def log_in(page: Page, path: str = "/") -> None:
    page.goto(path)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#content")).to_be_visible()


def focused(page: Page, script: str) -> object:
    """Evaluate ``script`` with ``el`` bound to the focused element."""
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def expect_focus(page: Page, selector: str) -> None:
    """The focused element matches ``selector`` (waits for the update that moves it)."""
    expect(page.locator(selector)).to_be_focused()


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until an element matching ``selector`` has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused(page, f"el.matches({selector!r})"):
            return
    pytest.fail(f"{selector} never received focus after {MAX_TABS} presses of {key}")


def expect_announced(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("#announcer")).to_have_text(text)


def declare_with_keys(page: Page, title: str) -> str:
    """From the dashboard: skip link, the Declare button, the form; returns the reference."""
    page.goto("/")
    page.keyboard.press("Tab")
    expect_focus(page, "a.skip-link")
    page.keyboard.press("Enter")
    expect_focus(page, "main#content")
    tab_to(page, "main a[href='/incidents/new']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/incidents/new$"))
    expect_focus(page, "input[name=title]")  # the form starts at its first field

    # A title of blanks passes the browser's own check but not the server's: the error is
    # tied to the field, which gets focus back.
    page.keyboard.type("   ")
    tab_to(page, "select[name=severity]")
    page.keyboard.press("ArrowDown")  # the first real severity
    tab_to(page, "input[name=title]", backwards=True)
    page.keyboard.press("Enter")
    title_input = page.locator("input[name=title]")
    expect(title_input).to_have_attribute("aria-invalid", "true")
    expect(title_input).to_have_attribute("aria-describedby", "declare-error-message")
    expect(page.locator("#declare-error-message")).to_contain_text("title must not be empty")
    expect_focus(page, "input[name=title]")

    page.keyboard.press("Control+A")
    page.keyboard.type(title)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    reference = page.url.rsplit("/", 1)[1]
    # The new page says what happened and starts at its heading.
    expect_focus(page, "#incident-header h1")
    expect_announced(page, re.compile(rf"^{reference} declared: SEV\d, investigating\.$"))
    expect(page.locator(".notice")).to_contain_text(f"{reference} declared")
    return reference


def test_declare_change_status_and_post_an_update_with_keys_only(server: str, page: Page) -> None:
    log_in(page)
    declare_with_keys(page, "Search times out for every query")
    # The notice is shown once: a reload does not bring it back.
    page.reload()
    expect(page.locator(".notice")).to_have_count(0)

    # Change status: the header is redrawn, focus stays on its button, the change is said,
    # and the next Tab goes on through the header instead of from the top of the page.
    page.locator("#incident-header h1").focus()
    tab_to(page, "#status-select")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#status-select").input_value()
    tab_to(page, "#incident-header button[type=submit]")
    expect(page.locator("#incident-header button[type=submit]").first).to_have_text("Change status")
    page.keyboard.press("Enter")
    expect(page.locator("#incident-header .badges .status")).to_have_text(chosen.capitalize())
    expect_announced(page, f"Status changed to {chosen.capitalize()}.")
    expect_focus(page, "#incident-header form[action$='/status'] button[type=submit]")
    page.keyboard.press("Tab")  # on through the header: the hint on resolving, then severity
    expect_focus(page, "#incident-header a[href='#update-message']")
    page.keyboard.press("Tab")
    expect_focus(page, "#severity-select")

    # Change severity: same rule for the "Set" button.
    page.keyboard.press("ArrowDown")
    severity = page.locator("#severity-select option:checked").inner_text()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect_announced(page, f"Severity set to {severity}.")
    expect_focus(page, "#incident-header form[action$='/severity'] button[type=submit]")

    # Post a status update from the updates panel.
    tab_to(page, "#updates textarea[name=message]")
    page.keyboard.type("We have found the slow index and are rebuilding it.")
    tab_to(page, "#updates button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#updates")).to_contain_text("rebuilding it")
    expect_announced(page, "Status update posted.")
    expect_focus(page, "#updates button[type=submit]")


def test_a_refresh_waits_while_focus_is_on_the_board(server: str, page: Page) -> None:
    page.clock.install()
    log_in(page)
    declare_with_keys(page, "Payments are slow")
    page.goto("/")
    tab_to(page, "#live-incidents a.ref")
    page.evaluate("document.activeElement.dataset.seen = 'yes'")

    page.clock.run_for(31_000)  # past the board's 30-second refresh
    expect(page.locator("#live-incidents")).to_have_attribute("data-wk-stale", "")
    assert focused(page, "el.dataset.seen === 'yes' && el.isConnected")

    # Leaving the board lets the refresh run at once; focus goes where the user sent it.
    tab_to(page, "main a[href='/incidents/new']", backwards=True)
    expect(page.locator("#live-incidents a.ref[data-seen]")).to_have_count(0)
    expect(page.locator("#live-incidents")).not_to_have_attribute("data-wk-stale", "")
    expect_focus(page, "main a[href='/incidents/new']")


def test_escape_closes_the_account_menu(server: str, page: Page) -> None:
    log_in(page)
    tab_to(page, "details.user-menu summary")
    page.keyboard.press("Enter")
    expect(page.locator("details.user-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect_focus(page, "details.user-menu a[href='/my-shifts']")
    page.keyboard.press("Escape")
    expect(page.locator("details.user-menu")).not_to_have_attribute("open", "")
    expect_focus(page, "details.user-menu summary")


@pytest.fixture
def schedule_id(server: str, tmp_path: Path) -> Iterator[int]:
    """A schedule with the logged-in responder on its rotation (so they may override it)."""
    db = Database(f"sqlite:///{tmp_path / 'watchkeep.db'}")
    with db.session() as session:
        grace = session.scalars(select(User).where(User.email == EMAIL)).one()
        admin = make_person(session, "admin", "Ada Admin")
        layer = {
            "users": [grace.id, admin.user.id],
            "anchor": ANCHOR,
            "handovers": [{"interval": 1, "unit": "daily"}],
        }
        schedule = make_schedule(session, admin, layer, name="Search primary")
        session.commit()
        yield schedule.id
    db.dispose()


def test_add_an_override_with_keys_only(server: str, page: Page, schedule_id: int) -> None:
    log_in(page, f"/schedules/{schedule_id}")
    tab_to(page, "#override-form select[name=user]")
    tab_to(page, "#override-form input[name=note]")
    page.keyboard.type("Covering for a dentist appointment")
    page.keyboard.press("Enter")
    expect(page.locator("#schedule-overrides")).to_contain_text("dentist appointment")
    expect_announced(page, re.compile(r"^Override added: Grace Hopper on call .+ to .+\.$"))
    expect_focus(page, "#override-form input[name=note]")

    # Moving the drawing keeps focus on the button that moved it, and says what is shown.
    tab_to(page, "#tl-later", backwards=True)
    page.keyboard.press("Enter")
    expect_announced(page, re.compile(r"^Showing \d\d \w{3} to \d\d \w{3} \d{4}, Europe/London\.$"))
    expect_focus(page, "#tl-later")
