"""What a notification says: built when it is sent, from what the database holds then (so a
delayed step says the alert's current state), in plain text, HTML and JSON."""

import html
from datetime import datetime

from sqlalchemy.orm import Session

from watchkeep.alert.models import Alert
from watchkeep.auth.models import User
from watchkeep.escalation import links
from watchkeep.escalation.models import Page
from watchkeep.notify.channels import Message
from watchkeep.notify.models import Notification

SUBJECT_LENGTH = 200


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _html(lines: list[str], ack_url: str | None, link: str | None) -> str:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    if ack_url:
        body += (
            f'<p><a href="{html.escape(ack_url)}" style="display:inline-block;padding:8px 16px;'
            'background:#1a56db;color:#fff;text-decoration:none;border-radius:4px">'
            "Acknowledge</a></p>"
        )
    if link:
        body += f'<p><a href="{html.escape(link)}">Open in Watchkeep</a></p>'
    return f"<!doctype html><html><body>{body}</body></html>"


def compose(
    session: Session, notification: Notification, *, base_url: str, now: datetime
) -> Message:
    """The message of ``notification`` as it should read now."""
    base = base_url.rstrip("/")
    page = session.get(Page, notification.page_id) if notification.page_id else None
    if page is None:
        content = notification.content
        return Message(
            subject=_cut(content.get("subject", "Watchkeep"), SUBJECT_LENGTH),
            text=content.get("text", ""),
            html=_html(content.get("text", "").splitlines(), None, content.get("url")),
            idempotency_key=notification.idempotency_key,
            event=notification.event,
            urgency=content.get("urgency", "low"),
            data=content.get("data", {}),
        )
    ack_url = f"{base}{links.ack_path(links.token_for(session, page=page, now=now))}"
    alert = session.get(Alert, page.alert_id) if page.alert_id else None
    if alert is None:
        return _direct(session, notification, page, ack_url)
    url = f"{base}/alerts/{alert.id}"
    labels = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
    lines = [
        f"{alert.reference} {alert.title}",
        f"Status: {alert.status} · urgency {alert.urgency}"
        + (f" · severity {alert.severity}" if alert.severity else ""),
        f"Source: {alert.source.name}",
        alert.description,
        f"Labels: {labels}" if labels else "",
        f"Paged at level {page.level + 1}" + (f", round {page.cycle + 1}" if page.cycle else ""),
    ]
    text = "\n".join(line for line in lines if line)
    return Message(
        subject=_cut(f"[{alert.urgency.upper()}] {alert.reference} {alert.title}", SUBJECT_LENGTH),
        text=f"{text}\n\nAcknowledge: {ack_url}\nOpen: {url}",
        html=_html(lines, ack_url, url),
        ack_url=ack_url,
        idempotency_key=notification.idempotency_key,
        event="alert.page",
        urgency=alert.urgency,
        data={
            "alert": {
                "id": alert.id,
                "reference": alert.reference,
                "title": alert.title,
                "status": alert.status,
                "severity": alert.severity,
                "urgency": alert.urgency,
                "labels": alert.labels,
                "source": alert.source.name,
                "url": url,
            },
            "page": {"id": page.id, "level": page.level, "cycle": page.cycle},
        },
    )


def _direct(session: Session, notification: Notification, page: Page, ack_url: str) -> Message:
    sender = session.get(User, page.sender_id) if page.sender_id else None
    who = sender.name if sender else "Watchkeep"
    lines = [page.message, f"Paged by {who}"]
    return Message(
        subject=_cut(f"[PAGE] {page.message}", SUBJECT_LENGTH),
        text="\n".join(lines) + f"\n\nAcknowledge: {ack_url}",
        html=_html(lines, ack_url, None),
        ack_url=ack_url,
        idempotency_key=notification.idempotency_key,
        event="page",
        urgency=page.urgency,
        data={"page": {"id": page.id, "message": page.message, "from": who}},
    )
