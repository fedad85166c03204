"""Problem management in a real browser: raise a problem from an incident, record a known
error, and see it matched on a new incident.

Headless Chromium (``/usr/bin/chromium``) drives a real uvicorn server on a SQLite file, with
a job worker running next to it in the same process: known-error matching is a job that
runs after the incident is stored. Screenshots of the problem page, the known-error database
and the matching incident are left in ``/tmp`` for a human to look at.
"""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import EMAIL, PASSWORD

SHOTS = {
    "problem": Path("/tmp/problem.png"),
    "known_errors": Path("/tmp/known-errors.png"),
    "incident": Path("/tmp/incident-known-error.png"),
}
MATCH_WAIT_SECONDS = 10

pytestmark = pytest.mark.browser


def log_in(page: Page) -> None:
    page.goto("/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("nav.nav a[href='/problems']")).to_be_visible()


def declare(page: Page, title: str, summary: str = "") -> str:
    """Declare an incident on the orders service; returns its page's URL."""
    page.click("a.btn-declare")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=summary]", summary)
    page.select_option("select[name=severity]", label="SEV2 — Major")
    page.click("label.chip:has-text('orders')")
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    expect(page.locator("#incident-header h1")).to_contain_text(title)
    return page.url


def move_to(page: Page, state: str, label: str) -> None:
    page.select_option("#state-select", state)
    page.click("#problem-header button:has-text('Change state')")
    expect(page.locator("#problem-header .pstate")).to_have_text(label)


def wait_for_known_error(page: Page, url: str) -> None:
    """The banner arrives once the worker has matched the incident: the page asks for it
    every few seconds by itself; reload too, in case the browser missed it."""
    banner = page.locator("#known-error-matches .ke-banner")
    deadline = time.monotonic() + MATCH_WAIT_SECONDS
    while True:
        try:
            expect(banner).to_be_visible(timeout=2_500)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.goto(url)


def test_raise_a_problem_record_a_known_error_and_see_it_matched(page: Page) -> None:
    log_in(page)
    first = declare(
        page,
        "Kafka consumer group stuck, orders backlog growing",
        "Orders are not being processed; the backlog grows by 2k a minute.",
    )
    page.click("#problems button:has-text('Raise problem')")
    expect(page).to_have_url(re.compile(r"/problems/PRB-\d+$"))
    expect(page.locator("#problem-header h1")).to_contain_text("Kafka consumer group stuck")
    expect(page.locator("#linked-incidents")).to_contain_text("raised from the incident")
    problem_url = page.url

    # The state control offers only the states allowed next; a refused move shows inline.
    move_to(page, "investigating", "Investigating")
    page.select_option("#state-select", "root_cause_identified")
    page.click("#problem-header button:has-text('Change state')")
    expect(page.locator("#problem-header-error")).to_contain_text("root-cause statement")
    expect(page.locator("#problem-header .pstate")).to_have_text("Investigating")

    # Root-cause analysis: two whys (one row added in the browser), a factor, the statement.
    whys = page.locator("#whys")
    whys.locator("input[name=question]").nth(0).fill("Why was the backlog growing?")
    whys.locator("textarea[name=answer]").nth(0).fill("The consumer group stopped consuming")
    whys.locator("button:has-text('Add a why')").click()
    whys.locator("input[name=question]").nth(1).fill("Why did it stop?")
    whys.locator("textarea[name=answer]").nth(1).fill("A rebalance never finished")
    whys.locator("button:has-text('Save chain')").click()
    expect(page.locator("#whys .why-chain li")).to_have_count(2)
    expect(page.locator("#problem-timeline")).to_contain_text("5-whys chain edited (2 steps)")

    page.fill("#factors textarea[name=description]", "Session timeout shorter than a slow poll")
    page.select_option("#factors select[name=category]", "technology")
    page.click("#factors button:has-text('Add')")
    expect(page.locator("#factors .factor")).to_contain_text("Session timeout")

    page.fill("#root-cause-text", "Offsets are committed after a slow downstream call.")
    page.click("#root-cause button:has-text('Save statement')")
    expect(page.locator("#root-cause .root-cause")).to_contain_text("Offsets are committed")
    move_to(page, "root_cause_identified", "Root cause identified")

    page.fill("#actions input[name=title]", "Alert when consumer lag grows for 5 minutes")
    page.select_option("#actions select[name=action_type]", "detective")
    page.click("#actions button:has-text('Add')")
    expect(page.locator("#actions .follow-up")).to_contain_text("detective")

    # Record the known error.
    page.click("#known-errors summary:has-text('Record a known error')")
    form = page.locator("#known-errors form")
    form.locator("input[name=title]").fill("Orders consumer group stuck")
    form.locator("textarea[name=symptoms]").fill(
        "consumer group stuck, lag growing on orders topic"
    )
    form.locator("textarea[name=workaround]").fill(
        "Restart the consumer group\nCheck that the lag drains"
    )
    form.locator("select[name=fix_status]").select_option("planned")
    form.locator("button:has-text('Record known error')").click()
    expect(page.locator("#known-errors .ke-card")).to_contain_text("Restart the consumer group")
    move_to(page, "known_error", "Known error")
    page.goto(problem_url)
    expect(page.locator("#impact")).to_contain_text("Incidents")
    page.screenshot(path=str(SHOTS["problem"]), full_page=True)

    # A new incident that looks like it shows the workaround.
    second = declare(page, "Orders backlog: consumer lag growing, consumer group stuck")
    assert second != first
    wait_for_known_error(page, second)
    banner = page.locator("#known-error-matches .ke-banner").first
    expect(banner).to_contain_text("Orders consumer group stuck")
    expect(banner).to_contain_text("Restart the consumer group")
    expect(page.locator("#similar h2")).to_have_text("Similar incidents")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS["incident"]), full_page=True)

    page.click("nav.nav a[href='/known-errors']")
    page.fill("input[name=q]", "lag growing")
    expect(page.locator("#ke-results .ke-card")).to_have_count(1)
    expect(page.locator("#ke-results")).to_contain_text("Restart the consumer group")
    page.screenshot(path=str(SHOTS["known_errors"]), full_page=True)
