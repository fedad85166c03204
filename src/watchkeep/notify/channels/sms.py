"""Text messages and phone calls through Twilio's REST API (2010-04-01), or a compatible one.

An SMS is ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` and a call is ``POST
.../Calls.json``, both form-encoded with HTTP basic auth (account SID and auth token). A call
carries its script inline as ``Twiml``, so Twilio needs no URL of ours to fetch it. Twilio
answers 201 with the new resource as JSON (its ``sid`` is kept as the provider id), or an
error as JSON: ``{"code": 21211, "message": "...", "more_info": "...", "status": 400}``.
Twilio keeps no idempotency key for these requests, so a retry after a lost answer may send
twice; that is the price of paging at least once.
"""

import re
from typing import Literal
from urllib.parse import quote
from xml.sax.saxutils import escape

import httpx

from watchkeep.notify.channels import _http
from watchkeep.notify.channels.protocol import ChannelKind, Message, Result

E164 = re.compile(r"\+[0-9]{8,15}")
SMS_LIMIT = 1600  # Twilio refuses a longer Body (error 21617)
SPOKEN_LIMIT = 1000  # characters of the subject read out; Twiml may be 4,000 in all


class TwilioChannel:
    """Sends an SMS, or with ``voice`` places a call that reads the subject out twice."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        base_url: str = "https://api.twilio.com",
        voice: bool = False,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.kind: ChannelKind = "voice" if voice else "sms"
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._from_number = from_number
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._client = client or _http.make_client()

    def send(self, address: str, message: Message) -> Result:
        for role, number in (("recipient", address), ("sender", self._from_number)):
            if not E164.fullmatch(number):
                return _http.failed(
                    f"the {role} number {number!r} is not in E.164 form (+ and 8 to 15 digits)",
                    retryable=False,
                )
        resource: Literal["Messages", "Calls"] = "Calls" if self.kind == "voice" else "Messages"
        form = {"To": address, "From": self._from_number}
        if resource == "Calls":
            form["Twiml"] = twiml(message)
        else:
            form["Body"] = sms_body(message)
        account = quote(self._account_sid, safe="")
        answer = _http.post(
            self._client,
            f"{self._base_url}/2010-04-01/Accounts/{account}/{resource}.json",
            what="Twilio",
            timeout=self._timeout,
            data=form,
            auth=(self._account_sid, self._auth_token),
        )
        if isinstance(answer, Result):
            return answer
        body = _http.json_object(answer)
        if answer.is_success:
            sid = body.get("sid")
            if isinstance(sid, str) and sid:
                detail = f"Twilio answered {answer.status_code}"
                return Result("sent", detail=detail, provider_id=sid)
            # accepted all the same: trying again could page twice
            return Result("sent", detail=f"Twilio answered {answer.status_code} without a sid")
        return _http.refusal(answer, what="Twilio", reason=twilio_error(body))


def sms_body(message: Message) -> str:
    """The subject and the acknowledge link, the subject cut so that the link stays whole."""
    if not message.ack_url:
        return message.subject[:SMS_LIMIT]
    link = f"\nAcknowledge: {message.ack_url}"
    room = SMS_LIMIT - len(link)
    if room < 1:
        return message.subject[:SMS_LIMIT]
    subject = message.subject if len(message.subject) <= room else message.subject[: room - 1] + "…"
    return subject + link


def twiml(message: Message) -> str:
    """A call script that says the subject, pauses, and says it again."""
    said = escape(" ".join(message.subject.split())[:SPOKEN_LIMIT])
    return f'<Response><Say>{said}</Say><Pause length="1"/><Say>{said}</Say></Response>'


def twilio_error(body: object) -> str | None:
    """Twilio's error as one line (``21211 The 'To' number ... (more_info)``), if it sent one."""
    if not isinstance(body, dict) or "message" not in body:
        return None
    parts = [str(body["code"])] if body.get("code") is not None else []
    parts.append(str(body["message"]))
    if body.get("more_info"):
        parts.append(f"({body['more_info']})")
    return " ".join(parts)
