"""The optional language model, through a local server speaking the OpenAI chat-completions
wire format: its prose replaces the drafter's sentence by sentence where the checks pass, and
every sentence without a valid citation, or naming a cause its sources do not state, is dropped
and reported."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.factories import make_person
from tests.integration.assist.story import Story, checkout_outage

from watchkeep.assist.drafting import llm
from watchkeep.assist.drafting.service import draft, phraser_of
from watchkeep.postmortem import documents


class Model:
    """What the fake server answers, and what it was asked."""

    def __init__(self) -> None:
        self.answer: Any = None
        self.status = 200
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []


@pytest.fixture
def model() -> Iterator[tuple[Model, str]]:
    state = Model()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
            body = json.dumps(state.answer).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def completion(sections: dict[str, str]) -> dict[str, Any]:
    """A chat completion as the API documents it, its content the JSON asked for."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "local",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": json.dumps({"sections": sections})},
            }
        ],
    }


@pytest.fixture
def story(session: Session) -> Story:
    return checkout_outage(
        session, make_person(session, name="Alice"), make_person(session, name="Bob")
    )


def test_supported_sentences_are_kept_and_the_rest_dropped_and_reported(
    session: Session, story: Story, model: tuple[Model, str]
) -> None:
    state, url = model
    deploy = f"C{story.deploy.id}"
    state.answer = completion(
        {
            "summary": (
                "Checkout failed for 25 minutes from 10:00 UTC."
                "[^F-impact_started_at][^F-mitigated_at] "
                "Engineers worked hard. "
                f"The deploy caused the outage.[^{deploy}] "
                "The team rolled back at 10:20.[^F-severity]"
            )
        }
    )
    phraser = phraser_of(url, "local", "sk-test", 5)
    drafted = draft(
        session,
        incident=story.incident,
        actor=make_person(session).actor,
        phraser=phraser,
        sections=["summary"],
    )
    summary = documents.section(drafted.document, "summary")["body"]
    assert (
        summary
        == "Checkout failed for 25 minutes from 10:00 UTC.[^F-impact_started_at][^F-mitigated_at]"
    )
    reasons = {d.sentence: d.reason for d in drafted.dropped}
    assert reasons == {
        "Engineers worked hard.": "cites no source",
        f"The deploy caused the outage.[^{deploy}]": (
            "speaks of a cause without citing the root cause, a problem or a known error"
        ),
        "The team rolled back at 10:20.[^F-severity]": "the time 10:20 is in none of its sources",
    }
    headers, body = state.requests[0]
    assert headers["Authorization"] == "Bearer sk-test"
    assert body["model"] == "local" and body["messages"][0]["role"] == "system"
    sent = json.loads(body["messages"][1]["content"])
    assert set(sent["sections"]) == {"summary"} and "F-root_cause" in sent["sources"]


def test_a_failing_model_leaves_the_drafters_text(
    session: Session, story: Story, model: tuple[Model, str]
) -> None:
    state, url = model
    state.status, state.answer = 500, {"error": {"message": "overloaded"}}
    drafted = draft(
        session,
        incident=story.incident,
        actor=make_person(session).actor,
        phraser=phraser_of(url, "local", None, 5),
        sections=["summary"],
    )
    assert drafted.phraser_error is not None and "500" in drafted.phraser_error
    assert documents.section(drafted.document, "summary")["body"].startswith(
        story.incident.reference
    )


def test_an_answer_that_is_not_json_is_an_error(model: tuple[Model, str]) -> None:
    state, url = model
    state.answer = {"choices": [{"message": {"role": "assistant", "content": "Sure! Here it is."}}]}
    with pytest.raises(llm.PhraserError, match='no "sections"'):
        llm.ChatCompletions(url, "local").phrase({"summary": "x"}, {})


def test_no_model_unless_configured() -> None:
    assert phraser_of(None, "llama3.1", None, 5) is None
