"""The problem operations behind ``watchkeep problem`` and ``watchkeep known-error``.

Each runs against the database (in the command's one transaction) or a server, and both sides
return the API's JSON bodies (``ProblemRead``, ``ProblemPage``, ``KnownErrorRead``, ...), so
that rendering and ``--json`` output do not depend on the mode.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.cli.client import ApiClient, segment
from watchkeep.cli.incident_ops import ids_by_name
from watchkeep.cli.mode import connect
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.incident.read import follow_up_read
from watchkeep.problem import followups, known_errors, links, rca
from watchkeep.problem import service as problems
from watchkeep.problem.models import Problem
from watchkeep.problem.read import events_read, known_error_read, problem_read, summary
from watchkeep.problem.schemas import ProblemPage

Body = dict[str, Any]


# The specs' fields are named as in the API's request bodies, which RemoteProblems sends.
@dataclass(frozen=True)
class ProblemSpec:
    title: str
    description: str
    priority: str
    services: list[str]


@dataclass(frozen=True)
class ProblemQuery:
    states: list[str]
    open_only: bool
    priority: str | None
    service: str | None
    text: str | None
    limit: int


@dataclass(frozen=True)
class ActionSpec:
    title: str
    action_type: str
    owner: str | None
    priority: str


@dataclass(frozen=True)
class KnownErrorSpec:
    problem: str | None
    title: str
    symptoms: str
    workaround: list[str]


class LocalProblems:
    """Calls the services in the command's one transaction, as ``actor``."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor

    def _problem(self, ref: str) -> Problem:
        return problems.get(self.session, ref=ref)

    def _read(self, problem: Problem) -> Body:
        return problem_read(self.session, problem, self.actor, now=utcnow()).model_dump(mode="json")

    def _service_ids(self, names: list[str]) -> list[int]:
        known = [(s.id, s.name) for s in catalog.list_services(self.session)]
        return ids_by_name(known, names, "service")

    def create(self, spec: ProblemSpec) -> Body:
        problem = problems.create(
            self.session,
            actor=self.actor,
            title=spec.title,
            description=spec.description,
            priority=spec.priority,
            service_ids=self._service_ids(spec.services),
            now=utcnow(),
        )
        return self._read(problem)

    def raise_from(self, incidents: list[str], title: str | None, priority: str) -> Body:
        problem = links.raise_from_incidents(
            self.session,
            actor=self.actor,
            incident_refs=incidents,
            title=title,
            priority=priority,
            now=utcnow(),
        )
        return self._read(problem)

    def page(self, query: ProblemQuery) -> Body:
        service_ids = self._service_ids([query.service] if query.service else [])
        flt = problems.ProblemFilter(
            states=tuple(query.states),
            open_only=query.open_only,
            priority=query.priority,
            service_id=service_ids[0] if service_ids else None,
            text=query.text,
        )
        rows, more = problems.list_problems(self.session, flt=flt, limit=query.limit)
        page = ProblemPage(
            items=[summary(p) for p in rows], limit=query.limit, offset=0, has_more=more
        )
        return page.model_dump(mode="json")

    def get(self, ref: str) -> Body:
        return self._read(self._problem(ref))

    def timeline(self, ref: str) -> list[Body]:
        events = events_read(self.session, self._problem(ref), self.actor)
        return [e.model_dump(mode="json") for e in events]

    def _change(self, ref: str, change: Callable[..., object], **fields: Any) -> Body:
        """Apply one service function to the problem, then read it back as the API does."""
        problem = self._problem(ref)
        change(self.session, problem=problem, actor=self.actor, now=utcnow(), **fields)
        return self._read(problem)

    def transition(self, ref: str, state: str) -> Body:
        return self._change(ref, problems.transition, state=state)

    def link(self, ref: str, incident: str, reason: str) -> Body:
        return self._change(ref, links.link, incident_ref=incident, reason=reason)

    def unlink(self, ref: str, incident: str) -> Body:
        return self._change(ref, links.unlink, incident_ref=incident)

    def root_cause(self, ref: str, statement: str) -> Body:
        return self._change(ref, rca.set_root_cause, statement=statement)

    def whys(self, ref: str, steps: list[tuple[str, str]]) -> Body:
        return self._change(ref, rca.set_whys, steps=steps)

    def factor(self, ref: str, category: str, description: str) -> Body:
        return self._change(ref, rca.add_factor, category=category, description=description)

    def action(self, ref: str, spec: ActionSpec) -> Body:
        owner = auth.get_user_by_ref(self.session, ref=spec.owner) if spec.owner else None
        added = followups.add(
            self.session,
            problem=self._problem(ref),
            actor=self.actor,
            title=spec.title,
            owner_id=owner.id if owner else None,
            priority=spec.priority,
            action_type=spec.action_type,
            now=utcnow(),
        )
        return follow_up_read(added, None).model_dump(mode="json")

    def record_known_error(self, spec: KnownErrorSpec) -> Body:
        known = known_errors.create(
            self.session,
            actor=self.actor,
            problem=self._problem(spec.problem) if spec.problem else None,
            title=spec.title,
            symptoms=spec.symptoms,
            workaround=spec.workaround,
            now=utcnow(),
        )
        return known_error_read(known).model_dump(mode="json")

    def known_errors(self, text: str | None) -> list[Body]:
        found = known_errors.search(self.session, text=text)
        return [known_error_read(k).model_dump(mode="json") for k in found]

    def known_error(self, ref: str) -> Body:
        return known_error_read(known_errors.get(self.session, ref=ref)).model_dump(mode="json")


class RemoteProblems:
    """The same operations through ``/api/v1``, as the token's user."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def _service_ids(self, names: list[str]) -> list[int]:
        if not names:
            return []
        known = [(row["id"], row["name"]) for row in self.client.get("/services")]
        return ids_by_name(known, names, "service")

    def _user_id(self, ref: str) -> int:
        wanted = ref.strip().lower()
        for user in self.client.get("/users"):
            if str(user["id"]) == wanted or user["email"].lower() == wanted:
                return int(user["id"])
        raise Invalid(f"no user with e-mail or id {ref}", field="owner")

    def _send(
        self, method: str, path: str, body: Body | None = None, params: Body | None = None
    ) -> Body:
        answer: Body = self.client.request(method, path, json=body, params=params)
        return answer

    def _at(self, ref: str, *rest: str) -> str:
        """``/problems/<ref>/<rest...>``, each part escaped."""
        return "/".join(("/problems", segment(ref), *map(segment, rest)))

    def create(self, spec: ProblemSpec) -> Body:
        body = asdict(spec)
        body["service_ids"] = self._service_ids(body.pop("services"))
        return self._send("POST", "/problems", body)

    def raise_from(self, incidents: list[str], title: str | None, priority: str) -> Body:
        body = {"incidents": incidents, "title": title, "priority": priority}
        return self._send("POST", "/problems/raise", body)

    def page(self, query: ProblemQuery) -> Body:
        service_ids = self._service_ids([query.service] if query.service else [])
        params = {
            "state": query.states,
            "open": query.open_only,
            "priority": query.priority,
            "service_id": service_ids[0] if service_ids else None,
            "q": query.text,
            "limit": query.limit,
        }
        kept = {name: value for name, value in params.items() if value is not None}
        return self._send("GET", "/problems", params=kept)

    def get(self, ref: str) -> Body:
        return self._send("GET", self._at(ref))

    def timeline(self, ref: str) -> list[Body]:
        return cast("list[Body]", self.client.get(self._at(ref, "timeline")))

    def transition(self, ref: str, state: str) -> Body:
        return self._send("POST", self._at(ref, "transition"), {"state": state})

    def link(self, ref: str, incident: str, reason: str) -> Body:
        body = {"incident": incident, "reason": reason}
        return self._send("POST", self._at(ref, "incidents"), body)

    def unlink(self, ref: str, incident: str) -> Body:
        return self._send("DELETE", self._at(ref, "incidents", incident))

    def root_cause(self, ref: str, statement: str) -> Body:
        return self._send("PUT", self._at(ref, "root-cause"), {"statement": statement})

    def whys(self, ref: str, steps: list[tuple[str, str]]) -> Body:
        body = {"steps": [{"question": q, "answer": a} for q, a in steps]}
        return self._send("PUT", self._at(ref, "whys"), body)

    def factor(self, ref: str, category: str, description: str) -> Body:
        body = {"category": category, "description": description}
        return self._send("POST", self._at(ref, "factors"), body)

    def action(self, ref: str, spec: ActionSpec) -> Body:
        body = asdict(spec)
        owner = body.pop("owner")
        body["owner_id"] = self._user_id(owner) if owner else None
        return self._send("POST", self._at(ref, "follow-ups"), body)

    def record_known_error(self, spec: KnownErrorSpec) -> Body:
        body = asdict(spec)
        problem = body.pop("problem")
        path = self._at(problem, "known-errors") if problem else "/known-errors"
        return self._send("POST", path, body)

    def known_errors(self, text: str | None) -> list[Body]:
        query = {"q": text} if text else None
        return cast("list[Body]", self.client.request("GET", "/known-errors", params=query))

    def known_error(self, ref: str) -> Body:
        return self._send("GET", f"/known-errors/{segment(ref)}")


Problems = LocalProblems | RemoteProblems


def open_problems(
    url: str | None, token: str | None, as_email: str | None
) -> ContextManager[Problems]:
    """The server's API when a URL is given (or WATCHKEEP_URL is set), else the local database."""
    return connect(url, token, as_email, local=LocalProblems, remote=RemoteProblems)
