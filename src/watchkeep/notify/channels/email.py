"""E-mail over SMTP: a plain-text part, an HTML part when there is HTML, the acknowledge link
in both.

The Message-ID is made from the idempotency key, so every attempt of one notification
carries the same one and a mail system that deduplicates on it delivers it once.
``Auto-Submitted: auto-generated`` (RFC 3834) keeps vacation responders from answering.

What the server says decides whether to try again: a 5xx is permanent (no such mailbox, a
refused sender, failed login), a 4xx is a passing state (greylisting, a full queue), and so
is a server that cannot be reached or does not answer in time.
"""

import contextlib
import hashlib
import html
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from watchkeep.core.clock import Clock, utcnow
from watchkeep.notify.channels.protocol import ChannelKind, Message, Result

MESSAGE_ID_DOMAIN = "watchkeep"


class EmailChannel:
    """Sends one e-mail per attempt through an SMTP server (plain, STARTTLS, or TLS)."""

    kind: ChannelKind = "email"

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
        clock: Clock = utcnow,
    ) -> None:
        """``ssl_context``: whom to trust for TLS (default: the system's certificate
        authorities); a private CA or a test server's certificate goes here."""
        if starttls and use_ssl:
            raise ValueError("choose STARTTLS or TLS from the start (use_ssl), not both")
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._use_ssl = use_ssl
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._clock = clock

    def send(self, address: str, message: Message) -> Result:
        if not looks_like_address(address):
            return failed(f"{address!r} is not an e-mail address", retryable=False)
        mail = compose(message, sender=self._sender, recipient=address, date=self._clock())
        server = f"the mail server {self._host}:{self._port}"
        try:
            self._deliver(mail, address)
        except smtplib.SMTPRecipientsRefused as error:
            return refused_recipient(error, address)
        except smtplib.SMTPResponseException as error:
            said = as_text(error.smtp_error)
            temporary = 400 <= error.smtp_code < 500
            return failed(f"{server} answered {error.smtp_code} {said}", retryable=temporary)
        except smtplib.SMTPNotSupportedError as error:
            return failed(f"{server} cannot do what is configured: {error}", retryable=False)
        except ssl.SSLCertVerificationError as error:
            return failed(f"{server} has a certificate we do not trust: {error}", retryable=False)
        except (OSError, smtplib.SMTPException) as error:
            if timed_out(error):
                return failed(f"{server} did not answer within {self._timeout:g} s", retryable=True)
            reason = str(error) or type(error).__name__
            return failed(f"could not reach {server}: {reason}", retryable=True)
        return Result("sent", detail=f"accepted by {server}", provider_id=mail["Message-ID"])

    def _deliver(self, mail: EmailMessage, address: str) -> None:
        context = self._ssl_context or ssl.create_default_context()
        if self._use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=context
            )
        else:
            connection = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        try:
            if self._starttls:
                connection.starttls(context=context)
            if self._username:
                connection.login(self._username, self._password or "")
            connection.send_message(mail, from_addr=self._sender, to_addrs=[address])
        finally:
            # the message is accepted once DATA is answered; a failed goodbye changes nothing
            with contextlib.suppress(OSError):
                connection.quit()
            connection.close()


def compose(message: Message, *, sender: str, recipient: str, date: datetime) -> EmailMessage:
    """The e-mail: multipart/alternative, plain text first, HTML (if any) last."""
    mail = EmailMessage()
    mail["Subject"] = " ".join(message.subject.split())
    mail["From"] = sender
    mail["To"] = recipient
    mail["Date"] = format_datetime(date)
    mail["Message-ID"] = message_id(message.idempotency_key)
    mail["X-Watchkeep-Event"] = message.event
    mail["Auto-Submitted"] = "auto-generated"
    text = message.text
    if message.ack_url:
        text = f"{text.rstrip()}\n\nAcknowledge: {message.ack_url}\n"
    mail.set_content(text)
    mail.make_alternative()
    if message.html is not None:
        mail.add_alternative(html_with_ack(message.html, message.ack_url), subtype="html")
    return mail


def message_id(idempotency_key: str) -> str:
    """The same Message-ID for every attempt with one idempotency key."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{MESSAGE_ID_DOMAIN}>"


def html_with_ack(body: str, ack_url: str | None) -> str:
    """The HTML with an Acknowledge button at its end (inside ``<body>`` when it has one)."""
    if not ack_url:
        return body
    url = html.escape(ack_url, quote=True)
    button = (
        f'<p><a href="{url}" style="display:inline-block;padding:10px 18px;'
        "background:#1d4ed8;color:#ffffff;border-radius:4px;text-decoration:none;"
        'font-weight:bold">Acknowledge</a></p>'
    )
    end = body.lower().rfind("</body>")
    if end == -1:
        return body + button
    return body[:end] + button + body[end:]


def looks_like_address(address: str) -> bool:
    """One ``@`` between a local part and a domain, with no space or line break to smuggle
    a header or a second recipient in."""
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and not any(c.isspace() or c in ",;<>" for c in address)


def refused_recipient(error: smtplib.SMTPRecipientsRefused, address: str) -> Result:
    """A refused recipient is permanent (5xx) unless the server said "later" (4xx: a
    greylisting server refuses the first attempt on purpose)."""
    code, said = error.recipients.get(address, (550, b""))
    reason = as_text(said)
    return failed(
        f"the mail server refused the recipient {address}: {code} {reason}".rstrip(),
        retryable=400 <= code < 500,
    )


def failed(detail: str, *, retryable: bool) -> Result:
    return Result("failed", detail=detail, retryable=retryable)


def as_text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else said


def timed_out(error: BaseException) -> bool:
    """Whether the wait ran out (smtplib reports a read that timed out as a disconnection)."""
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)
