"""Finding incidents: filters, text search and pages, always limited to what the actor may see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import Session, lazyload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from watchkeep.auth.models import User
from watchkeep.catalog.models import Service
from watchkeep.core.actor import Actor
from watchkeep.core.clock import ensure_utc, utcnow
from watchkeep.core.errors import Invalid
from watchkeep.core.sqltime import epoch_seconds
from watchkeep.core.text import like_pattern
from watchkeep.core.types import UTCDateTime
from watchkeep.incident import lifecycle
from watchkeep.incident.access import visible_clause
from watchkeep.incident.lifecycle import Category, Status, parse_status
from watchkeep.incident.models import (
    Incident,
    RoleAssignment,
    RoleType,
    Severity,
    incident_service,
)

MAX_PAGE = 200
PAGE_LOADING = (
    lazyload(Incident.reporter),
    selectinload(Incident.services).lazyload(Service.owner_team),
)

# What a list may be ordered by; ``-name`` orders descending. Ascending reads naturally:
# declared oldest first, severity most severe first (rank 1), status in lifecycle order,
# lead by name (unassigned last either way), duration shortest first.
SORTS = ("declared", "severity", "status", "lead", "duration")
DEFAULT_SORT = "-declared"
LEAD_SLUG = "lead"


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def parse_sort(value: str | None) -> Sort:
    """``declared``, ``-severity``, …; an unknown key is refused, naming the known ones."""
    text = (value or DEFAULT_SORT).strip()
    key = text.removeprefix("-")
    if key not in SORTS:
        raise Invalid(
            f"unknown sort {text!r}; use one of {', '.join(SORTS)}, with a leading - for "
            "descending",
            field="sort",
        )
    return Sort(key, text.startswith("-"))


def _sort_key(key: str, now: datetime) -> ColumnElement[Any]:
    if key == "severity":
        return select(Severity.rank).where(Severity.id == Incident.severity_id).scalar_subquery()
    if key == "status":
        return case({s.value: n for n, s in enumerate(Status)}, value=Incident.status, else_=99)
    if key == "lead":
        return (
            select(func.lower(User.name))
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
            .where(RoleAssignment.incident_id == Incident.id, RoleType.slug == LEAD_SLUG)
            .scalar_subquery()
        )
    if key == "duration":
        end = func.coalesce(Incident.resolved_at, literal(now, UTCDateTime()))
        start = func.coalesce(Incident.impact_started_at, Incident.declared_at)
        return epoch_seconds(end) - epoch_seconds(start)
    return Incident.declared_at.expression


def _order(sort: Sort, now: datetime) -> list[Any]:
    """The sort's key, then newest first to keep pages stable (ties and missing leads)."""
    key = _sort_key(sort.key, now)
    first = key.desc() if sort.descending else key.asc()
    if sort.key == "declared":
        # Never null: a NULLS LAST here would keep PostgreSQL from reading the index in order.
        return [first, Incident.id.desc()]
    return [first.nulls_last(), Incident.declared_at.desc(), Incident.id.desc()]


@dataclass(frozen=True)
class IncidentFilter:
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severity_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()
    type_ids: tuple[int, ...] = ()
    declared_from: datetime | None = None
    declared_to: datetime | None = None
    text: str | None = None


def _filtered(query: Select[Any], flt: IncidentFilter) -> Select[Any]:
    statuses = {parse_status(s) for s in flt.statuses}
    if flt.categories:
        try:
            wanted = {Category(c) for c in flt.categories}
        except ValueError:
            names = ", ".join(c.value for c in Category)
            raise Invalid(
                f"unknown status category; use one of {names}", field="category"
            ) from None
        by_category = {s for s, c in lifecycle.CATEGORY.items() if c in wanted}
        statuses = statuses & by_category if statuses else by_category
    if flt.statuses or flt.categories:
        query = query.where(Incident.status.in_(sorted(s.value for s in statuses)))
    if flt.severity_ids:
        query = query.where(Incident.severity_id.in_(flt.severity_ids))
    if flt.type_ids:
        query = query.where(Incident.type_id.in_(flt.type_ids))
    if flt.service_ids:
        query = query.where(
            Incident.id.in_(
                select(incident_service.c.incident_id).where(
                    incident_service.c.service_id.in_(flt.service_ids)
                )
            )
        )
    if flt.declared_from:
        query = query.where(Incident.declared_at >= ensure_utc(flt.declared_from))
    if flt.declared_to:
        query = query.where(Incident.declared_at < ensure_utc(flt.declared_to))
    if flt.text:
        pattern = like_pattern(flt.text)
        query = query.where(
            or_(
                Incident.title.ilike(pattern, escape="\\"),
                Incident.summary.ilike(pattern, escape="\\"),
            )
        )
    return query


def page_ids(
    session: Session,
    *,
    actor: Actor,
    flt: IncidentFilter,
    limit: int = 50,
    offset: int = 0,
    sort: str = DEFAULT_SORT,
    now: datetime | None = None,
) -> tuple[list[int], bool]:
    """The ids of a page of the incidents ``actor`` may see in ``sort`` order (newest first
    unless told), and whether more follow. An open incident's duration runs to ``now``."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    if offset < 0:
        raise Invalid("offset must not be negative", field="offset")
    order = _order(parse_sort(sort), now or utcnow())
    # Pick the page's ids first, then load those rows: sorting narrow (id, key) pairs is
    # far cheaper than sorting whole incidents when a filter matches many of them.
    query = _filtered(select(Incident.id).where(visible_clause(actor)), flt)
    ids = list(session.scalars(query.order_by(*order).limit(limit + 1).offset(offset)))
    return ids[:limit], len(ids) > limit


def list_incidents(
    session: Session,
    *,
    actor: Actor,
    flt: IncidentFilter,
    limit: int = 50,
    offset: int = 0,
    sort: str = DEFAULT_SORT,
    now: datetime | None = None,
) -> tuple[list[Incident], bool]:
    """A page of the incidents ``actor`` may see, as :func:`page_ids` picks them."""
    ids, more = page_ids(
        session, actor=actor, flt=flt, limit=limit, offset=offset, sort=sort, now=now
    )
    # A page shows neither the reporter nor the services' owner teams: not loaded here.
    rows = select(Incident).where(Incident.id.in_(ids)).options(*PAGE_LOADING)
    found = {i.id: i for i in session.scalars(rows)}
    return [found[i] for i in ids], more
