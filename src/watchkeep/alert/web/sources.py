"""Admin pages of alert sources: the list, a new source, and each source's page with its
settings, its integration key (rotated on demand) and the configuration its sender needs."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.alert import routing, sources
from watchkeep.alert.models import AlertSource
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow
from watchkeep.core.limits import NAME_LENGTH, TEXT_LENGTH
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, go_to, is_htmx
from watchkeep.http.deps import DbSession, SettingsDep
from watchkeep.http.forms import parse_id, parse_rank
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

SOURCES = "/admin/alert-sources"
KIND_LABELS = {
    "alertmanager": "Prometheus Alertmanager",
    "pagerduty": "PagerDuty Events API v2",
    "grafana": "Grafana",
    "generic": "Generic HTTP",
    "heartbeat": "Heartbeat",
    "github": "GitHub (pull requests, deploys, pushes)",
}
GITHUB_EVENTS_TO_SELECT = "Pull requests, Pushes, Deployments, Deployment statuses"


@dataclass(frozen=True)
class Snippet:
    """One piece of configuration to copy into the sender."""

    id: str
    title: str
    text: str
    kinds: tuple[str, ...]  # the source kinds whose instructions show it first


def snippets(base_url: str, source: AlertSource) -> list[Snippet]:
    """What a sender needs, with the real address and key; the source's kind first."""
    urls = sources.endpoints(base_url, source)
    key = source.integration_key
    if source.kind == "github":
        return _github(urls["github"], source.signing_secret or "")
    if source.kind == "heartbeat":
        return [
            Snippet("snippet-heartbeat", "Ping URL", urls["heartbeat"], ("heartbeat",)),
            Snippet(
                "snippet-heartbeat-curl",
                "Ping from a job (cron, a systemd timer, the end of a script)",
                f"curl -fsS --retry 3 {urls['heartbeat']}",
                ("heartbeat",),
            ),
        ]
    found = [
        Snippet(
            "snippet-alertmanager",
            "Alertmanager receiver (webhook_configs)",
            "receivers:\n"
            "  - name: watchkeep\n"
            "    webhook_configs:\n"
            f"      - url: {urls['alertmanager']}\n"
            "        send_resolved: true",
            ("alertmanager",),
        ),
        Snippet(
            "snippet-alertmanager-pagerduty",
            "Alertmanager receiver (pagerduty_configs)",
            "receivers:\n"
            "  - name: watchkeep\n"
            "    pagerduty_configs:\n"
            f"      - routing_key: {key}\n"
            f"        url: {urls['pagerduty']}\n"
            "        send_resolved: true",
            ("alertmanager",),
        ),
        Snippet(
            "snippet-grafana", "Grafana webhook contact point URL", urls["grafana"], ("grafana",)
        ),
        Snippet(
            "snippet-pagerduty-url",
            "PagerDuty Events API v2 URL",
            urls["pagerduty"],
            ("pagerduty",),
        ),
        Snippet("snippet-pagerduty-key", "PagerDuty routing key", key, ("pagerduty",)),
        Snippet(
            "snippet-pagerduty-change",
            "PagerDuty change events URL",
            urls["pagerduty_change"],
            ("pagerduty",),
        ),
        Snippet(
            "snippet-generic",
            "Generic HTTP (curl)",
            f"curl -X POST {urls['generic']} \\\n"
            "  -H 'Content-Type: application/json' \\\n"
            '  -d \'{"title": "Backup failed", "status": "firing", '
            '"dedup_key": "backup-nightly", "severity": "error", '
            '"labels": {"job": "backup"}}\'',
            ("generic",),
        ),
    ]
    return [s for s in found if source.kind in s.kinds] + [
        s for s in found if source.kind not in s.kinds
    ]


def _github(url: str, secret: str) -> list[Snippet]:
    """A repository's (or an organization's) webhook: Settings → Webhooks → Add webhook."""
    kinds = ("github",)
    return [
        Snippet("snippet-github-url", "Payload URL", url, kinds),
        Snippet("snippet-github-type", "Content type", "application/json", kinds),
        Snippet("snippet-github-secret", "Secret", secret, kinds),
        Snippet(
            "snippet-github-events",
            "Which events: Let me select individual events",
            GITHUB_EVENTS_TO_SELECT,
            kinds,
        ),
        Snippet(
            "snippet-github-cli",
            "Or add the webhook with the GitHub CLI (replace OWNER/REPO)",
            "gh api repos/OWNER/REPO/hooks -f name=web -F active=true \\\n"
            f"  -f 'config[url]={url}' -f 'config[content_type]=json' \\\n"
            f"  -f 'config[secret]={secret}' \\\n"
            "  -f 'events[]=pull_request' -f 'events[]=push' \\\n"
            "  -f 'events[]=deployment' -f 'events[]=deployment_status'",
            kinds,
        ),
    ]


def leading(source: AlertSource, found: list[Snippet]) -> int:
    """How many of ``found`` are the instructions of the source's kind (the rest follow)."""
    return sum(1 for s in found if source.kind in s.kinds)


def _choices(session: Session) -> dict[str, Any]:
    return {
        "kinds": KIND_LABELS,
        "services": catalog.list_services(session),
        "policies": routing.policy_names(session),
    }


def _render_list(request: Request, session: Session) -> Response:
    return render(
        request,
        "alert_admin/sources.html",
        sources=sources.list_sources(session),
        received=sources.last_received(session),
        **_choices(session),
    )


def _render_source(
    request: Request, session: Session, base_url: str, source_id: int, *, fragment: bool
) -> Response:
    source = sources.get(session, source_id=source_id)
    found = snippets(base_url, source)
    return render(
        request,
        "alert_admin/_source.html" if fragment else "alert_admin/source.html",
        source=source,
        snippets=found,
        leading=leading(source, found),
        received=sources.last_received(session).get(source.id),
        **_choices(session),
    )


def _minutes(value: str, name: str) -> int | None:
    """A number of minutes from the form as seconds (empty: none)."""
    return parse_rank(value, name) * 60 if value.strip() else None


@router.get(SOURCES)
def source_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """Every alert source with its kind, service, policy and last event."""
    return _render_list(request, session)


@router.post(SOURCES)
def create_source(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    kind: str = Form(""),
    description: str = Form("", max_length=TEXT_LENGTH),
    service_id: str = Form(""),
    escalation_policy_id: str = Form(""),
    heartbeat_minutes: str = Form(""),
    grace_minutes: str = Form(""),
) -> Response:
    """Add a source; its page, with the key and the sender's configuration, comes next."""
    created = sources.create(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        kind=kind,
        description=description.strip(),
        service_id=parse_id(service_id, "service_id"),
        escalation_policy_id=parse_id(escalation_policy_id, "escalation_policy_id"),
        heartbeat_seconds=_minutes(heartbeat_minutes, "heartbeat_seconds")
        if kind == "heartbeat"
        else None,
        grace_seconds=_minutes(grace_minutes, "grace_seconds") or 0,
    )
    return go_to(
        request,
        f"{SOURCES}/{created.id}",
        notice=f"Alert source {created.name} created; configure its sender below.",
    )


@router.get(SOURCES + "/{source_id:id}")
def source_page(
    source_id: int, request: Request, session: DbSession, settings: SettingsDep, _actor: WebAdmin
) -> Response:
    """One source: its settings, its key and how to send to it."""
    return _render_source(request, session, settings.base_url, source_id, fragment=is_htmx(request))


@router.post(SOURCES + "/{source_id:id}")
def update_source(
    source_id: int,
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    actor: WebAdmin,
    name: str = Form("", max_length=NAME_LENGTH),
    description: str = Form("", max_length=TEXT_LENGTH),
    service_id: str = Form(""),
    escalation_policy_id: str = Form(""),
    enabled: bool = Form(False),
    heartbeat_minutes: str = Form(""),
    grace_minutes: str = Form(""),
) -> Response:
    """Save a source's settings (no service or policy chosen: it has none; its kind stays)."""
    heartbeat = sources.get(session, source_id=source_id).kind == "heartbeat"
    changed = sources.update(
        session,
        actor=actor,
        now=utcnow(),
        source_id=source_id,
        name=name,
        description=description.strip(),
        service_id=parse_id(service_id, "service_id"),
        escalation_policy_id=parse_id(escalation_policy_id, "escalation_policy_id"),
        enabled=enabled,
        heartbeat_seconds=_minutes(heartbeat_minutes, "heartbeat_seconds") if heartbeat else None,
        grace_seconds=_minutes(grace_minutes, "grace_seconds") or 0,
    )
    return answer_form(
        request,
        url=f"{SOURCES}/{source_id}",
        notice=f"Alert source {changed.name} saved.",
        fragment=lambda: _render_source(
            request, session, settings.base_url, source_id, fragment=True
        ),
    )


@router.post(SOURCES + "/{source_id:id}/rotate-key")
def rotate_key(
    source_id: int, request: Request, session: DbSession, settings: SettingsDep, actor: WebAdmin
) -> Response:
    """Give the source a new key (and a signing secret, if it has one); the old ones stop
    working at once."""
    rotated = sources.rotate_key(session, actor=actor, now=utcnow(), source_id=source_id)
    said = (
        f"Key and signing secret of {rotated.name} rotated; the old ones no longer work."
        if rotated.signing_secret
        else f"Key of {rotated.name} rotated; the old key no longer works."
    )
    return answer_form(
        request,
        url=f"{SOURCES}/{source_id}",
        notice=f"{said} Update the sender's configuration.",
        fragment=lambda: _render_source(
            request, session, settings.base_url, source_id, fragment=True
        ),
    )
