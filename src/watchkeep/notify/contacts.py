"""Contact methods and personal notification rules: each person says where and how fast they
want to be reached (themselves, or an admin for them)."""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.auth.models import User
from watchkeep.core.actor import Actor
from watchkeep.core.errors import Forbidden, Invalid, NotFound
from watchkeep.notify.models import ContactMethod, NotificationRule

KINDS = ("email", "sms", "voice", "webhook", "chat")
URGENCIES = ("high", "low")
MAX_DELAY_MINUTES = 120
MAX_METHODS = 20
MAX_RULES = 20

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[1-9][0-9]{7,14}")
_URL = re.compile(r"https?://[^\s]+")
_FORMS = {
    "email": (_EMAIL, "an e-mail address such as ada@example.com"),
    "sms": (_PHONE, "a phone number in international form, such as +447700900123"),
    "voice": (_PHONE, "a phone number in international form, such as +447700900123"),
    "webhook": (_URL, "an http:// or https:// URL"),
    "chat": (_URL, "the chat's incoming-webhook URL (https://…)"),
}


def _may_manage(actor: Actor, user_id: int) -> None:
    if actor.user_id != user_id and not actor.is_admin:
        raise Forbidden("only the person themselves or an admin can change how they are reached")


def may_read(actor: Actor, user_id: int) -> None:
    """Contact details are the person's and the admins' only."""
    if actor.user_id != user_id and not actor.is_admin:
        raise Forbidden("only the person themselves or an admin can see how they are reached")


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", field="user_id")
    return user


def check_address(kind: str, address: str) -> str:
    """The address made canonical for its kind, or ``Invalid`` saying what it should look like."""
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    address = address.strip()
    if kind in ("sms", "voice"):
        address = re.sub(r"[\s()-]", "", address)
    pattern, form = _FORMS[kind]
    if len(address) > 2000 or not pattern.fullmatch(address):
        raise Invalid(f"a {kind} address must be {form}", field="address")
    return address


def methods_of(session: Session, *, user_id: int) -> list[ContactMethod]:
    query = select(ContactMethod).where(ContactMethod.user_id == user_id)
    return list(session.scalars(query.order_by(ContactMethod.id)))


def rules_of(
    session: Session, *, user_id: int, urgency: str | None = None
) -> list[NotificationRule]:
    query = select(NotificationRule).where(NotificationRule.user_id == user_id)
    if urgency is not None:
        query = query.where(NotificationRule.urgency == urgency)
    order = (NotificationRule.urgency, NotificationRule.delay_minutes, NotificationRule.id)
    return list(session.scalars(query.order_by(*order)))


def get_method(session: Session, *, method_id: int) -> ContactMethod:
    method = session.get(ContactMethod, method_id)
    if method is None:
        raise NotFound(f"contact method {method_id} does not exist", field="contact_method_id")
    return method


def add_method(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user_id: int,
    kind: str,
    address: str,
    label: str = "",
) -> ContactMethod:
    """Add a way to reach ``user_id`` (themselves or an admin)."""
    _may_manage(actor, user_id)
    _user(session, user_id)
    if len(methods_of(session, user_id=user_id)) >= MAX_METHODS:
        raise Invalid(f"a person has at most {MAX_METHODS} contact methods", field="kind")
    method = ContactMethod(
        user_id=user_id,
        kind=kind,
        address=check_address(kind, address),
        label=label.strip(),
        created_at=now,
    )
    session.add(method)
    session.flush()
    return method


def remove_method(session: Session, *, actor: Actor, method_id: int) -> None:
    """Remove a contact method and the rules that use it."""
    method = get_method(session, method_id=method_id)
    _may_manage(actor, method.user_id)
    session.delete(method)
    session.flush()


def add_rule(
    session: Session,
    *,
    actor: Actor,
    now: datetime,
    user_id: int,
    urgency: str,
    contact_method_id: int,
    delay_minutes: int = 0,
) -> NotificationRule:
    """ "Notify me by this method, this long after I am paged, at this urgency"."""
    _may_manage(actor, user_id)
    if urgency not in URGENCIES:
        raise Invalid("urgency must be high or low", field="urgency")
    if not 0 <= delay_minutes <= MAX_DELAY_MINUTES:
        raise Invalid(f"delay_minutes must be from 0 to {MAX_DELAY_MINUTES}", field="delay_minutes")
    method = get_method(session, method_id=contact_method_id)
    if method.user_id != user_id:
        raise Invalid("the contact method belongs to someone else", field="contact_method_id")
    if len(rules_of(session, user_id=user_id)) >= MAX_RULES:
        raise Invalid(f"a person has at most {MAX_RULES} notification rules", field="urgency")
    rule = NotificationRule(
        user_id=user_id,
        urgency=urgency,
        contact_method_id=method.id,
        delay_minutes=delay_minutes,
        created_at=now,
    )
    session.add(rule)
    session.flush()
    return rule


def remove_rule(session: Session, *, actor: Actor, rule_id: int) -> None:
    rule = session.get(NotificationRule, rule_id)
    if rule is None:
        raise NotFound(f"notification rule {rule_id} does not exist", field="rule_id")
    _may_manage(actor, rule.user_id)
    session.delete(rule)
    session.flush()
