"""The web UI on a phone (390 by 844 px): the header fits, every page link is reachable from the
"Menu" disclosure with the keyboard, and no page scrolls sideways; forms keep a checkbox
beside its label."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from tests.e2e.browser import EMAIL, PASSWORD

from watchkeep.auth.models import User
from watchkeep.core.db import Database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LINKS = (
    "Dashboard",
    "Incidents",
    "Alerts",
    "Problems",
    "Known errors",
    "Follow-ups",
    "Schedules",
)
PAGES = (
    "/",
    "/incidents",
    "/incidents/new",
    "/alerts",
    "/silences",
    "/problems",
    "/known-errors",
    "/follow-ups",
)


def log_in(page: Page) -> None:
    page.goto("/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#content")).to_be_visible()


def overflow(page: Page) -> int:
    """How far the page reaches past the viewport's right edge, in CSS pixels."""
    scroll: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return scroll


def declare(page: Page) -> str:
    page.goto("/incidents/new")
    page.fill("input[name=title]", "Checkout returns 502 for some requests on the phone app")
    page.select_option("select[name=severity]", label="SEV2 — Major")
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    return page.url


def test_on_a_phone_the_menu_holds_every_link_and_nothing_scrolls_sideways(page: Page) -> None:
    page.set_viewport_size(PHONE)
    log_in(page)
    incident = declare(page)
    for path in (*PAGES, incident):
        page.goto(path)
        assert overflow(page) <= 0, f"{path} scrolls sideways by {overflow(page)} px"
        expect(page.locator("header .topbar-inner")).to_be_visible()
        assert page.evaluate(
            "document.querySelector('.topbar').scrollWidth <= window.innerWidth"
        ), f"the header of {path} is wider than the screen"

    # The bar's links give way to a menu button; the keyboard opens it and reaches each link.
    page.goto("/")
    expect(page.locator("nav.nav")).to_be_hidden()
    summary = page.locator("details.nav-menu summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_accessible_name("Menu")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('details.nav-menu summary')"):
            break
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_count(1)  # one main navigation at a time
    for name in LINKS:
        link = menu.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(menu.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Dashboard")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("details.nav-menu")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    # Following a link from the menu.
    summary.click()
    menu.get_by_role("link", name="Follow-ups").click()
    expect(page).to_have_url(re.compile(r"/follow-ups$"))
    page.locator("details.nav-menu summary").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-ups")
    ).to_have_attribute("aria-current", "page")
    page.mouse.click(200, 800)  # a click elsewhere closes it
    expect(page.locator("details.nav-menu")).not_to_have_attribute("open", "")


def test_on_a_wide_screen_the_links_stay_in_the_bar(page: Page) -> None:
    log_in(page)
    expect(page.locator("details.nav-menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_have_count(1)
    for name in LINKS:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_private_checkbox_sits_beside_its_label(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page)
    page.goto("/incidents/new")
    box = page.locator("input[name=private]").bounding_box()
    text = page.locator("label.check:has(input[name=private]) span").bounding_box()
    assert box is not None and text is not None
    assert box["width"] <= 20
    assert box["x"] + box["width"] <= text["x"], "the checkbox is not left of its label"
    assert text["y"] <= box["y"] + box["height"] / 2 <= text["y"] + text["height"], (
        "the checkbox is not on the label's line"
    )


@pytest.mark.parametrize("role", ["responder", "admin"])
def test_the_header_never_overflows_between_phone_and_desktop(
    page: Page, tmp_path: Path, role: str
) -> None:
    """Admins have one more link (Admin): their bar gives way sooner."""
    if role == "admin":
        db = Database(f"sqlite:///{tmp_path / 'watchkeep.db'}")
        with db.session() as session:
            session.scalars(select(User).where(User.email == EMAIL)).one().role = "admin"
        db.dispose()
    log_in(page)
    for width in (1366, 1200, 1100, 1024, 900, 721, 720, 600, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/follow-ups")
        assert overflow(page) <= 0, f"{width} px: the page scrolls sideways by {overflow(page)}"
        bar = page.evaluate(
            "(() => { const b = document.querySelector('.topbar-inner');"
            " return b.scrollWidth - b.clientWidth; })()"
        )
        assert bar <= 0, f"{width} px: the header is {bar} px too wide"
        links, menu = page.locator("nav.nav"), page.locator("details.nav-menu")
        assert links.is_visible() != menu.is_visible(), f"{width} px: links or menu, not both"
