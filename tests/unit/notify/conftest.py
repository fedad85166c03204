"""Real receivers for the channel tests: an HTTP server that records what it is sent and
answers as told, and an SMTP server (aiosmtpd) that keeps the envelopes it accepts."""

import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message as Headers
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from watchkeep.notify.channels import Message


def message(**overrides: Any) -> Message:
    """A page with every field set; override what a test is about."""
    fields: dict[str, Any] = {
        "subject": "[P1] checkout is down",
        "text": "Checkout answers 502 for 40% of requests.",
        "idempotency_key": "notification-17:attempt-address-3",
        "event": "alert.page",
        "html": "<html><body><p>Checkout answers 502.</p></body></html>",
        "ack_url": "https://watchkeep.example/ack/abc?sig=x&y=1",
        "urgency": "high",
        "data": {"incident_id": 17, "service": "checkout"},
    }
    return Message(**(fields | overrides))


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: Headers
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Receiver:
    """What the HTTP server was sent, and the answers it gives next (then ``default``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.requests: list[Request] = []
        self.answers: deque[Answer] = deque()
        self.default = Answer()

    def answer(self, status: int, body: bytes | str = b"", **options: Any) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.answers.append(Answer(status, data, **options))


class RecordingHandler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.receiver.requests.append(Request("POST", self.path, self.headers, body))
        answer = self.receiver.answers.popleft() if self.receiver.answers else self.receiver.default
        time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            pass  # the client gave up waiting (the timeout tests)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.daemon_threads = True
    server.block_on_close = False
    found = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = type("Handler", (RecordingHandler,), {"receiver": found})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield found
    server.shutdown()
    server.server_close()
    thread.join()


class Mailbox:
    """An SMTP handler that keeps what it accepts and refuses what a test tells it to."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.rcpt_answers: dict[str, str] = {}  # recipient -> refusal, e.g. "550 5.1.1 ..."
        self.data_answer = "250 OK"

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.data_answer.startswith("250"):
            self.envelopes.append(envelope)
        return self.data_answer


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SmtpServer("127.0.0.1", controller.port, mailbox)
    controller.stop()
