"""The stored-schedule operations behind ``watchkeep schedule``, against the database or a server.

Both sides return the API's JSON bodies (``ScheduleRead``, ``EntriesRead``, ``OncallRead``,
``OverrideRead``), so that rendering and ``--json`` output do not depend on the mode. In a
spec file users are e-mail addresses or user ids; both sides turn them into ids.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from watchkeep.auth import service as auth
from watchkeep.catalog import service as catalog
from watchkeep.cli.client import ApiClient, segment
from watchkeep.cli.mode import connect
from watchkeep.core.actor import Actor
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.core.ids import parse_id
from watchkeep.oncall import overrides as overrides_service
from watchkeep.oncall import service as schedules
from watchkeep.oncall.engine import format_instant
from watchkeep.oncall.models import Schedule
from watchkeep.oncall.read import entries_read, oncall_read, override_read, schedule_read

Body = dict[str, Any]


class Schedules(Protocol):
    def list(self) -> list[Body]: ...
    def get(self, ref: str) -> Body: ...
    def entries(self, ref: str, start: datetime, end: datetime) -> Body: ...
    def oncall(self, ref: str, at: datetime) -> Body: ...
    def create(self, spec: Body, name: str, description: str, team: str | None) -> Body: ...
    def override(self, ref: str, user: str, start: datetime, end: datetime, note: str) -> Body: ...


def with_user_ids(spec: Body, user_id: Callable[[str], int]) -> list[Body]:
    """The spec's layers with each user (an e-mail address or id) replaced by a user id."""
    if spec.get("overrides"):
        raise Invalid(
            "overrides: not imported from a file; add them with `watchkeep schedule override`",
            field="overrides",
        )
    layers = spec.get("layers", [])
    if not isinstance(layers, list):
        return layers  # type: ignore[no-any-return]  # the service names the problem
    out = []
    for i, layer in enumerate(layers):
        users = layer.get("users") if isinstance(layer, dict) else None
        if isinstance(users, list):
            ids: list[Any] = []
            for j, user in enumerate(users):
                try:
                    ids.append(user if user is None else user_id(str(user)))
                except NotFound as exc:
                    field = f"layers[{i}].users[{j}]"
                    raise Invalid(f"{field}: {exc.message}", field=field) from None
            layer = {**layer, "users": ids}
        out.append(layer)
    return out


class LocalSchedules:
    """Calls the services in the command's one transaction, as ``actor``."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor

    def _schedule(self, ref: str) -> Schedule:
        return schedules.get_by_ref(self.session, ref=ref)

    def _user_id(self, ref: str) -> int:
        return auth.get_user_by_ref(self.session, ref=ref).id

    def list(self) -> list[Body]:
        return [
            schedule_read(self.session, s).model_dump(mode="json")
            for s in schedules.list_schedules(self.session)
        ]

    def get(self, ref: str) -> Body:
        return schedule_read(self.session, self._schedule(ref)).model_dump(mode="json")

    def entries(self, ref: str, start: datetime, end: datetime) -> Body:
        schedule = self._schedule(ref)
        found = schedules.entries(self.session, schedule, start, end)
        body = entries_read(self.session, schedule, found, start, end)
        return body.model_dump(mode="json", by_alias=True)

    def oncall(self, ref: str, at: datetime) -> Body:
        users = schedules.oncall_now(self.session, self._schedule(ref), at)
        return oncall_read(self.session, at, users).model_dump(mode="json")

    def create(self, spec: Body, name: str, description: str, team: str | None) -> Body:
        team_id = None
        if team:
            known = {t.name.lower(): t.id for t in catalog.list_teams(self.session)}
            team_id = parse_id(team) or known.get(team.lower())
            if team_id is None:
                raise Invalid(f"no team named {team}", field="team")
        schedule = schedules.create(
            self.session,
            actor=self.actor,
            name=name,
            description=description,
            timezone=spec.get("timezone", ""),
            team_id=team_id,
            layers=with_user_ids(spec, self._user_id),
            now=utcnow(),
        )
        return schedule_read(self.session, schedule).model_dump(mode="json")

    def override(self, ref: str, user: str, start: datetime, end: datetime, note: str) -> Body:
        override = overrides_service.create_override(
            self.session,
            schedule=self._schedule(ref),
            actor=self.actor,
            user_id=self._user_id(user),
            start=start,
            end=end,
            note=note,
            now=utcnow(),
        )
        return override_read(override).model_dump(mode="json")


class RemoteSchedules:
    """The same operations through ``/api/v1``, as the token's user."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    def _id(self, ref: str) -> str:
        if parse_id(ref) is not None:
            return segment(ref)
        for schedule in self.client.get("/schedules"):
            if schedule["name"] == ref.strip():
                return segment(schedule["id"])
        raise NotFound(f"no schedule named {ref!r}")

    def _user_id(self, ref: str) -> int:
        wanted = ref.strip().lower()
        for user in self.client.get("/users"):
            if str(user["id"]) == wanted or user["email"].lower() == wanted:
                return int(user["id"])
        raise NotFound(f"no user with e-mail or id {ref}")

    def list(self) -> list[Body]:
        found: list[Body] = self.client.get("/schedules")
        return found

    def get(self, ref: str) -> Body:
        body: Body = self.client.get(f"/schedules/{self._id(ref)}")
        return body

    def entries(self, ref: str, start: datetime, end: datetime) -> Body:
        window = {"from": format_instant(start), "to": format_instant(end)}
        body: Body = self.client.get(f"/schedules/{self._id(ref)}/entries", **window)
        return body

    def oncall(self, ref: str, at: datetime) -> Body:
        body: Body = self.client.get(f"/schedules/{self._id(ref)}/oncall", at=format_instant(at))
        return body

    def create(self, spec: Body, name: str, description: str, team: str | None) -> Body:
        team_id = None
        if team:
            known = {t["name"].lower(): t["id"] for t in self.client.get("/teams")}
            team_id = parse_id(team) or known.get(team.lower())
            if team_id is None:
                raise Invalid(f"no team named {team}", field="team")
        body = {
            "name": name,
            "description": description,
            "timezone": spec.get("timezone"),
            "team_id": team_id,
            "layers": with_user_ids(spec, self._user_id),
        }
        created: Body = self.client.post("/schedules", body)
        return created

    def override(self, ref: str, user: str, start: datetime, end: datetime, note: str) -> Body:
        body = {
            "user_id": self._user_id(user),
            "start": format_instant(start),
            "end": format_instant(end),
            "note": note,
        }
        created: Body = self.client.post(f"/schedules/{self._id(ref)}/overrides", body)
        return created


def open_schedules(
    url: str | None, token: str | None, as_email: str | None
) -> ContextManager[Schedules]:
    """The server's API when a URL is given (or WATCHKEEP_URL is set), else the local database."""
    return connect(url, token, as_email, local=LocalSchedules, remote=RemoteSchedules)
