"""HTML routes of notify: how a person is paged (contact methods, a test message to one, and
notification rules), as a panel of their profile and, for admins, a page per user; and what
notify shows on the alert page: every notification of the alert's pages, how each was
delivered, and its attempts."""

from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.alert.web.context import PAGE as ALERT_PAGE
from watchkeep.auth import service as auth
from watchkeep.auth.models import User
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import NotFound
from watchkeep.http.browser import WebActor, WebAdmin, WebRoute, answer_form
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_id, parse_rank
from watchkeep.http.panels import Panel, PanelInput
from watchkeep.http.templates import render
from watchkeep.notify import contacts, deliveries

router = APIRouter(route_class=WebRoute)

PROFILE_PAGE = "profile"  # the profile's panel set (see watchkeep.auth.web.profile)
KIND_LABELS = {
    "email": "E-mail",
    "sms": "SMS",
    "voice": "Voice call",
    "webhook": "Webhook",
    "chat": "Chat webhook",
}
PLACEHOLDERS = {
    "email": "ada@example.com",
    "sms": "+447700900123",
    "voice": "+447700900123",
    "webhook": "https://…",
    "chat": "https://…",
}
MAX_ADDRESS = 2000
MAX_LABEL = 200


def contacts_context(session: Session, user: User, actor: Actor) -> dict[str, Any]:
    """What the contacts part draws for ``user``, seen by ``actor``."""
    return {
        "person": user,
        "own": user.id == actor.user_id,
        "methods": contacts.methods_of(session, user_id=user.id),
        "rules": contacts.rules_of(session, user_id=user.id),
        "kinds": KIND_LABELS,
        "placeholders": PLACEHOLDERS,
        "urgencies": contacts.URGENCIES,
        "max_delay": contacts.MAX_DELAY_MINUTES,
        "base": f"/contacts/{user.id}",
    }


def _panel_context(given: PanelInput) -> dict[str, Any]:
    return contacts_context(given.session, given.subject, given.shared["actor"])


def _deliveries(panel: PanelInput) -> dict[str, Any]:
    found = deliveries.of_alert(panel.session, alert_id=panel.subject.id)
    return {
        "notifications": [
            (n, deliveries.attempts_of(panel.session, notification_id=n.id)) for n, _page in found
        ]
    }


DELIVERIES = Panel(
    "deliveries",
    "notify/_deliveries.html",
    _deliveries,
    slot="side",
    order=20,
    refresh_on=("every 30s",),
)

PANELS: dict[str, tuple[Panel, ...]] = {
    PROFILE_PAGE: (Panel("contacts", "notify/_contacts.html", _panel_context, slot="main"),),
    ALERT_PAGE: (DELIVERIES,),
}


def _person(session: Session, actor: Actor, user_id: int) -> User:
    """The person whose contacts ``actor`` manages (themselves, or anyone for an admin)."""
    contacts.may_read(actor, user_id)
    return auth.get_user(session, user_id=user_id)


def _page_of(actor: Actor, user_id: int) -> str:
    return "/profile#contacts" if user_id == actor.user_id else f"/admin/users/{user_id}/contacts"


def _answer(
    request: Request, session: Session, actor: Actor, person: User, notice: str
) -> Response:
    return answer_form(
        request,
        url=_page_of(actor, person.id),
        notice=notice,
        fragment=lambda: render(
            request, "notify/_contacts.html", **contacts_context(session, person, actor)
        ),
    )


def _method_of(session: Session, person: User, method_id: int) -> str:
    """The method's description, if it is ``person``'s (else as if it did not exist)."""
    method = contacts.get_method(session, method_id=method_id)
    if method.user_id != person.id:
        raise NotFound(f"contact method {method_id} does not exist", field="contact_method_id")
    return f"{KIND_LABELS[method.kind]} {method.address}"


@router.get("/admin/users/{user_id:id}/contacts")
def user_contacts(user_id: int, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """How another person is paged, for an admin to manage."""
    person = auth.get_user(session, user_id=user_id)
    return render(request, "notify/contacts.html", **contacts_context(session, person, actor))


@router.post("/contacts/{user_id:id}/methods")
def add_method(
    user_id: int,
    request: Request,
    session: DbSession,
    actor: WebActor,
    kind: str = Form(""),
    address: str = Form("", max_length=MAX_ADDRESS),
    label: str = Form("", max_length=MAX_LABEL),
) -> Response:
    """Add a way to reach the person."""
    person = _person(session, actor, user_id)
    method = contacts.add_method(
        session, actor=actor, now=utcnow(), user_id=user_id, kind=kind, address=address, label=label
    )
    notice = f"{KIND_LABELS[method.kind]} {method.address} added."
    return _answer(request, session, actor, person, notice)


@router.post("/contacts/{user_id:id}/methods/{method_id:id}/delete")
def remove_method(
    user_id: int, method_id: int, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """Remove a contact method and the rules that use it."""
    person = _person(session, actor, user_id)
    described = _method_of(session, person, method_id)
    contacts.remove_method(session, actor=actor, method_id=method_id)
    return _answer(request, session, actor, person, f"{described} removed.")


@router.post("/contacts/{user_id:id}/methods/{method_id:id}/test")
def send_test(
    user_id: int, method_id: int, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """Send a test message to one contact method now."""
    person = _person(session, actor, user_id)
    described = _method_of(session, person, method_id)
    deliveries.plan_test(session, user_id=person.id, method_id=method_id, now=utcnow())
    return _answer(request, session, actor, person, f"Test message sent to {described}.")


@router.post("/contacts/{user_id:id}/rules")
def add_rule(
    user_id: int,
    request: Request,
    session: DbSession,
    actor: WebActor,
    urgency: str = Form(""),
    contact_method_id: str = Form(""),
    delay_minutes: str = Form("0"),
) -> Response:
    """Add a notification rule: this method, this long after a page, at this urgency."""
    person = _person(session, actor, user_id)
    method_id = parse_id(contact_method_id, "contact_method_id")
    if method_id is None:
        raise NotFound("choose a contact method", field="contact_method_id")
    described = _method_of(session, person, method_id)
    rule = contacts.add_rule(
        session,
        actor=actor,
        now=utcnow(),
        user_id=user_id,
        urgency=urgency,
        contact_method_id=method_id,
        delay_minutes=parse_rank(delay_minutes or "0", "delay_minutes"),
    )
    when = "at once" if rule.delay_minutes == 0 else f"after {rule.delay_minutes} min"
    notice = f"Rule added: at {rule.urgency} urgency, {described} {when}."
    return _answer(request, session, actor, person, notice)


@router.post("/contacts/{user_id:id}/rules/{rule_id:id}/delete")
def remove_rule(
    user_id: int, rule_id: int, request: Request, session: DbSession, actor: WebActor
) -> Response:
    """Remove a notification rule."""
    person = _person(session, actor, user_id)
    if rule_id not in {r.id for r in contacts.rules_of(session, user_id=person.id)}:
        raise NotFound(f"notification rule {rule_id} does not exist", field="rule_id")
    contacts.remove_rule(session, actor=actor, rule_id=rule_id)
    return _answer(request, session, actor, person, "Notification rule removed.")
