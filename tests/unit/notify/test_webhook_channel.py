"""Webhooks against a real local HTTP server that records what it is sent."""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from tests.unit.notify.conftest import Receiver, free_port, message

from watchkeep.notify.channels.webhook import WebhookChannel, sign, verify

FROZEN = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
STAMP = int(FROZEN.timestamp())


SECRET = "s3cret"


def channel(secret: str | None = SECRET, timeout: float = 5.0) -> WebhookChannel:
    return WebhookChannel(secret=secret, timeout=timeout, clock=lambda: FROZEN)


def test_the_notification_is_posted_as_signed_json(receiver: Receiver) -> None:
    result = channel().send(f"{receiver.url}/hooks/pager?team=db", message())

    assert result.status == "sent"
    (request,) = receiver.requests
    assert (request.method, request.path) == ("POST", "/hooks/pager?team=db")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == "notification-17:attempt-address-3"
    assert request.headers["X-Watchkeep-Event"] == "alert.page"
    assert request.headers["X-Watchkeep-Timestamp"] == str(STAMP)
    signature = request.headers["X-Watchkeep-Signature"]
    assert signature.startswith("sha256=")
    assert verify("s3cret", STAMP, request.body, signature, now=lambda: STAMP + 10)
    assert not verify("other", STAMP, request.body, signature, now=lambda: STAMP)
    assert json.loads(request.body) == {
        "event": "alert.page",
        "idempotency_key": "notification-17:attempt-address-3",
        "subject": "[P1] checkout is down",
        "text": "Checkout answers 502 for 40% of requests.",
        "urgency": "high",
        "ack_url": "https://watchkeep.example/ack/abc?sig=x&y=1",
        "data": {"incident_id": 17, "service": "checkout"},
        "sent_at": "2024-03-01T12:30:00Z",
    }


def test_without_a_secret_there_is_no_signature(receiver: Receiver) -> None:
    channel(secret=None).send(receiver.url, message(ack_url=None))

    (request,) = receiver.requests
    assert "X-Watchkeep-Signature" not in request.headers
    assert json.loads(request.body)["ack_url"] is None


def test_facts_json_has_no_type_for_go_as_text(receiver: Receiver) -> None:
    opened = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    channel().send(receiver.url, message(data={"opened": opened, "tags": {"db"}}))

    assert json.loads(receiver.requests[0].body)["data"] == {
        "opened": "2024-03-01T12:00:00Z",
        "tags": "{'db'}",
    }


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, ("sent", False)),
        (202, ("sent", False)),
        (204, ("sent", False)),
        (400, ("failed", False)),
        (401, ("failed", False)),
        (404, ("failed", False)),
        (410, ("failed", False)),
        (422, ("failed", False)),
        (408, ("failed", True)),
        (429, ("failed", True)),
        (500, ("failed", True)),
        (502, ("failed", True)),
        (503, ("failed", True)),
    ],
)
def test_each_kind_of_answer_has_its_result(
    receiver: Receiver, status: int, outcome: tuple[str, bool]
) -> None:
    receiver.answer(status, "" if status == 204 else "the receiver's reason")

    result = channel().send(receiver.url, message())

    assert (result.status, result.retryable) == outcome
    if result.status == "failed":
        assert result.detail.startswith(f"the webhook answered {status} ")
        assert result.detail.endswith("the receiver's reason")


def test_retry_after_is_kept_in_the_detail(receiver: Receiver) -> None:
    receiver.answer(429, "slow down", headers={"Retry-After": "30"})

    assert channel().send(receiver.url, message()).detail.endswith("(Retry-After: 30)")


def test_a_redirect_is_not_followed(receiver: Receiver) -> None:
    receiver.answer(302, headers={"Location": f"{receiver.url}/elsewhere"})

    result = channel().send(receiver.url, message())

    assert (result.status, result.retryable) == ("failed", False)
    assert "redirects are not followed" in result.detail
    assert len(receiver.requests) == 1


def test_a_receiver_slower_than_the_timeout_is_retried(receiver: Receiver) -> None:
    receiver.answer(200, "ok", delay=0.6)

    result = channel(timeout=0.2).send(receiver.url, message())

    assert (result.status, result.retryable) == ("failed", True)
    assert result.detail == "the webhook did not answer within 0.2 s"


def test_a_receiver_that_is_not_there_is_retried() -> None:
    result = channel().send(f"http://127.0.0.1:{free_port()}/hook", message())

    assert (result.status, result.retryable) == ("failed", True)
    assert result.detail.startswith("could not reach the webhook")


@pytest.mark.parametrize(
    "address", ["ftp://example.org/hook", "file:///etc/passwd", "not a url", "https://", ""]
)
def test_only_http_and_https_urls_are_addresses(address: str) -> None:
    result = channel().send(address, message())

    assert (result.status, result.retryable) == ("failed", False)


def test_verify_refuses_what_was_changed_or_is_old() -> None:
    body = b'{"event":"test"}'
    good = sign("k", STAMP, body)

    assert verify("k", str(STAMP), body, good, now=lambda: STAMP)
    assert not verify("k", STAMP, body + b" ", good, now=lambda: STAMP)
    assert not verify("k", STAMP + 1, body, good, now=lambda: STAMP)
    assert not verify("k", STAMP, body, good, now=lambda: STAMP + 301)
    assert verify("k", STAMP, body, good, tolerance_seconds=None, now=lambda: STAMP + 10**6)
    assert not verify("k", "12e3", body, good)
    assert not verify("k", "-1", body, good)
    # the documented scheme, computed independently
    assert (
        good == "sha256=" + hmac.new(b"k", f"{STAMP}.".encode() + body, hashlib.sha256).hexdigest()
    )
