"""Slack- and Mattermost-compatible incoming webhooks against a real local HTTP server."""

import json

import pytest
from tests.unit.notify.conftest import Receiver, message

from watchkeep.notify.channels.chat import ChatChannel


def test_the_text_has_subject_text_and_a_slack_style_link(receiver: Receiver) -> None:
    receiver.answer(200, "ok")

    result = ChatChannel(timeout=5).send(f"{receiver.url}/services/T0/B0/x", message())

    assert result.status == "sent"
    (request,) = receiver.requests
    assert (request.method, request.path) == ("POST", "/services/T0/B0/x")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "text": "[P1] checkout is down\nCheckout answers 502 for 40% of requests.\n"
        "<https://watchkeep.example/ack/abc?sig=x&y=1|Acknowledge>"
    }


def test_slack_markup_in_the_text_is_escaped(receiver: Receiver) -> None:
    ChatChannel().send(
        receiver.url,
        message(subject="a <b> & c", text="<!channel>", ack_url="https://x.example/a|b>c"),
    )

    assert json.loads(receiver.requests[0].body)["text"] == (
        "a &lt;b&gt; &amp; c\n&lt;!channel&gt;\n<https://x.example/a%7Cb%3Ec|Acknowledge>"
    )


def test_without_an_ack_link_there_is_no_link(receiver: Receiver) -> None:
    ChatChannel().send(receiver.url, message(ack_url=None, text=""))

    assert json.loads(receiver.requests[0].body) == {"text": "[P1] checkout is down"}


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (400, "invalid_payload", False),
        (403, "invalid_token", False),
        (404, "no_service", False),
        (410, "channel_is_archived", False),
        (429, "rate_limited", True),
        (500, "rollup_error", True),
        (503, "", True),
    ],
)
def test_slack_errors_say_whether_to_try_again(
    receiver: Receiver, status: int, body: str, retryable: bool
) -> None:
    receiver.answer(status, body)

    result = ChatChannel().send(receiver.url, message())

    assert (result.status, result.retryable) == ("failed", retryable)
    assert result.detail.startswith(f"the chat webhook answered {status}")
    assert result.detail.endswith(body)


def test_a_slow_chat_server_is_retried(receiver: Receiver) -> None:
    receiver.answer(200, "ok", delay=0.6)

    result = ChatChannel(timeout=0.2).send(receiver.url, message())

    assert (result.status, result.retryable) == ("failed", True)


def test_an_address_that_is_not_a_url_is_refused() -> None:
    result = ChatChannel().send("#general", message())

    assert (result.status, result.retryable) == ("failed", False)
