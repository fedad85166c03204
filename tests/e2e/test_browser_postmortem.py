"""A post-mortem in a real browser: state the root cause on the incident page, draft the
post-mortem from the record, edit a section (with the live preview), redraft another section
without losing the edit, see the redraft of the edited one offered beside it, and export
Markdown. A screenshot of the page is left in ``/tmp`` for a human to look at."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import EMAIL, PASSWORD

SHOT = Path("/tmp/postmortem.png")

pytestmark = pytest.mark.browser


def test_draft_edit_redraft_and_export(page: Page) -> None:
    page.goto("/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.click("a.btn-declare")
    page.fill("input[name=title]", "Payments time out at the provider")
    page.fill("textarea[name=summary]", "Card payments fail after 30 s; about 12% of checkouts.")
    page.select_option("select[name=severity]", label="SEV2 — Major")
    page.click("label.chip:has-text('payments')")
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    incident_url = page.url

    panel = page.locator("#post-incident")
    panel.locator("summary:has-text('Edit root cause')").click()
    panel.locator("textarea[name=root_cause]").fill("The provider's EU region was degraded.")
    panel.locator("button:has-text('Save')").click()
    expect(panel).to_contain_text("The provider's EU region was degraded.")

    page.click("#post-incident a:has-text('Post-mortem')")
    expect(page.locator("h1")).to_contain_text("Post-mortem: Payments time out")
    page.click("button:has-text('Draft from the record')")
    summary = page.locator("#section-summary")
    expect(summary.locator(".pm-body")).to_contain_text(
        "The recorded root cause: “The provider's EU region"
    )
    citation = summary.locator("sup.cite a").first
    expect(citation).to_have_attribute("title", re.compile(r"Severity: SEV2"))

    # Edit the summary, watching the preview.
    summary.locator("summary:has-text('Edit Summary')").click()
    editor = summary.locator("textarea[name=body]")
    editor.fill("Card payments **timed out** for 40 minutes.")
    expect(summary.locator(".pm-preview strong")).to_have_text("timed out")
    summary.locator("button:has-text('Save Summary')").click()
    expect(page.locator("#section-summary .pm-body")).to_contain_text("Card payments timed out")

    # Redraft another section: the edit stays.
    timeline = page.locator("#section-timeline")
    timeline.locator("summary:has-text('Edit Timeline')").click()
    timeline.locator("button:has-text('Redraft this section')").click()
    expect(page.locator("#section-summary .pm-body")).to_contain_text("Card payments timed out")
    expect(page.locator("#section-timeline .pm-body")).to_contain_text("declared the incident")

    # Redraft the edited one: offered beside the edit, the edit still shown.
    summary = page.locator("#section-summary")
    summary.locator("summary:has-text('Edit Summary')").click()
    summary.locator("button:has-text('Redraft this section')").click()
    expect(page.locator("#section-summary .pm-proposal")).to_contain_text("A redraft is offered")
    expect(page.locator("#section-summary .pm-body")).to_contain_text("Card payments timed out")
    page.click("#section-summary button:has-text('Keep my text')")
    expect(page.locator("#section-summary .pm-proposal")).to_have_count(0)
    page.screenshot(path=str(SHOT), full_page=True)

    href = page.locator("a:has-text('Export Markdown')").get_attribute("href")
    assert href is not None
    exported = page.request.get(href)
    assert exported.ok
    text = exported.text()
    ref = incident_url.rsplit("/", 1)[1]
    assert text.startswith(f"# Post-mortem: {ref} Payments time out at the provider")
    assert "Card payments **timed out** for 40 minutes." in text
    assert "[^F-root_cause]: Root cause: The provider's EU region was degraded." in text
