"""Finding incidents: filters, text search and pages, always limited to what the actor may see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from watchkeep.core.actor import Actor
from watchkeep.core.clock import ensure_utc
from watchkeep.core.errors import Invalid
from watchkeep.core.text import like_pattern
from watchkeep.incident import lifecycle
from watchkeep.incident.access import visible_clause
from watchkeep.incident.lifecycle import Category, parse_status
from watchkeep.incident.models import Incident, incident_service

MAX_PAGE = 200


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


def list_incidents(
    session: Session, *, actor: Actor, flt: IncidentFilter, limit: int = 50, offset: int = 0
) -> tuple[list[Incident], bool]:
    """A page of the incidents ``actor`` may see, newest first, and whether more follow."""
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}", field="limit")
    if offset < 0:
        raise Invalid("offset must not be negative", field="offset")
    # Pick the page's ids in a subquery, then load those rows: sorting narrow (id, time)
    # pairs is far cheaper than sorting whole incidents when a filter matches many of them.
    order = (Incident.declared_at.desc(), Incident.id.desc())
    page_ids = _filtered(select(Incident.id).where(visible_clause(actor)), flt)
    page_ids = page_ids.order_by(*order).limit(limit + 1).offset(offset)
    rows = list(
        session.scalars(
            select(Incident).where(Incident.id.in_(page_ids.scalar_subquery())).order_by(*order)
        )
    )
    return rows[:limit], len(rows) > limit
