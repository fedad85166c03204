"""What an import refers to, looked up once: the database's severities, types, roles,
people, services and teams, the records a previous import left (by their keys), and the
file's own people and services, which later records may name.

People are named by e-mail address (case-insensitive) or by name; a name two people share
is refused as ambiguous. Services by exact name, else by their only case-insensitive match.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from watchkeep.alert.models import Alert, AlertSource, ChangeEvent
from watchkeep.auth.models import User
from watchkeep.catalog.models import Service, Team
from watchkeep.core.actor import Role, at_least
from watchkeep.history.schemas import AlertIn, HistoryIn
from watchkeep.history.words import quoted
from watchkeep.incident.models import Incident, IncidentType, RoleType, Severity
from watchkeep.problem.models import KnownError

SOURCE_NAME = "Imported history"
"""The alert source that owns imported alerts: disabled, so nothing can send to it."""
BATCH = 10_000  # keys per statement: PostgreSQL takes at most 65,535 parameters

Row = TypeVar("Row")


@dataclass(frozen=True)
class Person:
    """Someone the file names: a user already here, or one the import creates."""

    email: str
    name: str
    role: str
    user: User | None = None

    @property
    def key(self) -> str:
        return self.email.lower()

    @property
    def can_hold_roles(self) -> bool:
        roles = {r.value for r in Role}
        return self.role in roles and at_least(Role(self.role), Role.RESPONDER)


def alert_key(alert: AlertIn) -> str:
    """What makes an imported alert the same one again: its id, else its title and start."""
    if alert.id:
        return alert.id
    seed = f"{alert.title.strip()}\n{alert.starts_at.isoformat()}"
    return "import-" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def _batched(
    session: Session,
    query: Select[Row],
    column: ColumnElement[Any] | QueryableAttribute[Any],
    keys: Sequence[str],
) -> list[Row]:
    """The rows of ``query`` whose ``column`` is one of ``keys``."""
    rows: list[Row] = []
    for start in range(0, len(keys), BATCH):
        rows += session.scalars(query.where(column.in_(keys[start : start + BATCH])))
    return rows


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class Directory:
    """Every look-up an import needs, made once before the records are checked."""

    def __init__(self, session: Session, document: HistoryIn) -> None:
        self.severities = {s.name.lower(): s for s in session.scalars(select(Severity))}
        self.severity_names = [
            s.name for s in sorted(self.severities.values(), key=lambda s: s.rank)
        ]
        types = list(session.scalars(select(IncidentType).order_by(IncidentType.rank)))
        self.types = {t.name.lower(): t for t in types}
        self.default_type = types[0] if types else None
        role_types = session.scalars(select(RoleType).order_by(RoleType.rank))
        self.role_types = {r.slug: r for r in role_types}
        self._people(session, document)
        self.services = {s.name: s for s in session.scalars(select(Service))}
        self.file_services = {s.name: s for s in document.services}
        self.teams = {t.name: t for t in session.scalars(select(Team))}
        self._records(session, document)

    def _people(self, session: Session, document: HistoryIn) -> None:
        self.users = {u.email.lower(): u for u in session.scalars(select(User))}
        people = {email: Person(u.email, u.name, u.role, u) for email, u in self.users.items()}
        for given in document.users:
            people.setdefault(given.email.lower(), Person(given.email, given.name, given.role))
        self.people = people
        self._by_name: dict[str, list[Person]] = defaultdict(list)
        for person in people.values():
            self._by_name[person.name].append(person)

    def _records(self, session: Session, document: HistoryIn) -> None:
        refs = _unique(
            [i.ref for i in document.incidents]
            + [i.merged_into for i in document.incidents if i.merged_into]
            + [a.incident for a in document.alerts if a.incident]
        )
        self.incidents: dict[str, Incident] = {
            i.external_ref or "": i
            for i in _batched(session, select(Incident), Incident.external_ref, refs)
        }
        self.incident_refs = {i.id: ref for ref, i in self.incidents.items()}
        change_ids = _unique(
            [c.id for c in document.change_events]
            + [c for i in document.incidents for c in i.changes]
            + [
                e.payload.change
                for i in document.incidents
                for e in i.timeline or ()
                if e.kind == "change"
            ]
        )
        self.changes: dict[str, ChangeEvent] = {
            c.external_id or "": c
            for c in _batched(session, select(ChangeEvent), ChangeEvent.external_id, change_ids)
        }
        titles = _unique(k.title.strip().lower() for k in document.known_errors)
        found = _batched(session, select(KnownError), func.lower(KnownError.title), titles)
        self.known_errors = {k.title.lower(): k for k in found}
        self.source = session.scalar(select(AlertSource).where(AlertSource.name == SOURCE_NAME))
        self.alerts: dict[str, Alert] = {}
        if self.source is not None:
            keys = _unique(
                [alert_key(a) for a in document.alerts]
                + [
                    e.payload.alert
                    for i in document.incidents
                    for e in i.timeline or ()
                    if e.kind == "alert"
                ]
            )
            query = select(Alert).where(Alert.source_id == self.source.id)
            self.alerts = {a.dedup_key: a for a in _batched(session, query, Alert.dedup_key, keys)}

    # --- names -------------------------------------------------------------------------

    def person(self, ref: str) -> Person | str:
        """The person ``ref`` names (e-mail or name), or why there is none."""
        ref = ref.strip()
        if "@" in ref:
            found = self.people.get(ref.lower())
            return found or f"no user with e-mail {ref}; add them to users"
        named = self._by_name.get(ref) or [
            p for name, ps in self._by_name.items() if name.lower() == ref.lower() for p in ps
        ]
        if len(named) == 1:
            return named[0]
        if named:
            emails = ", ".join(sorted(p.email for p in named))
            return f"{len(named)} people are named {quoted(ref)} ({emails}); name them by e-mail"
        return f"no user named {quoted(ref)}; add them to users, or name them by e-mail"

    def service_name(self, ref: str) -> str | None:
        """The exact name of the service ``ref`` names, here or in the file."""
        names = self.services.keys() | self.file_services.keys()
        if ref in names:
            return ref
        matches = [n for n in names if n.lower() == ref.strip().lower()]
        return matches[0] if len(matches) == 1 else None

    def severity(self, name: str) -> Severity | None:
        return self.severities.get(name.strip().lower())

    def severity_unknown(self, name: str) -> str:
        return (
            f"no severity named {quoted(name)}; the severities are {', '.join(self.severity_names)}"
        )

    def incident_type(self, name: str | None) -> IncidentType | None:
        return self.default_type if name is None else self.types.get(name.strip().lower())

    def type_unknown(self, name: str) -> str:
        names = ", ".join(t.name for t in self.types.values())
        return f"no incident type named {quoted(name)}; the types are {names}"

    def role_unknown(self, slug: str) -> str:
        return f"no incident role {quoted(slug)}; the roles are {', '.join(self.role_types)}"
