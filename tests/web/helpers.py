"""What the web tests share: logging in over HTTP and the headers htmx sends."""

import re

from fastapi.testclient import TestClient
from tests.factories import PASSWORD, Person

HTML = {"Accept": "text/html"}
HX = {"Accept": "text/html", "HX-Request": "true"}


def log_in(client: TestClient, person: Person) -> str:
    """Log ``person`` in and return the session's CSRF token (as the pages carry it)."""
    response = client.post(
        "/login",
        data={"email": person.user.email, "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/", headers=HTML).text)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def hx(token: str, target: str) -> dict[str, str]:
    return {**HX, "X-CSRF-Token": token, "HX-Target": target}
