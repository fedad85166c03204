"""Every page of the web UI meets WCAG 2.1 A and AA, as axe-core checks it in Chromium (and
``svg_text.js`` for the contrast of SVG text, which axe-core leaves out).

The pages are the app's own GET routes of the web UI: each one is opened logged out, or as an
admin, a responder and a viewer where the role may see it, in an empty state and a full one
(``tests/e2e/ui_states.py``), at a desktop (1366x900) and a phone (390x844) viewport. A route
that is neither checked nor excluded here with a reason fails
``test_every_web_route_is_checked_or_excluded``. Beside the pages as they load: the error
pages, the account menu opened, the declare form's validation error and the incident page
after an htmx action.

One browser for the module, one logged-in context per state and role, each page loaded once
and checked at both viewports.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.conftest import unavailable
from tests.e2e import axe
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.serving import serve, settle
from tests.e2e.ui_states import ROLES, Login, Records, fill_empty, fill_full

from watchkeep.app import web
from watchkeep.bootstrap import prepare
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.http.browser import web_actor, web_admin, web_responder

pytestmark = pytest.mark.browser

STATES = ("empty", "full")
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LEAST_ROLE = {web_admin: "admin", web_responder: "responder", web_actor: "viewer"}
RANK = {None: 0, "viewer": 1, "responder": 2, "admin": 3}

# Web GET routes that are no page of their own.
EXCLUDED = {
    "/incidents/export.csv": "a CSV download",
    "/feeds/schedules/{token}.ics": "an iCalendar feed",
    "/feeds/users/{token}.ics": "an iCalendar feed",
    "/dashboard/panels/{name}": "a fragment, checked as a part of the dashboard",
    "/incidents/{ref}/panels/{name}": "a fragment, checked as a part of the incident page",
    "/alerts/{alert_id:id}/panels/{name}": "a fragment, checked as a part of the alert page",
}
# How the full state fills the path parameters of a route: sample name -> URL.
SAMPLES: dict[str, dict[str, Callable[[Records], str]]] = {
    "/incidents/{ref}": {
        "live": lambda r: f"/incidents/{r.live_incident}",
        "resolved": lambda r: f"/incidents/{r.resolved_incident}",
        "private": lambda r: f"/incidents/{r.private_incident}",
    },
    "/incidents/{ref}/postmortem": {
        "none-yet": lambda r: f"/incidents/{r.live_incident}/postmortem",
        "drafted": lambda r: f"/incidents/{r.resolved_incident}/postmortem",
    },
    "/incidents/{ref}/postmortem/diff": {
        "edited": lambda r: f"/incidents/{r.resolved_incident}/postmortem/diff?to=2"
    },
    "/problems/{ref}": {
        "analysed": lambda r: f"/problems/{r.problem}",
        "new": lambda r: f"/problems/{r.new_problem}",
    },
    "/known-errors/{ref}": {"with-fix": lambda r: f"/known-errors/{r.known_error}"},
    "/ack/{token}": {"page": lambda r: f"/ack/{r.ack_token}"},
    "/alerts/{alert_id:id}": {
        "escalating": lambda r: f"/alerts/{r.alert_id}",
        "silenced": lambda r: f"/alerts/{r.silenced_alert_id}",
    },
    "/schedules/{schedule_id:id}": {"layers": lambda r: f"/schedules/{r.schedule_id}"},
    "/schedules/{schedule_id:id}/edit": {"layers": lambda r: f"/schedules/{r.schedule_id}/edit"},
    "/admin/alert-sources/{source_id:id}": {
        "alertmanager": lambda r: f"/admin/alert-sources/{r.alerting.source_id}",
        "heartbeat": lambda r: f"/admin/alert-sources/{r.alerting.heartbeat_id}",
        "github": lambda r: f"/admin/alert-sources/{r.alerting.github_id}",
    },
    "/admin/escalation-policies/{policy_id:id}": {
        "levels": lambda r: f"/admin/escalation-policies/{r.alerting.policy_id}"
    },
    "/admin/users/{user_id:id}/contacts": {
        "rules": lambda r: f"/admin/users/{r.alerting.contacts_user_id}/contacts"
    },
}
# More states of pages without path parameters, in both states: sample name -> query.
QUERIES = {
    "/known-errors": {"retired": "?retired=true"},
    "/alerts": {"all": "?status="},
    "/silences": {"ended": "?ended=1"},
}
# Roles that may open the route but not this sample (a private incident looks missing).
HIDDEN_FROM = {("/incidents/{ref}", "private"): ("viewer",)}


def least_role(dependant: Any) -> str | None:
    """The least role the route's dependencies let in (None: anyone, logged in or not)."""
    found: list[str | None] = [None]
    for dependency in dependant.dependencies:
        if dependency.call in LEAST_ROLE:
            found.append(LEAST_ROLE[dependency.call])
        found.append(least_role(dependency))
    return max(found, key=lambda role: RANK[role])


def web_routes() -> dict[str, str | None]:
    """Every GET route of the web UI (the router ``create_app`` includes), with the least
    role that may open it."""
    return {
        route.path: least_role(route.original_route.dependant)
        for route in iter_route_contexts(web.build_router().routes)
        if "GET" in (route.methods or ())
    }


@dataclass(frozen=True)
class Case:
    """One page to check: a route (filled by a sample in the full state), a state, a role."""

    state: str
    role: str | None  # None: logged out
    route: str
    sample: str = ""

    def url(self, records: Records | None) -> str:
        if not self.sample:
            return self.route
        if self.route in QUERIES:
            return self.route + QUERIES[self.route][self.sample]
        assert records is not None
        return SAMPLES[self.route][self.sample](records)

    @property
    def id(self) -> str:
        sample = f"[{self.sample}]" if self.sample else ""
        return f"{self.state}-{self.role or 'logged-out'}-{self.route}{sample}"


def roles_of(least: str | None, hidden: tuple[str, ...] = ()) -> list[str | None]:
    """Who opens a page that ``least`` and above may see (logged out: the login page)."""
    if least is None:
        return [None]
    return [role for role in ROLES if RANK[role] >= RANK[least] and role not in hidden]


def page_cases() -> list[Case]:
    cases = []
    for route, least in sorted(web_routes().items()):
        if route in EXCLUDED:
            continue
        for state in STATES:
            if "{" in route:
                if state == "empty":
                    continue  # nothing to fill the parameters with
                samples = list(SAMPLES.get(route, {}))
            else:
                samples = ["", *QUERIES.get(route, {})]
            for sample in samples:
                for role in roles_of(least, HIDDEN_FROM.get((route, sample), ())):
                    cases.append(Case(state, role, route, sample))
    return cases


@dataclass(frozen=True)
class State:
    url: str
    logins: dict[str, Login]
    records: Records | None


class Lab:
    """The module's browser, the servers of both states and a page per state and role, each
    made on first use (under pytest-xdist a process makes only what its tests need)."""

    def __init__(self, browser: Browser, folder: Path, stack: ExitStack) -> None:
        self.browser, self.folder, self.stack = browser, folder, stack
        self.states: dict[str, State] = {}
        self.pages: dict[tuple[str, str | None], Page] = {}

    def state(self, name: str) -> State:
        if name not in self.states:
            settings = Settings(database_url=f"sqlite:///{self.folder / name}.db", demo_data=False)
            db = Database(settings.database_url)
            self.stack.callback(db.dispose)
            prepare(db)
            records = None
            if name == "full":
                logins, records = fill_full(db)
            else:
                logins = fill_empty(db)
            url = self.stack.enter_context(serve(settings, db))
            settle(db)
            self.states[name] = State(url, logins, records)
        return self.states[name]

    def page(self, state: str, role: str | None) -> Page:
        """The page of a browser context logged in as ``role`` (None: logged out)."""
        key = (state, role)
        if key not in self.pages:
            context = self.browser.new_context(
                base_url=self.state(state).url, viewport=VIEWPORTS["desktop"]
            )
            self.stack.callback(context.close)
            axe.install(context)
            if role is not None:
                login = self.state(state).logins[role]
                answer = context.request.post(
                    "/login",
                    form={"email": login.email, "password": login.password, "next": "/"},
                    max_redirects=0,
                )
                assert answer.status == 303, f"{role} could not log in: {answer.status}"
            page = context.new_page()
            page.set_default_timeout(10_000)
            self.pages[key] = page
        return self.pages[key]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM}")
    axe.source()  # skip (or fail in CI) before starting anything when axe-core is missing
    with sync_playwright() as playwright, ExitStack() as stack:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        yield Lab(browser, tmp_path_factory.mktemp("accessibility"), stack)


def check(page: Page, what: str) -> None:
    """Run axe on the page at both viewports; fail with every violation, where and why."""
    failures = []
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        found = axe.violations(page) + axe.svg_text_contrast(page)
        if found:
            failures.append(f"{what} at {name} {viewport['width']}x{viewport['height']}:")
            failures.append(axe.describe(found))
    page.set_viewport_size(VIEWPORTS["desktop"])
    assert not failures, "WCAG 2.1 AA violations:\n" + "\n".join(failures)


def open_page(page: Page, url: str, status: int = 200) -> None:
    answer = page.goto(url)
    assert answer is not None
    assert answer.status == status, f"{url} answered {answer.status}"
    content_type = answer.headers.get("content-type", "")
    assert content_type.startswith("text/html"), (
        f"{url} answered {content_type}: not a page, add it to EXCLUDED with the reason"
    )


def test_every_web_route_is_checked_or_excluded() -> None:
    routes = web_routes()
    unfilled = {r for r in routes if "{" in r} - set(SAMPLES) - set(EXCLUDED)
    assert not unfilled, f"fill these routes in SAMPLES or put them in EXCLUDED: {unfilled}"
    assert not (set(SAMPLES) | set(QUERIES) | set(EXCLUDED)) - set(routes), "no such routes"
    assert not (set(SAMPLES) | set(QUERIES)) & set(EXCLUDED)
    assert len(page_cases()) > len(routes)


@pytest.mark.parametrize("case", page_cases(), ids=lambda case: case.id)
def test_page(lab: Lab, case: Case) -> None:
    state = lab.state(case.state)
    page = lab.page(case.state, case.role)
    url = case.url(state.records)
    open_page(page, url)
    check(page, f"{url} as {case.role or 'logged out'} ({case.state} state)")


@pytest.mark.parametrize("state", STATES)
def test_roles_below_a_page_are_refused(lab: Lab, state: str) -> None:
    """The role check the page cases rely on: a role below a page's answers 403."""
    for case in page_cases():
        if case.state != state or case.role != "admin":
            continue
        least = web_routes()[case.route]
        for role in ROLES:
            if RANK[role] < RANK[least]:
                url = case.url(lab.state(state).records)
                answer = lab.page(state, role).context.request.get(url, max_redirects=0)
                assert answer.status == 403, f"{url} as {role}: {answer.status}"


def test_the_forbidden_page(lab: Lab) -> None:
    page = lab.page("full", "viewer")
    open_page(page, "/jobs", status=403)
    check(page, "/jobs as viewer (403)")


@pytest.mark.parametrize("role", [None, "viewer"])
def test_the_not_found_page(lab: Lab, role: str | None) -> None:
    page = lab.page("full", role)
    url = "/no-such-page" if role is None else "/incidents/INC-999999"
    open_page(page, url, status=404)
    check(page, f"{url} as {role or 'logged out'} (404)")


def test_the_login_page_with_an_error(lab: Lab) -> None:
    page = lab.page("empty", None)
    open_page(page, "/login")
    page.fill("input[name=email]", "nobody@example.com")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".alert-error")).to_be_visible()
    check(page, "/login with a wrong password")


@pytest.mark.parametrize("role", ROLES)
def test_the_account_menu_opened(lab: Lab, role: str) -> None:
    page = lab.page("full", role)
    open_page(page, "/")
    page.click("details.user-menu summary")
    expect(page.locator(".user-menu-panel")).to_be_visible()
    check(page, f"/ with the account menu open, as {role}")


def test_the_declare_form_with_a_validation_error(lab: Lab) -> None:
    page = lab.page("full", "responder")
    open_page(page, "/incidents/new")
    # Past the browser's own checks of the required fields, as an older browser would be.
    page.locator("#declare").evaluate("form => { form.noValidate = true; }")
    page.click("#declare button[type=submit]")
    expect(page.locator("#declare-error .alert-error")).to_be_visible()
    check(page, "/incidents/new submitted empty")


def test_the_incident_page_after_an_htmx_action(lab: Lab) -> None:
    page = lab.page("full", "responder")
    records = lab.state("full").records
    assert records is not None
    url = f"/incidents/{records.changing_incident}"
    open_page(page, url)
    page.select_option("#status-select", "monitoring")
    page.click("#incident-header button:has-text('Change status')")
    expect(page.locator("#incident-header .badges .status")).to_have_text("Monitoring")
    check(page, f"{url} after changing its status over htmx")


@pytest.mark.parametrize("role", ROLES)
def test_the_phone_menu_opened(lab: Lab, role: str) -> None:
    page = lab.page("full", role)
    open_page(page, "/")
    page.set_viewport_size(VIEWPORTS["phone"])
    page.click("details.nav-menu summary")
    expect(page.locator(".nav-menu-panel")).to_be_visible()
    failures = axe.violations(page) + axe.svg_text_contrast(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    assert not failures, "WCAG 2.1 AA violations:\n" + axe.describe(failures)


def test_the_incident_page_with_its_edit_forms_open(lab: Lab) -> None:
    page = lab.page("full", "responder")
    records = lab.state("full").records
    assert records is not None
    url = f"/incidents/{records.live_incident}"
    open_page(page, url)
    page.fill("#note-text", "Checked the edge logs")
    page.click(".note-form button[type=submit]")
    expect(page.locator("#timeline details.entry-edit").first).to_be_visible()
    page.click("#incident-header details.incident-edit summary")
    page.locator("#timeline details.entry-edit summary").first.click()
    expect(page.locator("#edit-title")).to_be_visible()
    expect(page.locator("#timeline details.entry-edit textarea").first).to_be_visible()
    check(page, f"{url} with the incident's and a note's edit forms open")


def test_the_users_page_after_creating_a_user_and_a_refusal(lab: Lab) -> None:
    page = lab.page("full", "admin")
    open_page(page, "/admin/users")
    form = page.locator("#new-user")
    form.locator("input[name=name]").fill("Ada Lovelace")
    form.locator("input[name=email]").fill("ada.lovelace@example.com")
    form.locator("button[type=submit]").click()
    expect(page.locator("#generated-password")).to_be_visible()
    page.locator("details.inline-details summary").first.click()
    check(page, "/admin/users with a generated password shown and a password form open")
    form = page.locator("#new-user")
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("input[name=name]").fill("Ada Again")
    form.locator("input[name=email]").fill("ada.lovelace@example.com")
    form.locator("button[type=submit]").click()
    expect(page.locator("#users-error .alert-error")).to_be_visible()
    check(page, "/admin/users with a refused new user")


def test_the_profile_with_a_new_token_and_a_refused_password(lab: Lab) -> None:
    page = lab.page("full", "viewer")
    open_page(page, "/profile")
    page.locator("#new-token input[name=name]").fill("laptop")
    page.locator("#new-token button[type=submit]").click()
    expect(page.locator("#token-secret")).to_be_visible()
    form = page.locator("#password-form")
    form.locator("input[name=current_password]").fill("not my password")
    form.locator("input[name=new_password]").fill("a new password")
    form.locator("button[type=submit]").click()
    expect(page.locator("#password-form-error .alert-error")).to_be_visible()
    check(page, "/profile with a new token's secret and a refused password change")


def test_the_severities_page_with_an_edit_form_open_and_a_refusal(lab: Lab) -> None:
    page = lab.page("full", "admin")
    open_page(page, "/admin/severities")
    page.locator("#config details.inline-details summary").first.click()
    form = page.locator("#new-config")
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("input[name=name]").fill("SEV1")
    form.locator("input[name=rank]").fill("1")
    form.locator("button[type=submit]").click()
    expect(page.locator("#config-error .alert-error")).to_be_visible()
    check(page, "/admin/severities with an edit form open and a refused new severity")


@pytest.mark.parametrize(
    ("route", "part"), [("/admin/services", "service"), ("/admin/teams", "team")]
)
def test_the_catalog_pages_with_an_edit_form_open_and_a_refusal(
    lab: Lab, route: str, part: str
) -> None:
    page = lab.page("full", "admin")
    open_page(page, route)
    page.locator(f"#{part}s details.inline-details summary").first.click()
    form = page.locator(f"#new-{part}")
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("input[name=name]").fill("   ")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#{part}s-error .alert-error")).to_be_visible()
    check(page, f"{route} with an edit form open and a refused new {part}")


def test_the_custom_fields_page_with_an_edit_form_open_and_a_refusal(lab: Lab) -> None:
    page = lab.page("full", "admin")
    open_page(page, "/admin/custom-fields")
    form = page.locator("#new-config")
    form.locator("input[name=name]").fill("Region")
    form.locator("select[name=kind]").select_option("single_select")
    form.locator("textarea[name=options]").fill("eu\nus")
    form.locator("button[type=submit]").click()
    expect(page.locator("#config table")).to_contain_text("Region")
    page.locator("#config details.inline-details summary").first.click()
    form = page.locator("#new-config")
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("input[name=name]").fill("Region")
    form.locator("select[name=kind]").select_option("text")
    form.locator("button[type=submit]").click()
    expect(page.locator("#config-error .alert-error")).to_be_visible()
    check(page, "/admin/custom-fields with an edit form open and a refused new field")


def test_the_roles_page_with_an_edit_form_open_and_a_refusal(lab: Lab) -> None:
    page = lab.page("full", "admin")
    open_page(page, "/admin/roles")
    page.locator("#config details.inline-details summary").first.click()
    form = page.locator("#new-config")
    form.evaluate("form => { form.noValidate = true; }")
    form.locator("input[name=name]").fill("Scribe")
    form.locator("button[type=submit]").click()
    expect(page.locator("#config-error .alert-error")).to_be_visible()
    check(page, "/admin/roles with an edit form open and a refused new role")


def test_the_routes_page_with_an_edit_form_open_and_a_refused_matcher(lab: Lab) -> None:
    page = lab.page("full", "admin")
    open_page(page, "/admin/alert-routes")
    page.locator("#routes details.inline-details summary").first.click()
    form = page.locator("#new-route")
    form.locator("input[name=name]").fill("Broken")
    form.locator("textarea[name=matchers]").fill('job=~"("')
    form.locator("button[type=submit]").click()
    expect(page.locator("#routes-error .alert-error")).to_be_visible()
    expect(form.locator("textarea[name=matchers]")).to_have_attribute("aria-invalid", "true")
    check(page, "/admin/alert-routes with an edit form open and a refused matcher")


def test_the_profile_after_adding_a_contact_method(lab: Lab) -> None:
    page = lab.page("full", "viewer")
    open_page(page, "/profile")
    form = page.locator("#new-method")
    form.locator("select[name=kind]").select_option("email")
    form.locator("input[name=address]").fill("vic.pager@example.com")
    form.locator("button[type=submit]").click()
    expect(page.locator("#contacts table")).to_contain_text("vic.pager@example.com")
    expect(page.locator("#new-rule")).to_be_visible()
    check(page, "/profile after adding a contact method")
