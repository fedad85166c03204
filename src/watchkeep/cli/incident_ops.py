"""The incident operations behind ``watchkeep incident``, against the database or a server.

Both sides return the API's JSON bodies (``IncidentRead``, ``IncidentPage``, timeline entries,
updates), so that rendering and ``--json`` output do not depend on the mode.
"""

from collections.abc import Iterable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.cli.client import ApiClient, segment
from watchkeep.cli.context import settings
from watchkeep.cli.mode import connect
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.incident import roles, severities, timeline, updates
from watchkeep.incident import service as incidents
from watchkeep.incident.listing import IncidentFilter, page_ids
from watchkeep.incident.read import entry_read, incident_read, summaries, update_read
from watchkeep.incident.schemas import IncidentPage
from watchkeep.incident.status import transition

Body = dict[str, Any]


@dataclass(frozen=True)
class Declaration:
    title: str
    severity: str
    summary: str
    incident_type: str | None
    services: list[str]
    private: bool | None
    status: str
    custom_fields: dict[str, Any]


@dataclass(frozen=True)
class Filters:
    statuses: list[str]
    categories: list[str]
    severities: list[str]
    services: list[str]
    text: str | None
    limit: int


class Incidents(Protocol):
    def declare(self, spec: Declaration) -> Body: ...
    def page(self, filters: Filters) -> Body: ...
    def get(self, ref: str) -> Body: ...
    def timeline(self, ref: str) -> list[Body]: ...
    def updates(self, ref: str) -> list[Body]: ...
    def transition(self, ref: str, status: str, merged_into: str | None = None) -> Body: ...
    def note(self, ref: str, text: str, pinned: bool) -> Body: ...
    def assign(self, ref: str, role: str, user: str) -> Body: ...
    def post_update(
        self, ref: str, message: str, status: str | None, next_minutes: int | None
    ) -> Body: ...


def ids_by_name(known: Iterable[tuple[int, str]], names: Iterable[str], what: str) -> list[int]:
    """The ids of the named things (names match without regard to case), or Invalid."""
    by_name = {name.lower(): id_ for id_, name in known}
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        choices = ", ".join(sorted(name for _, name in known)) or "none exist yet"
        raise Invalid(f"unknown {what} {', '.join(unknown)}; known: {choices}", field=what)
    return [by_name[n.lower()] for n in names]


class LocalIncidents:
    """Calls the services in the command's one transaction, as ``actor``."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor

    def _read(self, incident: Any) -> Body:
        return incident_read(self.session, incident, self.actor, now=utcnow()).model_dump(
            mode="json"
        )

    def _service_ids(self, names: list[str]) -> list[int]:
        known = [(s.id, s.name) for s in catalog.list_services(self.session)]
        return ids_by_name(known, names, "service")

    def declare(self, spec: Declaration) -> Body:
        incident = incidents.declare(
            self.session,
            actor=self.actor,
            title=spec.title,
            severity=spec.severity,
            summary=spec.summary,
            incident_type=spec.incident_type,
            status=spec.status,
            service_ids=self._service_ids(spec.services),
            private=spec.private,
            custom_fields=spec.custom_fields,
            now=utcnow(),
        )
        return self._read(incident)

    def page(self, filters: Filters) -> Body:
        severity_ids = [
            severities.get_severity(self.session, ref=name).id for name in filters.severities
        ]
        flt = IncidentFilter(
            statuses=tuple(filters.statuses),
            categories=tuple(filters.categories),
            severity_ids=tuple(severity_ids),
            service_ids=tuple(self._service_ids(filters.services)),
            text=filters.text,
        )
        ids, more = page_ids(self.session, actor=self.actor, flt=flt, limit=filters.limit)
        page = IncidentPage(
            items=summaries(self.session, ids),
            limit=filters.limit,
            offset=0,
            has_more=more,
        )
        return page.model_dump(mode="json")

    def _incident(self, ref: str) -> Any:
        return incidents.get(self.session, ref=ref, actor=self.actor)

    def get(self, ref: str) -> Body:
        return self._read(self._incident(ref))

    def timeline(self, ref: str) -> list[Body]:
        entries = timeline.list_entries(self.session, incident_id=self._incident(ref).id)
        return [entry_read(e).model_dump(mode="json") for e in entries]

    def updates(self, ref: str) -> list[Body]:
        posted = updates.list_updates(self.session, incident_id=self._incident(ref).id)
        return [update_read(u).model_dump(mode="json") for u in posted]

    def transition(self, ref: str, status: str, merged_into: str | None = None) -> Body:
        incident = self._incident(ref)
        transition(
            self.session,
            incident=incident,
            actor=self.actor,
            status=status,
            merged_into=merged_into,
            now=utcnow(),
        )
        return self._read(incident)

    def note(self, ref: str, text: str, pinned: bool) -> Body:
        entry = timeline.add_note(
            self.session,
            incident=self._incident(ref),
            actor=self.actor,
            text=text,
            pinned=pinned,
            now=utcnow(),
        )
        return entry_read(entry).model_dump(mode="json")

    def assign(self, ref: str, role: str, user: str) -> Body:
        incident = self._incident(ref)
        holder = auth.get_user_by_ref(self.session, ref=user)
        roles.assign(
            self.session,
            incident=incident,
            role=role,
            user_id=holder.id,
            actor=self.actor,
            now=utcnow(),
        )
        return self._read(incident)

    def post_update(
        self, ref: str, message: str, status: str | None, next_minutes: int | None
    ) -> Body:
        posted = updates.post(
            self.session,
            incident=self._incident(ref),
            actor=self.actor,
            message=message,
            status=status,
            next_update_in_minutes=next_minutes,
            default_interval_minutes=settings().update_interval_minutes,
            now=utcnow(),
        )
        return update_read(posted).model_dump(mode="json")


class RemoteIncidents:
    """The same operations through ``/api/v1``, as the token's user."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def _ids(self, path: str, names: list[str], what: str) -> list[int]:
        if not names:
            return []
        known = [(row["id"], row["name"]) for row in self.client.get(path)]
        return ids_by_name(known, names, what)

    def declare(self, spec: Declaration) -> Body:
        body = {
            "title": spec.title,
            "summary": spec.summary,
            "severity": spec.severity,
            "incident_type": spec.incident_type,
            "status": spec.status,
            "service_ids": self._ids("/services", spec.services, "service"),
            "private": spec.private,
            "custom_fields": spec.custom_fields,
        }
        created: Body = self.client.post("/incidents", body)
        return created

    def page(self, filters: Filters) -> Body:
        page: Body = self.client.get(
            "/incidents",
            status=filters.statuses,
            category=filters.categories,
            severity_id=self._ids("/severities", filters.severities, "severity"),
            service_id=self._ids("/services", filters.services, "service"),
            q=filters.text,
            limit=filters.limit,
        )
        return page

    def get(self, ref: str) -> Body:
        body: Body = self.client.get(f"/incidents/{segment(ref)}")
        return body

    def timeline(self, ref: str) -> list[Body]:
        entries: list[Body] = self.client.get(f"/incidents/{segment(ref)}/timeline")
        return entries

    def updates(self, ref: str) -> list[Body]:
        posted: list[Body] = self.client.get(f"/incidents/{segment(ref)}/updates")
        return posted

    def transition(self, ref: str, status: str, merged_into: str | None = None) -> Body:
        body = {"status": status, "merged_into": merged_into}
        moved: Body = self.client.post(f"/incidents/{segment(ref)}/transition", body)
        return moved

    def note(self, ref: str, text: str, pinned: bool) -> Body:
        body = {"text": text, "pinned": pinned}
        entry: Body = self.client.post(f"/incidents/{segment(ref)}/timeline", body)
        return entry

    def assign(self, ref: str, role: str, user: str) -> Body:
        path = f"/incidents/{segment(ref)}/roles/{segment(role)}"
        assigned: Body = self.client.put(path, {"user_id": self._user_id(user)})
        return assigned

    def _user_id(self, ref: str) -> int:
        wanted = ref.strip().lower()
        for user in self.client.get("/users"):
            if str(user["id"]) == wanted or user["email"].lower() == wanted:
                return int(user["id"])
        raise Invalid(f"no user with e-mail or id {ref}", field="user")

    def post_update(
        self, ref: str, message: str, status: str | None, next_minutes: int | None
    ) -> Body:
        body = {"message": message, "status": status, "next_update_in_minutes": next_minutes}
        posted: Body = self.client.post(f"/incidents/{segment(ref)}/updates", body)
        return posted


def open_incidents(
    url: str | None, token: str | None, as_email: str | None
) -> ContextManager[Incidents]:
    """The server's API when a URL is given (or WATCHKEEP_URL is set), else the local database."""
    return connect(url, token, as_email, local=LocalIncidents, remote=RemoteIncidents)
