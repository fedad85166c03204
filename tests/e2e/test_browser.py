"""The web UI in a real browser: log in, declare, run the incident to resolved.

Headless Chromium (``/usr/bin/chromium``) drives a real uvicorn server on a SQLite file.
A screenshot of the incident page is left at ``/tmp/incident.png`` for a human to look at.
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import EMAIL, PASSWORD

SCREENSHOT = Path("/tmp/incident.png")

pytestmark = pytest.mark.browser


def log_in(page: Page) -> None:
    page.goto("/incidents")
    expect(page).to_have_url(re.compile(r"/login\?next=/incidents$"))
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".alert-error")).to_contain_text("Wrong e-mail or password")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/incidents$"))


def declare(page: Page) -> None:
    page.click("a.btn-declare")
    page.fill("input[name=title]", "Checkout returns 502 for some requests")
    page.fill("textarea[name=summary]", "About 8% of checkout requests fail at the edge.")
    page.select_option("select[name=severity]", label="SEV2 — Major")
    page.click("label.chip:has-text('checkout-api')")
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    expect(page.locator("#incident-header h1")).to_contain_text("Checkout returns 502")


def move_to(page: Page, status: str) -> None:
    """Use the status control; htmx swaps the header and the timeline in place."""
    page.select_option("#status-select", status)
    page.click("#incident-header button:has-text('Change status')")
    expect(page.locator("#incident-header .badges .status")).to_have_text(status.capitalize())


def test_declare_and_resolve_an_incident_in_the_browser(page: Page) -> None:
    log_in(page)
    declare(page)
    url = page.url

    page.fill("#note-text", "Edge logs show upstream resets from two pods.")
    page.check(".note-form input[name=pinned]")
    page.click(".note-form button[type=submit]")
    expect(page.locator("#timeline .entry.is-pinned")).to_contain_text("upstream resets")

    for status in ("fixing", "monitoring"):
        move_to(page, status)
    # The header does not resolve: a final status update does, saying what happened.
    expect(page.locator("#status-select option[value=resolved]")).to_have_count(0)
    expect(page.locator("#incident-header")).to_contain_text("To resolve, post a final")
    page.fill("#update-message", "Fixed: the two pods were replaced; checkout is healthy.")
    page.select_option("#updates select[name=status]", "resolved")
    page.click("#updates button[type=submit]")
    expect(page.locator("#incident-header .badges .status")).to_have_text("Resolved")
    # Now the first choice moves on; reopening is apart, never the default.
    expect(page.locator("#status-select optgroup").first).to_have_attribute("label", "Move on")
    expect(page.locator("#status-select")).to_have_value("documenting")
    entries = page.locator("#timeline .entry-status-changed .entry-title")
    expect(entries).to_have_text(
        [
            "Status changed from investigating to fixing",
            "Status changed from fixing to monitoring",
            "Status changed from monitoring to resolved",
        ]
    )
    # A page of its own, not only swapped fragments: the state really is stored, and the
    # worker has moved the resolved incident into the post-incident flow.
    documenting = "Status changed from resolved to documenting: the post-incident checklist"
    deadline = time.monotonic() + 15
    while True:
        page.goto(url)
        titles = page.locator("#timeline .entry-status-changed .entry-title").all_inner_texts()
        if len(titles) == 4 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(titles) == 4 and titles[-1].startswith(documenting), titles
    expect(page.locator("#post-incident")).to_contain_text("Write the post-mortem")
    expect(page.locator("#timestamps")).not_to_contain_text("Resolved —")

    # A service error shows inline in the part that asked, and the part stays in place.
    page.click("#timestamps summary")
    page.select_option("#timestamps select[name=name]", "declared_at")
    page.click("#timestamps button:has-text('Save')")
    expect(page.locator("#timestamps-error")).to_contain_text("declared at cannot be cleared")
    expect(page.locator("#timestamps dl.kv").first).to_be_visible()
    # The next action that works, in another part, clears it.
    page.fill("#note-text", "Resolved after the rollback.")
    page.click(".note-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("Resolved after the rollback.")
    expect(page.locator("#timestamps-error")).to_be_empty()

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
