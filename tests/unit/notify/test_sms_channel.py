"""SMS and voice against a real local HTTP server that answers as Twilio's REST API does
(201 with the resource, or ``{"code", "message", "more_info", "status"}``)."""

import base64
import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from tests.unit.notify.conftest import Receiver, Request, message

from watchkeep.notify.channels.sms import SMS_LIMIT, TwilioChannel

SID = "AC0123456789abcdef0123456789abcdef"


def channel(receiver: Receiver, **options: Any) -> TwilioChannel:
    return TwilioChannel(
        base_url=receiver.url + "/",
        account_sid=SID,
        auth_token="token",
        from_number="+15005550006",
        **options,
    )


def created(receiver: Receiver, sid: str) -> None:
    receiver.answer(201, json.dumps({"sid": sid, "status": "queued"}))


def form(request: Request) -> dict[str, str]:
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    return {name: values[0] for name, values in parse_qs(request.body.decode()).items()}


def test_an_sms_is_a_form_post_to_the_messages_resource(receiver: Receiver) -> None:
    created(receiver, "SM0000000000000000000000000000000a")

    result = channel(receiver).send("+447700900123", message())

    assert (result.status, result.provider_id) == ("sent", "SM0000000000000000000000000000000a")
    (request,) = receiver.requests
    assert (request.method, request.path) == ("POST", f"/2010-04-01/Accounts/{SID}/Messages.json")
    assert (
        request.headers["Authorization"]
        == "Basic " + base64.b64encode(f"{SID}:token".encode()).decode()
    )
    assert form(request) == {
        "To": "+447700900123",
        "From": "+15005550006",
        "Body": "[P1] checkout is down\nAcknowledge: https://watchkeep.example/ack/abc?sig=x&y=1",
    }


def test_a_long_sms_is_cut_to_1600_characters_and_keeps_the_link(receiver: Receiver) -> None:
    created(receiver, "SM1")

    channel(receiver).send("+447700900123", message(subject="x" * 5000))

    body = form(receiver.requests[0])["Body"]
    assert len(body) == SMS_LIMIT
    assert body.endswith("…\nAcknowledge: https://watchkeep.example/ack/abc?sig=x&y=1")


def test_a_call_says_the_escaped_subject_twice(receiver: Receiver) -> None:
    created(receiver, "CA0000000000000000000000000000000b")
    voice = channel(receiver, voice=True)

    result = voice.send("+447700900123", message(subject="DB <primary> & replica\ndown"))

    assert voice.kind == "voice"
    assert (result.status, result.provider_id) == ("sent", "CA0000000000000000000000000000000b")
    (request,) = receiver.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Calls.json"
    said = "DB &lt;primary&gt; &amp; replica down"
    assert form(request) == {
        "To": "+447700900123",
        "From": "+15005550006",
        "Twiml": f'<Response><Say>{said}</Say><Pause length="1"/><Say>{said}</Say></Response>',
    }


def test_twilio_refusing_the_number_is_not_retried(receiver: Receiver) -> None:
    receiver.answer(
        400,
        json.dumps(
            {
                "code": 21211,
                "message": "The 'To' number +15005550001 is not a valid phone number.",
                "more_info": "https://www.twilio.com/docs/errors/21211",
                "status": 400,
            }
        ),
    )

    result = channel(receiver).send("+15005550001", message())

    assert (result.status, result.retryable) == ("failed", False)
    assert result.detail == (
        "Twilio answered 400 Bad Request: 21211 The 'To' number +15005550001 is not a valid "
        "phone number. (https://www.twilio.com/docs/errors/21211)"
    )


@pytest.mark.parametrize(
    ("status", "retryable"), [(401, False), (404, False), (429, True), (500, True), (503, True)]
)
def test_twilio_errors_are_retried_as_webhooks_are(
    receiver: Receiver, status: int, retryable: bool
) -> None:
    receiver.answer(status, json.dumps({"code": 20000 + status, "message": "m", "status": status}))

    result = channel(receiver).send("+447700900123", message())

    assert (result.status, result.retryable) == ("failed", retryable)
    assert f"{20000 + status} m" in result.detail


def test_an_answer_that_is_not_json_is_shown_as_it_came(receiver: Receiver) -> None:
    receiver.answer(502, "<html>Bad gateway</html>")

    result = channel(receiver).send("+447700900123", message())

    assert (result.status, result.retryable) == ("failed", True)
    assert result.detail.endswith("<html>Bad gateway</html>")


@pytest.mark.parametrize("number", ["447700900123", "+44 7700 900123", "+1234567", "+1" + "2" * 15])
def test_a_number_not_in_e164_form_is_refused_without_a_request(
    receiver: Receiver, number: str
) -> None:
    result = channel(receiver).send(number, message())

    assert (result.status, result.retryable) == ("failed", False)
    assert "is not in E.164 form" in result.detail
    assert receiver.requests == []


def test_a_sender_number_not_in_e164_form_is_refused(receiver: Receiver) -> None:
    sender = TwilioChannel(
        base_url=receiver.url, account_sid=SID, auth_token="t", from_number="Watchkeep"
    )

    result = sender.send("+447700900123", message())

    assert (result.status, result.retryable) == ("failed", False)
    assert "the sender number 'Watchkeep'" in result.detail


def test_a_slow_twilio_is_retried(receiver: Receiver) -> None:
    receiver.answer(201, json.dumps({"sid": "SM2"}), delay=0.6)

    result = channel(receiver, timeout=0.2).send("+447700900123", message())

    assert (result.status, result.retryable) == ("failed", True)
    assert result.detail == "Twilio did not answer within 0.2 s"
