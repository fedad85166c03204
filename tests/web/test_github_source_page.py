"""A GitHub source's page: its webhook settings, with the URL and the signing secret, which a
rotation renews."""

import json
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import make_person
from tests.web.helpers import HTML, hx, log_in

from watchkeep.alert import sources

BASE_URL = "http://127.0.0.1:8000"  # the test app's settings


def test_a_github_source_page_shows_the_webhook_settings_and_rotates_the_secret(
    client: TestClient, session: Session
) -> None:
    admin = make_person(session, "admin", "Ada Admin")
    session.commit()
    token = log_in(client, admin)
    made = client.post(
        "/admin/alert-sources",
        data={"name": "Repositories", "kind": "github"},
        headers=hx(token, "new-source"),
    )
    assert made.status_code == 204, made.text
    session.expire_all()
    [source] = sources.list_sources(session)
    secret = source.signing_secret
    assert secret is not None
    page = unescape(client.get(made.headers["HX-Redirect"], headers=HTML).text)
    assert f"{BASE_URL}/ingest/github/{source.integration_key}" in page
    assert "application/json" in page
    assert 'id="source-secret"' in page and f'value="{secret}"' in page
    assert "Pull requests, Pushes, Deployments, Deployment statuses" in page
    assert f"-f 'config[secret]={secret}'" in page
    assert "webhook_configs" not in page  # GitHub's instructions only

    rotated = client.post(
        f"/admin/alert-sources/{source.id}/rotate-key", headers=hx(token, "source")
    )
    assert rotated.status_code == 200, rotated.text
    said = json.loads(rotated.headers["HX-Trigger"])["wk-announce"]
    assert said.startswith("Key and signing secret of Repositories rotated")
    session.expire_all()
    renewed = sources.get(session, source_id=source.id).signing_secret
    assert renewed not in (None, secret)
    assert secret not in rotated.text and f'value="{renewed}"' in unescape(rotated.text)
