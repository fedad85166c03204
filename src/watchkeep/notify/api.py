"""JSON routes of notify: a person's contact methods and rules (``/users/{id}/...``, the
person or an admin), the test button, and an alert's deliveries."""

from fastapi import APIRouter, status

from watchkeep.core.clock import utcnow
from watchkeep.http.deps import CurrentActor, DbSession
from watchkeep.notify import contacts, deliveries
from watchkeep.notify.schemas import (
    MethodIn,
    MethodRead,
    NotificationRead,
    RuleIn,
    RuleRead,
    method_read,
    notification_read,
    rule_read,
)

router = APIRouter(tags=["notifications"])


@router.get("/users/{user_id:id}/contact-methods")
def list_methods(user_id: int, session: DbSession, actor: CurrentActor) -> list[MethodRead]:
    """Where the person can be reached (the person or an admin)."""
    contacts.may_read(actor, user_id)
    return [method_read(m) for m in contacts.methods_of(session, user_id=user_id)]


@router.post("/users/{user_id:id}/contact-methods", status_code=status.HTTP_201_CREATED)
def add_method(user_id: int, body: MethodIn, session: DbSession, actor: CurrentActor) -> MethodRead:
    method = contacts.add_method(
        session,
        actor=actor,
        now=utcnow(),
        user_id=user_id,
        kind=body.kind,
        address=body.address,
        label=body.label or "",
    )
    return method_read(method)


@router.delete("/contact-methods/{method_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_method(method_id: int, session: DbSession, actor: CurrentActor) -> None:
    """Remove a contact method and the rules that use it."""
    contacts.remove_method(session, actor=actor, method_id=method_id)


@router.post("/contact-methods/{method_id:id}/test", status_code=status.HTTP_202_ACCEPTED)
def send_test(method_id: int, session: DbSession, actor: CurrentActor) -> NotificationRead:
    """Send a test message to this contact method now."""
    method = contacts.get_method(session, method_id=method_id)
    contacts.may_read(actor, method.user_id)
    made = deliveries.plan_test(session, user_id=method.user_id, method_id=method.id, now=utcnow())
    return notification_read(made, [])


@router.get("/users/{user_id:id}/notification-rules")
def list_rules(user_id: int, session: DbSession, actor: CurrentActor) -> list[RuleRead]:
    """How the person is paged at each urgency (none: an e-mail at once to their account)."""
    contacts.may_read(actor, user_id)
    return [rule_read(r) for r in contacts.rules_of(session, user_id=user_id)]


@router.post("/users/{user_id:id}/notification-rules", status_code=status.HTTP_201_CREATED)
def add_rule(user_id: int, body: RuleIn, session: DbSession, actor: CurrentActor) -> RuleRead:
    rule = contacts.add_rule(
        session, actor=actor, now=utcnow(), user_id=user_id, **body.model_dump()
    )
    return rule_read(rule)


@router.delete("/notification-rules/{rule_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_rule(rule_id: int, session: DbSession, actor: CurrentActor) -> None:
    contacts.remove_rule(session, actor=actor, rule_id=rule_id)


@router.get("/alerts/{alert_id:id}/notifications")
def alert_notifications(
    alert_id: int, session: DbSession, _actor: CurrentActor
) -> list[NotificationRead]:
    """Every notification of the alert's pages with its delivery log."""
    return [
        notification_read(n, deliveries.attempts_of(session, notification_id=n.id))
        for n, _page in deliveries.of_alert(session, alert_id=alert_id)
    ]
