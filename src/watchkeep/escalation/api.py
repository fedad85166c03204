"""JSON routes of escalation: policies, acknowledging and resolving alerts, an alert's
escalation, and paging people by hand."""

from fastapi import APIRouter, status

from watchkeep.alert import alerts
from watchkeep.alert.schemas import AlertRead, alert_read
from watchkeep.core.clock import utcnow
from watchkeep.escalation import pages, policies, runs
from watchkeep.escalation.schemas import (
    PageIn,
    PageRead,
    PolicyIn,
    PolicyPatch,
    PolicyRead,
    RunRead,
    page_read,
    policy_read,
    run_read,
)
from watchkeep.http.deps import Admin, CurrentActor, DbSession, Responder

router = APIRouter(tags=["escalation"])


@router.get("/escalation-policies")
def list_policies(session: DbSession, _actor: CurrentActor) -> list[PolicyRead]:
    return [policy_read(p) for p in policies.list_policies(session)]


@router.post("/escalation-policies", status_code=status.HTTP_201_CREATED)
def create_policy(body: PolicyIn, session: DbSession, actor: Admin) -> PolicyRead:
    """Create a policy (admins only; audited)."""
    return policy_read(policies.create(session, actor=actor, now=utcnow(), **body.model_dump()))


@router.get("/escalation-policies/{policy_id:id}")
def get_policy(policy_id: int, session: DbSession, _actor: CurrentActor) -> PolicyRead:
    return policy_read(policies.get(session, policy_id=policy_id))


@router.patch("/escalation-policies/{policy_id:id}")
def update_policy(
    policy_id: int, body: PolicyPatch, session: DbSession, actor: Admin
) -> PolicyRead:
    """Change a policy; fields left out stay. Running escalations keep their snapshot."""
    changed = policies.update(
        session,
        actor=actor,
        now=utcnow(),
        policy_id=policy_id,
        **body.model_dump(exclude_unset=True),
    )
    return policy_read(changed)


@router.delete("/escalation-policies/{policy_id:id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_policy(policy_id: int, session: DbSession, actor: Admin) -> None:
    """Delete a policy (admins only; audited)."""
    policies.delete(session, actor=actor, now=utcnow(), policy_id=policy_id)


@router.post("/alerts/{alert_id:id}/acknowledge")
def acknowledge(alert_id: int, session: DbSession, actor: Responder) -> AlertRead:
    """Acknowledge the alert: its escalation stops paging (under a policy whose mode is
    ``all``, once everyone paged has acknowledged)."""
    return alert_read(pages.acknowledge(session, alert_id=alert_id, actor=actor, now=utcnow()))


@router.post("/alerts/{alert_id:id}/resolve")
def resolve(alert_id: int, session: DbSession, actor: Responder) -> AlertRead:
    """Resolve the alert and end its escalation; a later trigger with its key opens a new
    alert."""
    return alert_read(pages.resolve(session, alert_id=alert_id, actor=actor, now=utcnow()))


@router.get("/alerts/{alert_id:id}/escalation")
def escalation(alert_id: int, session: DbSession, _actor: CurrentActor) -> RunRead | None:
    """The alert's escalation: the policy it follows, each step, and who was paged; ``null``
    when it has none (no policy, or silenced)."""
    alerts.get(session, alert_id=alert_id)
    run = runs.find_for_alert(session, alert_id=alert_id)
    if run is None:
        return None
    return run_read(run, pages.pages_of_alert(session, alert_id=alert_id))


@router.post("/pages", status_code=status.HTTP_201_CREATED)
def page(body: PageIn, session: DbSession, actor: Responder) -> list[PageRead]:
    """Page people by hand: users, or whoever is on call on a schedule."""
    made = pages.page_directly(session, actor=actor, now=utcnow(), **body.model_dump())
    return [page_read(p) for p in made]
