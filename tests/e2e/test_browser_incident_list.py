"""The incident list in the browser: the Lead column, and sorting by a column header or by
the Sort choice of the filters."""

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.browser import EMAIL, PASSWORD

pytestmark = pytest.mark.browser


def declare(page: Page, title: str, severity: str) -> None:
    page.goto("/incidents/new")
    page.fill("input[name=title]", title)
    page.select_option("select[name=severity]", label=severity)
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))


def test_sort_the_list_by_a_header_and_by_the_sort_choice(page: Page) -> None:
    page.goto("/incidents")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/incidents$"))
    declare(page, "Major outage", "SEV1 — Critical")
    declare(page, "Minor glitch", "SEV3 — Minor")
    page.goto("/incidents")
    titles = page.locator("#results td.cell-title a:not(.ref)")
    expect(titles).to_have_text(["Minor glitch", "Major outage"])
    expect(page.locator("#results thead")).to_contain_text("Lead")
    expect(page.locator("#results tbody tr").first).to_contain_text("Grace Hopper")

    page.locator("#results th a:has-text('Severity')").click()
    expect(page).to_have_url(re.compile(r"sort=severity"))
    expect(titles).to_have_text(["Major outage", "Minor glitch"])
    expect(page.locator("#results th:has(a:has-text('Severity'))")).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(page.locator("select[name=sort]")).to_have_value("severity")

    page.select_option("select[name=sort]", "-severity")  # the filters' choice, over htmx
    expect(titles).to_have_text(["Minor glitch", "Major outage"])
    expect(page.locator("#results th:has(a:has-text('Severity'))")).to_have_attribute(
        "aria-sort", "descending"
    )
