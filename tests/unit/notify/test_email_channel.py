"""E-mail against a real SMTP server (aiosmtpd on a free local port)."""

import email
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from tests.unit.notify.conftest import Mailbox, SmtpServer, free_port, message

from watchkeep.notify.channels.email import EmailChannel, message_id

FROZEN = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)


def channel(server: SmtpServer, **options: Any) -> EmailChannel:
    return EmailChannel(
        host=server.host,
        port=server.port,
        sender="pager@watchkeep.example",
        clock=lambda: FROZEN,
        **options,
    )


def received(server: SmtpServer, index: int = -1) -> EmailMessage:
    content = server.mailbox.envelopes[index].content
    assert isinstance(content, bytes)
    parsed = email.message_from_bytes(content, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_an_email_has_a_text_and_an_html_part_each_with_the_ack_link(
    smtp_server: SmtpServer,
) -> None:
    result = channel(smtp_server).send("oncall@example.org", message())

    assert result.status == "sent"
    envelope = smtp_server.mailbox.envelopes[0]
    assert envelope.mail_from == "pager@watchkeep.example"
    assert envelope.rcpt_tos == ["oncall@example.org"]
    mail = received(smtp_server)
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Subject"] == "[P1] checkout is down"
    assert mail["From"] == "pager@watchkeep.example"
    assert mail["To"] == "oncall@example.org"
    assert mail["Date"] == "Fri, 01 Mar 2024 12:30:00 +0000"
    assert mail["X-Watchkeep-Event"] == "alert.page"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"] == result.provider_id
    text, html = (part for part in mail.iter_parts())
    assert text.get_content_type() == "text/plain"
    assert "Checkout answers 502 for 40% of requests." in text.get_content()
    assert "Acknowledge: https://watchkeep.example/ack/abc?sig=x&y=1" in text.get_content()
    assert html.get_content_type() == "text/html"
    body = html.get_content()
    assert '<a href="https://watchkeep.example/ack/abc?sig=x&amp;y=1"' in body
    assert body.index("Acknowledge</a>") < body.index("</body>")


def test_without_html_or_ack_link_there_is_only_the_text(smtp_server: SmtpServer) -> None:
    assert channel(smtp_server).send("a@example.org", message(html=None, ack_url=None)).status == (
        "sent"
    )

    parts = list(received(smtp_server).iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain"]
    assert "Acknowledge" not in parts[0].get_content()


def test_every_attempt_of_one_notification_has_the_same_message_id(
    smtp_server: SmtpServer,
) -> None:
    sender = channel(smtp_server)

    first = sender.send("a@example.org", message())
    again = sender.send("a@example.org", message(subject="changed, same notification"))
    other = sender.send("a@example.org", message(idempotency_key="notification-18"))

    assert first.provider_id == again.provider_id == message_id(message().idempotency_key)
    assert received(smtp_server, 0)["Message-ID"] == received(smtp_server, 1)["Message-ID"]
    assert other.provider_id != first.provider_id
    assert first.provider_id is not None
    assert first.provider_id.startswith("<") and first.provider_id.endswith("@watchkeep>")


def test_a_subject_with_line_breaks_stays_one_header_line(smtp_server: SmtpServer) -> None:
    channel(smtp_server).send("a@example.org", message(subject="one\r\nBcc: x@evil.example"))

    mail = received(smtp_server)
    assert mail["Subject"] == "one Bcc: x@evil.example"
    assert mail["Bcc"] is None


def test_a_recipient_refused_for_good_is_not_retried(smtp_server: SmtpServer) -> None:
    smtp_server.mailbox.rcpt_answers["gone@example.org"] = "550 5.1.1 no such user"

    result = channel(smtp_server).send("gone@example.org", message())

    assert (result.status, result.retryable) == ("failed", False)
    assert "refused the recipient gone@example.org: 550 5.1.1 no such user" in result.detail


def test_a_recipient_refused_for_now_is_retried(smtp_server: SmtpServer) -> None:
    smtp_server.mailbox.rcpt_answers["grey@example.org"] = "450 4.2.0 greylisted, try later"

    result = channel(smtp_server).send("grey@example.org", message())

    assert (result.status, result.retryable) == ("failed", True)
    assert "450 4.2.0 greylisted" in result.detail


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [("451 4.3.0 queue full", True), ("554 5.7.1 message refused", False)],
)
def test_the_server_answer_to_the_message_decides_retrying(
    smtp_server: SmtpServer, answer: str, retryable: bool
) -> None:
    smtp_server.mailbox.data_answer = answer

    result = channel(smtp_server).send("a@example.org", message())

    assert (result.status, result.retryable) == ("failed", retryable)
    assert answer in result.detail


def test_a_server_that_is_not_there_is_retried() -> None:
    result = EmailChannel(host="127.0.0.1", port=free_port(), sender="w@example.org").send(
        "a@example.org", message()
    )

    assert (result.status, result.retryable) == ("failed", True)
    assert result.detail.startswith("could not reach the mail server 127.0.0.1:")


def test_a_server_that_does_not_answer_in_time_is_retried() -> None:
    with socket.socket() as silent:  # listens, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        sender = EmailChannel(host="127.0.0.1", port=port, sender="w@example.org", timeout=0.2)

        result = sender.send("a@example.org", message())

    assert (result.status, result.retryable) == ("failed", True)
    assert "did not answer within 0.2 s" in result.detail


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b.org, c@d.org", "a@b.org\r\nBcc: c@d"])
def test_what_is_not_an_address_is_refused_without_a_connection(address: str) -> None:
    result = EmailChannel(host="127.0.0.1", port=free_port(), sender="w@example.org").send(
        address, message()
    )

    assert (result.status, result.retryable) == ("failed", False)
    assert "is not an e-mail address" in result.detail


def test_starttls_and_tls_from_the_start_exclude_each_other() -> None:
    with pytest.raises(ValueError, match="not both"):
        EmailChannel(host="h", port=25, sender="s@h", starttls=True, use_ssl=True)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
    command += " -addext subjectAltName=IP:127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """An SMTP server that offers STARTTLS and, after it, a login as pager/secret."""
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        ok = isinstance(auth, LoginPassword) and (auth.login, auth.password) == (
            b"pager",
            b"secret",
        )
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535

    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
    )
    controller.start()
    yield SmtpServer("127.0.0.1", controller.port, mailbox)
    controller.stop()


def test_starttls_with_a_login(tls_server: SmtpServer, certificate: tuple[Path, Path]) -> None:
    trusted = ssl.create_default_context(cafile=str(certificate[0]))

    def sender(**options: Any) -> EmailChannel:
        return channel(tls_server, starttls=True, ssl_context=trusted, **options)

    sent = sender(username="pager", password="secret").send("a@example.org", message())
    wrong = sender(username="pager", password="wrong").send("a@example.org", message())
    untrusted = channel(tls_server, starttls=True).send("a@example.org", message())

    assert sent.status == "sent"
    assert len(tls_server.mailbox.envelopes) == 1
    assert (wrong.status, wrong.retryable) == ("failed", False)
    assert "535" in wrong.detail
    assert (untrusted.status, untrusted.retryable) == ("failed", False)
    assert "certificate we do not trust" in untrusted.detail
