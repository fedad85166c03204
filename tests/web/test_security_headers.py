"""Security headers on every response, Secure cookies behind https, and the API docs and
icon served from the package (no CDN)."""

import pytest
from fastapi.testclient import TestClient
from tests.factories import PASSWORD, Person
from tests.web.helpers import HTML, log_in

from watchkeep.app.factory import create_app
from watchkeep.assist.keeper import SimilarityStore
from watchkeep.core.db import Database
from watchkeep.core.settings import Settings
from watchkeep.http.deps import SESSION_COOKIE
from watchkeep.http.security import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/login", HTML),
        ("/api/v1/incidents", {}),  # a 401 in JSON
        ("/static/watchkeep.css", {}),
        ("/no-such-page", HTML),
        ("/api/docs", HTML),
    ],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_policy_allows_scripts_from_this_site_only() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_carry_no_inline_script(client: TestClient, alice: Person) -> None:
    log_in(client, alice)
    for path in ("/", "/incidents/new", "/schedules", "/api/docs", "/login"):
        page = client.get(path, headers=HTML).text
        for tag in page.split("<script")[1:]:
            assert tag.lstrip().startswith("src="), f"{path} has an inline script"
        assert " on" + "click=" not in page and "hx-on" not in page


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://wk.example", True), ("http://x", False)]
)
def test_cookies_are_secure_when_the_public_url_is_https(
    database: Database, similarity: SimilarityStore, alice: Person, base_url: str, secure: bool
) -> None:
    settings = Settings(database_url=database.url, base_url=base_url)
    with TestClient(create_app(settings, db=database, similarity=similarity)) as client:
        response = client.post(
            "/login",
            data={"email": alice.user.email, "password": PASSWORD},
            follow_redirects=False,
        )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert ("; secure" in cookie.lower()) is secure


def test_the_api_docs_and_the_icon_come_from_this_server(client: TestClient) -> None:
    page = client.get("/api/docs").text
    assert "/static/api-docs/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "//" not in page.replace("http://www.w3.org", "")
    for asset in ("/static/api-docs/swagger-ui-bundle.js", "/static/api-docs/swagger-ui.css"):
        assert client.get(asset).status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
