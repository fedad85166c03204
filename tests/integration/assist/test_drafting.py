"""From a realistic incident to a post-mortem draft whose sections hold the expected facts,
each sentence citing where it came from, and none naming a cause the record does not."""

import pytest
from sqlalchemy.orm import Session
from tests.factories import make_person
from tests.integration.assist.story import Story, checkout_outage

from watchkeep.assist.drafting import check, compose, gather
from watchkeep.assist.drafting.service import draft
from watchkeep.postmortem import documents


@pytest.fixture
def story(session: Session) -> Story:
    return checkout_outage(
        session, make_person(session, name="Alice"), make_person(session, name="Bob")
    )


def test_every_sentence_cites_a_source_that_supports_it(session: Session, story: Story) -> None:
    made = compose.compose(gather.record_of(session, story.incident))
    sentences = made.sentences()
    assert sentences and all(s.cites for s in sentences)
    assert all(key in made.sources for s in sentences for key in s.cites)
    texts = [made.markdown(key) for key in made.sections]
    assert check.unsupported(texts, made.sources) == []


def test_the_draft_holds_the_facts_of_the_record(session: Session, story: Story) -> None:
    made = compose.compose(gather.record_of(session, story.incident))
    summary, timeline = made.markdown("summary"), made.markdown("timeline")
    assert "affecting checkout.[^F-severity][^F-services]" in summary
    assert (
        "The impact lasted 25 minutes, from 2026-03-10 10:00 UTC until it was mitigated at "
        "2026-03-10 10:25 UTC." in summary
    )
    assert "The recorded root cause: “A null coupon in checkout v2.3.1" in summary
    for fact in (
        "Severity raised from SEV3 to SEV2",
        "from investigating to fixing",
        "from fixing to monitoring",
        "from monitoring to resolved",
        "Communications lead",
        "Alert ALR-1 fired",
    ):
        assert fact in timeline, fact
    assert "Checkout errors are elevated" in timeline
    follow_ups = made.markdown("follow_ups")
    assert (
        "Add a test for the coupon code path: owner Bob, outstanding, due 2026-03-17" in follow_ups
    )
    detection = made.markdown("detection")
    assert "Time to resolve: 40 minutes" in detection
    assert "Bob" in detection


def test_a_deploy_in_the_window_is_not_made_the_cause(session: Session, story: Story) -> None:
    made = compose.compose(gather.record_of(session, story.incident))
    cause = made.markdown("root_cause")
    deploy, rollback = f"C{story.deploy.id}", f"C{story.rollback.id}"
    lines = {line for line in cause.splitlines() if line.startswith("- ")}
    (deploy_line,) = [line for line in lines if f"[^{deploy}]" in line]
    assert "does not say whether it contributed" in deploy_line
    (rollback_line,) = [line for line in lines if f"[^{rollback}]" in line]
    assert "a rollback, and the impact was mitigated 5 minutes later" in rollback_line
    assert "[^F-mitigated_at]" in rollback_line
    assert not any(word in cause.lower() for word in ("caused by", "was the cause"))


def test_an_unknown_root_cause_is_said_to_be_unknown(session: Session) -> None:
    story = checkout_outage(session, make_person(session), make_person(session))
    story.incident.root_cause = ""
    made = compose.compose(gather.record_of(session, story.incident))
    assert "The record does not state a root cause.[^F-root_cause]" in made.markdown("summary")


def test_drafting_fills_the_document_and_keeps_edits(session: Session, story: Story) -> None:
    alice = make_person(session, name="Carol")
    first = draft(session, incident=story.incident, actor=alice.actor)
    document = first.document
    assert set(first.written) == {
        "summary",
        "impact",
        "timeline",
        "root_cause",
        "detection",
        "went_badly",
        "follow_ups",
    }
    assert document.version == 1 and document.sources
    documents.edit(
        session,
        document=document,
        key="summary",
        body="Our own words.",
        actor=alice.actor,
        now=story.incident.resolved_at or document.updated_at,
    )
    again = draft(
        session, incident=story.incident, actor=alice.actor, sections=["summary", "timeline"]
    )
    assert again.proposed == ["summary"]
    summary = documents.section(document, "summary")
    assert summary["body"] == "Our own words." and summary["proposal"].startswith(
        story.incident.reference
    )
