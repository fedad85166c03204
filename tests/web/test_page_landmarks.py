"""The first accessibility rules every page keeps: a skip link to the content, an account
menu whose accessible name contains what it shows, headings in order on the known errors."""

import itertools
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories import Person, make_known_error
from tests.web.helpers import HTML, log_in

PAGES = ("/", "/incidents", "/problems", "/known-errors", "/follow-ups", "/schedules")


def test_every_page_starts_with_a_skip_link_to_its_content(
    client: TestClient, alice: Person
) -> None:
    log_in(client, alice)
    for url in PAGES:
        page = client.get(url, headers=HTML).text
        body = page[page.index("<body") :]
        first_link = re.search(r"<a [^>]*>", body)
        assert first_link is not None
        assert 'href="#content"' in first_link.group(0), url
        assert '<main id="content"' in page, url


def test_the_account_menu_is_named_by_what_it_shows(client: TestClient, alice: Person) -> None:
    log_in(client, alice)
    page = client.get("/", headers=HTML).text
    summary = re.search(r'<details class="user-menu">\s*<summary[^>]*>(.*?)</summary>', page, re.S)
    assert summary is not None
    assert "aria-label" not in summary.group(0)  # a label would hide the visible name
    assert alice.user.name in summary.group(1)
    assert "account menu" in summary.group(1)


def test_known_error_cards_follow_a_second_level_heading(
    client: TestClient, session: Session, alice: Person
) -> None:
    make_known_error(session, alice, title="Consumer group stuck")
    session.commit()
    log_in(client, alice)
    page = client.get("/known-errors", headers=HTML).text
    assert "Consumer group stuck" in page
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", page)]
    assert levels[0] == 1
    assert 3 in levels  # the card
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
