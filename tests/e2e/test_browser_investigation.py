"""The investigation panel in a real browser: a deploy just before the impact, on a service
that the affected one depends on, comes first with its evidence and its undo step.

Headless Chromium (``/usr/bin/chromium``) drives a real uvicorn server on a SQLite file, with
a job worker running next to it in the same process: declaring an incident queues its
investigation, and the panel (which asks for itself every 15 s) fills without a click.
"Investigate now" and a responder's verdict redraw it in place. A screenshot of the incident
page is left at ``/tmp/incident-investigation.png`` for a human to look at.
"""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Response, expect
from tests.e2e.browser import EMAIL, PASSWORD
from tests.e2e.serving import serve
from tests.factories import an_admin

from watchkeep.alert.models import ChangeEvent
from watchkeep.auth import service as auth
from watchkeep.bootstrap import prepare
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings

SCREENSHOT = Path("/tmp/incident-investigation.png")
DEPLOY = "deploy-api-7.1.0"
SUMMARY = "api 7.1.0: new session store"
DECOY = "deploy-billing-3.4.0"
REFRESH_WAIT_MS = 20_000
"""The panel asks for itself every 15 s; the worker investigates within a second or two."""

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A real server and job worker with a responder, ``web`` depending on ``api``, a deploy
    on ``api`` ten minutes ago and another on unrelated ``billing`` three days ago."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'watchkeep.db'}", demo_data=False)
    db = Database(settings.database_url)
    prepare(db)
    now = utcnow()
    with db.session() as session:
        auth.create_user(
            session, actor=None, now=now, email=EMAIL, name="Grace Hopper", password=PASSWORD
        )
        admin = an_admin(session)
        api = catalog.create_service(session, actor=admin, now=now, name="api")
        catalog.create_service(session, actor=admin, now=now, name="web", depends_on_ids=[api.id])
        billing = catalog.create_service(session, actor=admin, now=now, name="billing")
        deployed = now - timedelta(minutes=10)
        decoyed = now - timedelta(days=3)
        session.add_all(
            [
                ChangeEvent(
                    service_id=api.id,
                    kind="deploy",
                    summary=SUMMARY,
                    external_id=DEPLOY,
                    occurred_at=deployed,
                    received_at=deployed,
                ),
                ChangeEvent(
                    service_id=billing.id,
                    kind="deploy",
                    summary="billing 3.4.0: invoice layout",
                    external_id=DECOY,
                    occurred_at=decoyed,
                    received_at=decoyed,
                ),
            ]
        )
    with serve(settings, db) as url:
        yield url
    db.dispose()


def log_in(page: Page) -> None:
    page.goto("/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("a.btn-declare")).to_be_visible()


def chip(page: Page, name: str) -> Locator:
    """The service chip whose name is exactly ``name`` (not a longer name holding it)."""
    return page.locator("label.chip").filter(has=page.get_by_text(name, exact=True))


def declare(page: Page, title: str, service: str) -> None:
    page.click("a.btn-declare")
    page.fill("input[name=title]", title)
    page.select_option("select[name=severity]", label="SEV2 — Major")
    chip(page, service).click()
    page.click("button:has-text('Declare incident')")
    expect(page).to_have_url(re.compile(r"/incidents/INC-\d+$"))
    expect(page.locator("#incident-header h1")).to_contain_text(title)


def posted(path: str) -> Callable[[Response], bool]:
    """The answer to the panel's POST to ``path`` under the incident."""
    return lambda r: (
        r.request.method == "POST" and re.search(rf"/INC-\d+{path}$", r.url) is not None
    )


def expect_deploy_first(panel: Locator) -> Locator:
    """The deploy on ``api`` leads, with its confidence, why, and what to do."""
    first = panel.locator("ol.investigation > li").first
    line = first.locator(".sim-meta")
    expect(line).to_contain_text(DEPLOY)
    title = first.locator(".hypothesis-title")
    expect(title).to_contain_text(SUMMARY)
    # The title has a line of its own: readable, not squeezed beside the tags.
    box = title.bounding_box()
    assert box is not None and box["width"] > 200, box
    expect(line.locator("span.tag[title=Confidence]")).to_have_text(re.compile(r"^\d{1,3}%$"))
    evidence = first.locator("ul.evidence")
    expect(evidence).to_contain_text(DEPLOY)
    expect(evidence).to_contain_text("deploy on api, which web depends on")
    expect(evidence).to_contain_text(SUMMARY)
    expect(first.locator("ul.next-steps")).to_contain_text(f"Roll back {DEPLOY}")
    expect(first).not_to_contain_text(DECOY)
    return first


def test_a_deploy_upstream_is_the_top_hypothesis_and_can_be_confirmed(page: Page) -> None:
    log_in(page)
    declare(page, "Logins failing on web", "web")
    panel = page.locator("section#investigation")
    expect(panel.locator("h2")).to_have_text("Investigation")

    # The worker investigates the declared incident; the panel fills by itself.
    expect(panel.locator("ol.investigation > li").first).to_be_visible(timeout=REFRESH_WAIT_MS)
    expect_deploy_first(panel)
    percent = panel.locator("ol.investigation > li").first.locator("span.tag[title=Confidence]")
    assert 0 < int(percent.inner_text().rstrip("%")) <= 100
    # The decoy is three days old, beyond the day before the impact that is searched.
    expect(panel).not_to_contain_text(DECOY)

    # "Investigate now" redraws the panel in place (htmx: the page is not loaded again),
    # with the same leader and no verdict yet.
    page.evaluate("window.wkSamePage = true")
    with page.expect_response(posted("/investigations")) as investigated:
        panel.locator("button:has-text('Investigate now')").click()
    assert investigated.value.ok, investigated.value.status
    expect(page.locator("#announcer")).to_have_text("Investigated.")
    first = expect_deploy_first(panel)
    expect(first.locator(".tag-pin")).to_have_count(0)

    # A responder confirms it: the verdict investigates again and htmx swaps the panel.
    with page.expect_response(posted("/investigations/verdicts")) as judged:
        first.get_by_role("button", name=f"Confirm: Deploy: {SUMMARY}", exact=True).click()
    assert judged.value.ok, judged.value.status
    expect(page.locator("#announcer")).to_have_text(f"Confirmed: Deploy: {SUMMARY}")
    first = panel.locator("ol.investigation > li").first
    expect(first.locator(".sim-meta .tag-pin")).to_have_text("Confirmed")
    expect(first).to_have_class(re.compile(r"\bverdict-confirmed\b"))
    expect(first.locator(".sim-meta")).to_contain_text(DEPLOY)
    expect(first.locator("button:has-text('Withdraw verdict')")).to_be_visible()
    expect(first.get_by_role("button", name=re.compile(r"^(Confirm|Rule out):"))).to_have_count(0)
    assert page.evaluate("window.wkSamePage === true"), "the page was loaded again"

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
