"""Chat rooms through an incoming webhook: Slack's format, which Mattermost also accepts.

The address is the incoming-webhook URL; the body is ``{"text": ...}`` with the acknowledge
link in Slack's ``<url|Acknowledge>`` form. Mattermost translates that form into its own
Markdown link (its Slack-compatibility docs), so one format serves both.

Slack answers ``200 ok``, or an error word in the body (``400 invalid_payload``, ``403
invalid_token``, ``404 no_service``, ``410 channel_is_archived``): those need a person to fix
the hook, so only 408, 429 and 5xx are worth another attempt.
"""

import json

import httpx

from watchkeep.notify.channels import _http
from watchkeep.notify.channels.protocol import ChannelKind, Message, Result

# Slack reads <, > and & as its markup; text escapes them, and a URL inside <...|...> must
# hold none of <, > and | (percent-encoded, the URL means the same).
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
URL_ESCAPES = str.maketrans({"<": "%3C", ">": "%3E", "|": "%7C"})


class ChatChannel:
    """POSTs the notification to a Slack- or Mattermost-compatible incoming webhook."""

    kind: ChannelKind = "chat"

    def __init__(self, *, timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        self._timeout = timeout
        self._client = client or _http.make_client()

    def send(self, address: str, message: Message) -> Result:
        problem = _http.url_problem(address)
        if problem:
            return _http.failed(problem, retryable=False)
        answer = _http.post(
            self._client,
            address,
            what="the chat webhook",
            timeout=self._timeout,
            content=json.dumps({"text": chat_text(message)}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
        )
        if isinstance(answer, Result):
            return answer
        if answer.is_success:
            return Result("sent", detail=f"the chat webhook answered {answer.status_code}")
        return _http.refusal(answer, what="the chat webhook")


def chat_text(message: Message) -> str:
    """Subject, text, and the acknowledge link, one per line."""
    lines = [message.subject.translate(TEXT_ESCAPES), message.text.translate(TEXT_ESCAPES)]
    if message.ack_url:
        lines.append(f"<{message.ack_url.translate(URL_ESCAPES)}|Acknowledge>")
    return "\n".join(line for line in lines if line)
