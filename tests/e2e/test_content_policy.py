"""The pages work under their Content Security Policy: nothing is refused, htmx updates
run, and the API docs render from this server's own files."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from tests.e2e.test_keyboard import declare_with_keys, log_in

pytestmark = pytest.mark.browser


def test_nothing_is_refused_by_the_policy(server: str, page: Page) -> None:
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    log_in(page)
    reference = declare_with_keys(page, "Queue consumers are stuck")  # htmx and the script
    for path in ("/", f"/incidents/{reference}", "/schedules", "/my-shifts", "/problems"):
        page.goto(path)
        expect(page.locator("#announcer")).to_be_attached()
    page.goto("/api/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)  # a 1.5 MB bundle
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/incidents").first
    ).to_be_visible()
    assert refused == []
