"""Admin pages of escalation policies: the list with each policy in words, and a form whose
levels are a fixed number of rows (the existing levels and two empty ones; empty rows are
left out), each with its minutes and the users, schedules and teams it pages."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.escalation import policies
from watchkeep.escalation import policy as rules
from watchkeep.escalation.models import EscalationPolicy
from watchkeep.http.browser import WebAdmin, WebRoute, go_to
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import PostedForm, parse_id, parse_rank
from watchkeep.http.templates import render
from watchkeep.oncall import service as oncall

router = APIRouter(route_class=WebRoute)

POLICIES = "/admin/escalation-policies"
SPARE_ROWS = 2
NEW_ROWS = 3
KINDS = (
    ("user", "users", "Users"),
    ("schedule", "schedules", "Schedules"),
    ("team", "teams", "Teams"),
)


@dataclass(frozen=True)
class Names:
    """The names of everything a level can page, by target type and id."""

    by_type: dict[str, dict[int, str]]

    @classmethod
    def load(cls, session: Session) -> "Names":
        return cls(
            {
                "user": {u.id: u.name for u in auth.list_users(session)},
                "schedule": {s.id: s.name for s in oncall.list_schedules(session)},
                "team": {t.id: t.name for t in catalog.list_teams(session)},
            }
        )

    def of(self, target: dict[str, Any]) -> str:
        name = self.by_type[target["type"]].get(target["id"], f"#{target['id']}")
        return name if target["type"] == "user" else f"{target['type']} {name}"


def summary(found: EscalationPolicy, names: Names) -> str:
    """The policy in words: "Level 1 (5 min): schedule Primary; Level 2 (10 min): Sam"."""
    levels = "; ".join(
        f"Level {index} ({level['minutes']} min): "
        + ", ".join(names.of(t) for t in level["targets"])
        for index, level in enumerate(found.levels, start=1)
    )
    repeat = f"; then {found.repeat} more round{'s' if found.repeat != 1 else ''}"
    ack = "; everyone paged must acknowledge" if found.ack_mode == "all" else ""
    return levels + (repeat if found.repeat else "") + ack


def _rows(found: EscalationPolicy | None) -> list[dict[str, Any]]:
    """The level rows of the form: the policy's levels, then empty ones."""
    rows = []
    for level in found.levels if found else []:
        chosen = {
            kind: [t["id"] for t in level["targets"] if t["type"] == kind] for kind, *_ in KINDS
        }
        rows.append({"minutes": level["minutes"], **chosen})
    spare = SPARE_ROWS if found else NEW_ROWS
    empty: dict[str, Any] = {"minutes": "", "user": [], "schedule": [], "team": []}
    return (rows + [empty] * spare)[: rules.MAX_LEVELS]


def _levels(form: FormData) -> list[dict[str, Any]]:
    """The level rows of a posted form; rows without minutes or targets are left out."""
    levels: list[dict[str, Any]] = []
    for index in range(rules.MAX_LEVELS):
        minutes = form.get(f"level-{index}-minutes")
        if minutes is None:
            break
        targets = []
        for kind, plural, _label in KINDS:
            for value in form.getlist(f"level-{index}-{plural}"):
                number = parse_id(value if isinstance(value, str) else "", "levels")
                if number is not None:
                    targets.append({"type": kind, "id": number})
        text = minutes.strip() if isinstance(minutes, str) else ""
        if not text and not targets:
            continue
        if not text:
            raise Invalid(f"level {len(levels) + 1} needs its minutes", field="levels")
        if not targets:
            raise Invalid(f"level {len(levels) + 1} needs someone to page", field="levels")
        levels.append({"minutes": parse_rank(text, "levels"), "targets": targets})
    return levels


def _settings(form: FormData) -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    return {
        "name": text("name"),
        "description": text("description"),
        "team_id": parse_id(text("team_id"), "team_id"),
        "repeat": parse_rank(text("repeat") or "0", "repeat"),
        "ack_mode": text("ack_mode") or "first",
        "levels": _levels(form),
    }


@router.get(POLICIES)
def policy_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """Every policy, in words."""
    names = Names.load(session)
    found = policies.list_policies(session)
    return render(
        request,
        "escalation/policies.html",
        policies=[(p, summary(p, names)) for p in found],
        teams={t.id: t.name for t in catalog.list_teams(session)},
    )


def _form(request: Request, session: Session, found: EscalationPolicy | None) -> Response:
    return render(
        request,
        "escalation/policy.html",
        policy=found,
        rows=_rows(found),
        kinds=KINDS,
        users=[u for u in auth.list_users(session) if u.is_active],
        schedules=oncall.list_schedules(session),
        teams=catalog.list_teams(session),
        ack_modes=rules.ACK_MODES,
        max_repeat=rules.MAX_REPEAT,
        summary=summary(found, Names.load(session)) if found else None,
    )


@router.get(POLICIES + "/new")
def new_policy(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The form of a new policy."""
    return _form(request, session, None)


@router.post(POLICIES)
def create_policy(
    request: Request, session: DbSession, actor: WebAdmin, form: PostedForm
) -> Response:
    """Add a policy from its form."""
    created = policies.create(session, actor=actor, now=utcnow(), **_settings(form))
    return go_to(request, POLICIES, notice=f"Escalation policy {created.name} created.")


@router.get(POLICIES + "/{policy_id:id}")
def policy_page(policy_id: int, request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """A policy's form, with its levels and two empty rows."""
    return _form(request, session, policies.get(session, policy_id=policy_id))


@router.post(POLICIES + "/{policy_id:id}")
def update_policy(
    policy_id: int, request: Request, session: DbSession, actor: WebAdmin, form: PostedForm
) -> Response:
    """Save a policy's form; running escalations keep the policy they started with."""
    changed = policies.update(
        session, actor=actor, now=utcnow(), policy_id=policy_id, **_settings(form)
    )
    return go_to(request, POLICIES, notice=f"Escalation policy {changed.name} saved.")


@router.post(POLICIES + "/{policy_id:id}/delete")
def delete_policy(
    policy_id: int, request: Request, session: DbSession, actor: WebAdmin
) -> Response:
    """Delete a policy; routes and sources that used it escalate to nobody until changed."""
    name = policies.get(session, policy_id=policy_id).name
    policies.delete(session, actor=actor, now=utcnow(), policy_id=policy_id)
    return go_to(request, POLICIES, notice=f"Escalation policy {name} deleted.")
