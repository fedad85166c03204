"""Editing an incident and a timeline note in the browser: the forms open from the page,
save in place over htmx, say what they did, and leave focus where the user was."""

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import EMAIL, PASSWORD

pytestmark = pytest.mark.browser


def log_in_and_declare(page: Page) -> None:
    page.goto("/incidents/new")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.fill("input[name=title]", "Checkout is slow")
    page.select_option("select[name=severity]", label="SEV2 — Major")
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))


def test_edit_the_incident_and_a_note_in_place(page: Page) -> None:
    log_in_and_declare(page)
    header = page.locator("#incident-header")
    header.locator("details.incident-edit summary").click()
    page.fill("#edit-title", "Checkout times out for card payments")
    page.fill("#edit-summary", "Card payments wait on the fraud check.")
    header.locator("label.chip:has-text('payments')").click()
    header.locator("button:has-text('Save changes')").click()
    expect(header.locator("h1")).to_contain_text("Checkout times out for card payments")
    expect(header.locator(".summary")).to_have_text("Card payments wait on the fraud check.")
    expect(header.locator(".meta")).to_contain_text("payments")
    expect(page.locator("#announcer")).to_have_text("Saved the title, summary and services.")
    expect(page.locator("#timeline")).to_contain_text(
        "Title changed to “Checkout times out for card payments”"
    )
    expect(header.locator("details.incident-edit summary")).to_be_focused()

    # A refused edit keeps the form open with what was typed, and marks the field.
    header.locator("details.incident-edit summary").click()
    page.fill("#edit-title", " ")
    header.locator("button:has-text('Save changes')").click()
    expect(page.locator("#incident-header-error")).to_contain_text("title must not be empty")
    expect(page.locator("#edit-title")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#edit-title")).to_be_focused()
    page.keyboard.press("Escape")  # closes the form; focus back on its summary

    # A note: rewrite its text from the timeline.
    page.fill("#note-text", "Paged the payments team")
    page.click(".note-form button[type=submit]")
    note = page.locator("#timeline .entry-note")
    expect(note).to_contain_text("Paged the payments team")
    note.locator("details.entry-edit summary").click()
    note.locator("textarea[name=text]").fill("Paged the payments team\nThey are rolling back.")
    note.locator("button:has-text('Save note')").click()
    expect(page.locator("#announcer")).to_have_text("Note saved.")
    note = page.locator("#timeline .entry-note")
    expect(note.locator(".entry-text")).to_have_text("They are rolling back.")
    expect(note.locator(".edited")).to_be_visible()
    expect(note.locator("details.entry-edit summary")).to_be_focused()
