"""The similar-incidents panel: past incidents apart from live look-alikes, weak matches
marked in words, and responders' verdicts ("Not similar", "Same cause") that redraw it."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories import Person, make_incident, make_past_incident, make_service
from tests.web.helpers import HTML, hx, log_in

from watchkeep.assist.models import SimilarityFeedback
from watchkeep.incident.models import Incident

TITLE, SUMMARY = "Kafka consumer lag on orders topic", "consumer group stuck, backlog growing"
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november"


def panel_of(page: str) -> str:
    return (
        '<section id="similar"'
        + page.split('<section id="similar"', 1)[1].split("</section>", 1)[0]
    )


def past_part(panel: str) -> str:
    return panel.split("Live now and alike", 1)[0]


def live_part(panel: str) -> str:
    return panel.split("Live now and alike", 1)[1] if "Live now and alike" in panel else ""


@pytest.fixture
def desk(session: Session, alice: Person) -> dict[str, Incident]:
    orders = make_service(session, "orders")
    about = {"title": TITLE, "summary": SUMMARY, "service_ids": [orders.id]}
    made = {
        "query": make_incident(session, alice, status="triage", **about),
        "past": make_past_incident(session, alice, **about),
        "past2": make_past_incident(session, alice, **about),
        "live": make_incident(session, alice, status="investigating", **about),
    }
    session.commit()
    return made


def test_past_and_live_are_shown_apart(
    client: TestClient, desk: dict[str, Incident], alice: Person
) -> None:
    token = log_in(client, alice)
    page = client.get(f"/incidents/{desk['query'].reference}", headers=HTML)
    assert page.status_code == 200, page.text
    panel = panel_of(page.text)
    assert desk["past"].reference in past_part(panel)
    assert desk["past2"].reference in past_part(panel)
    assert desk["live"].reference not in past_part(panel)
    assert desk["live"].reference in live_part(panel)
    assert "<h3" in panel  # the live look-alikes under a heading of their own
    # A triage incident can be merged into its live look-alike from the panel.
    assert f'name="into" value="{desk["live"].reference}"' in live_part(
        panel
    ) and f'action="/incidents/{desk["query"].reference}/merge"' in live_part(panel)
    assert f'name="csrf_token" value="{token}"' in panel
    # Not from a live incident, which cannot be merged any more: it just links.
    other = panel_of(client.get(f"/incidents/{desk['live'].reference}", headers=HTML).text)
    assert "/merge" not in other
    assert f'href="/incidents/{desk["query"].reference}"' in live_part(other)


def test_a_weak_match_is_shown_and_marked_in_words(
    client: TestClient, session: Session, alice: Person
) -> None:
    spelled = make_past_incident(session, alice, title="Radio check", summary=WORDS)
    toner = make_past_incident(session, alice, title="Printer toner empty")
    query = make_incident(session, alice, title="Printer jam", summary=f"printer {WORDS}")
    session.commit()
    log_in(client, alice)
    panel = panel_of(client.get(f"/incidents/{query.reference}", headers=HTML).text)
    assert toner.reference in panel  # not dropped for a low score
    marks = panel.split("<li>")
    weak_item = next(item for item in marks if toner.reference in item)
    strong_item = next(item for item in marks if spelled.reference in item)
    assert "Weak match" in weak_item
    assert "Weak match" not in strong_item
    assert "Nothing similar" not in panel


def test_not_similar_hides_and_same_cause_pins_then_withdrawn(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person
) -> None:
    token = log_in(client, alice)
    query, past, past2 = (desk[n].reference for n in ("query", "past", "past2"))
    base = f"/incidents/{query}/similar"
    hidden = client.post(
        f"{base}/{past}/feedback", data={"verdict": "not_similar"}, headers=hx(token, "similar")
    )
    assert hidden.status_code == 200, hidden.text
    panel = panel_of(hidden.text)
    assert past not in past_part(panel).split("Marked not similar", 1)[0]
    assert "Marked not similar (1)" in panel  # where it can be shown again
    assert "marked as not similar" in hidden.headers["HX-Trigger"]
    # Symmetric: the other incident's page no longer shows this one either.
    theirs = panel_of(client.get(f"/incidents/{past}", headers=HTML).text)
    assert query not in theirs.split("Marked not similar", 1)[0]

    pinned = client.post(
        f"{base}/{past2}/feedback", data={"verdict": "same_cause"}, headers=hx(token, "similar")
    )
    assert pinned.status_code == 200, pinned.text
    items = past_part(panel_of(pinned.text)).split("<li>")[1:]
    assert past2 in items[0]
    assert "a responder marked it as the same cause" in items[0]
    assert "Not the same cause after all" in items[0]

    shown_again = client.post(
        f"{base}/{past}/feedback/withdraw", data={}, headers=hx(token, "similar")
    )
    assert shown_again.status_code == 200
    assert "Marked not similar" not in shown_again.text
    assert past in past_part(panel_of(shown_again.text))
    assert session.scalar(select(func.count()).select_from(SimilarityFeedback)) == 1


def test_viewers_see_no_buttons_and_may_not_post(
    client: TestClient, session: Session, desk: dict[str, Incident], viewer: Person
) -> None:
    token = log_in(client, viewer)
    query, past = desk["query"].reference, desk["past"].reference
    panel = panel_of(client.get(f"/incidents/{query}", headers=HTML).text)
    assert past in panel
    assert "Not similar" not in panel and "Same cause" not in panel and "/merge" not in panel
    refused = client.post(
        f"/incidents/{query}/similar/{past}/feedback", data={"verdict": "same_cause"},
        headers=hx(token, "similar"),
    )  # fmt: skip
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(SimilarityFeedback)) == 0


def test_a_bad_verdict_or_a_private_incident_is_refused(
    client: TestClient, session: Session, desk: dict[str, Incident], alice: Person, bob: Person
) -> None:
    secret = make_past_incident(session, alice, title=TITLE, summary=SUMMARY, private=True)
    session.commit()
    token = log_in(client, bob)
    query, past = desk["query"].reference, desk["past"].reference
    bad = client.post(
        f"/incidents/{query}/similar/{past}/feedback", data={"verdict": "maybe"},
        headers=hx(token, "similar"),
    )  # fmt: skip
    assert bad.status_code == 422
    hidden = client.post(
        f"/incidents/{query}/similar/{secret.reference}/feedback", data={"verdict": "same_cause"},
        headers=hx(token, "similar"),
    )  # fmt: skip
    assert hidden.status_code == 404
    assert session.scalar(select(func.count()).select_from(SimilarityFeedback)) == 0
    assert secret.reference not in panel_of(client.get(f"/incidents/{query}", headers=HTML).text)
