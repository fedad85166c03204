"""Who answers for the affected services and what they depend on (on call on their owner
teams' schedules at the investigated instant), and who has been paged for the incident's
alerts by then."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeep.assist.evidence.source import DEFAULT_TIMEOUT
from watchkeep.assist.investigation.graph import Dependencies
from watchkeep.assist.investigation.model import Fact, OnCallFact, Subject
from watchkeep.assist.investigation.scoring import affected_services
from watchkeep.auth.models import User
from watchkeep.catalog.models import Team
from watchkeep.core.actor import Actor
from watchkeep.escalation.models import Page
from watchkeep.oncall.history import oncall_now
from watchkeep.oncall.models import Schedule

HOPS = 1


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return dict(rows.all())


class OnCall:
    name = "on_call"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout

    def _owners(self, session: Session, subject: Subject) -> list[OnCallFact]:
        graph = Dependencies(subject.catalog, affected_services(subject))
        teams = {
            s.name: s.owner_team
            for s in subject.catalog.values()
            if s.owner_team and (p := graph.place(s.name)) and p.hops is not None and p.hops <= HOPS
        }
        named = select(Team.name, Team.id).where(Team.name.in_(set(teams.values())))
        team_ids: dict[str, int] = dict(session.execute(named).all())
        on_call: dict[str, set[int]] = {team: set() for team in team_ids}
        teams_by_id = {team_id: team for team, team_id in team_ids.items()}
        for schedule in session.scalars(
            select(Schedule).where(Schedule.team_id.in_(team_ids.values()))
        ):
            users = oncall_now(session, schedule, subject.at)
            on_call[teams_by_id[schedule.team_id or 0]] |= {int(user) for user in users}
        names = _names(session, set().union(*on_call.values()))
        return [
            OnCallFact(
                service=service,
                team=team,
                on_call=tuple(sorted(names[i] for i in on_call.get(team, set()) if i in names)),
            )
            for service, team in sorted(teams.items())
        ]

    def _paged(self, session: Session, subject: Subject) -> OnCallFact | None:
        alert_ids = [a.id for a in subject.alerts if a.id is not None]
        if not alert_ids:
            return None
        pages = list(
            session.scalars(
                select(Page).where(Page.alert_id.in_(alert_ids), Page.created_at <= subject.at)
            )
        )
        if not pages:
            return None
        paged = sorted({p.user.name for p in pages})
        acknowledged = sorted(
            {p.user.name for p in pages if p.acknowledged_at and p.acknowledged_at <= subject.at}
        )
        return OnCallFact(
            service=None, team=None, paged=tuple(paged), acknowledged=tuple(acknowledged)
        )

    def gather(self, session: Session, subject: Subject, actor: Actor) -> list[Fact]:
        found: list[Fact] = list(self._owners(session, subject))
        paged = self._paged(session, subject)
        if paged is not None:
            found.append(paged)
        return found
