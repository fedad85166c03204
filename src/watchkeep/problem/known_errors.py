"""Create, edit and search known errors."""

from datetime import datetime
from urllib.parse import urlparse

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeep.core import ids
from watchkeep.core.actor import Actor, Role
from watchkeep.core.counter import next_value
from watchkeep.core.errors import Invalid, NotFound
from watchkeep.core.text import like_pattern
from watchkeep.problem.models import KnownError, Problem
from watchkeep.problem.timeline import record

FIX_STATUSES = ("none", "planned", "in_progress", "released")


def _steps(workaround: list[str]) -> list[str]:
    steps = [s.strip() for s in workaround if s.strip()]
    if not steps:
        raise Invalid("a known error needs at least one workaround step", field="workaround")
    return steps


def _check(fix_status: str | None, fix_link: str | None) -> None:
    if fix_status is not None and fix_status not in FIX_STATUSES:
        raise Invalid(f"fix_status must be one of {', '.join(FIX_STATUSES)}", field="fix_status")
    if fix_link:
        parsed = urlparse(fix_link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise Invalid("fix_link must be an http(s) URL", field="fix_link")


def parse_reference(ref: str | int) -> int:
    number = ids.parse_reference(ref, "KE")
    if number is None:
        raise NotFound(f"{ref!r} is not a known-error reference; use KE-<number>")
    return number


def get(session: Session, *, ref: str | int) -> KnownError:
    number = parse_reference(ref)
    found = session.scalar(select(KnownError).where(KnownError.number == number))
    if found is None:
        raise NotFound(f"known error KE-{number} does not exist")
    return found


def create(
    session: Session,
    *,
    actor: Actor,
    title: str,
    symptoms: str,
    workaround: list[str],
    problem: Problem | None = None,
    fix_status: str = "none",
    fix_link: str = "",
    alert_names: list[str] | None = None,
    now: datetime,
) -> KnownError:
    """Record a known error (optionally for a problem, whose timeline notes it)."""
    actor.require(Role.RESPONDER)
    if not title.strip():
        raise Invalid("title must not be empty", field="title")
    if not symptoms.strip():
        raise Invalid("describe the symptoms so that it can be recognised", field="symptoms")
    _check(fix_status, fix_link)
    known = KnownError(
        number=next_value(session, "known_error"),
        problem_id=problem.id if problem else None,
        title=title.strip(),
        symptoms=symptoms.strip(),
        workaround=_steps(workaround),
        fix_status=fix_status,
        fix_link=fix_link,
        alert_names=sorted({a.strip() for a in alert_names or [] if a.strip()}),
        created_at=now,
        updated_at=now,
    )
    session.add(known)
    session.flush()
    if problem is not None:
        record(
            session,
            problem=problem,
            kind="known_error_recorded",
            actor=actor,
            title=f"Known error {known.reference} recorded: {known.title}",
            payload={"known_error_id": known.id},
            now=now,
        )
    return known


def update(
    session: Session,
    *,
    known: KnownError,
    actor: Actor,
    title: str | None = None,
    symptoms: str | None = None,
    workaround: list[str] | None = None,
    fix_status: str | None = None,
    fix_link: str | None = None,
    alert_names: list[str] | None = None,
    active: bool | None = None,
    now: datetime,
) -> KnownError:
    """Edit a known error; a fix-status change goes on its problem's timeline."""
    actor.require(Role.RESPONDER)
    _check(fix_status, fix_link)
    if title is not None:
        if not title.strip():
            raise Invalid("title must not be empty", field="title")
        known.title = title.strip()
    if symptoms is not None:
        if not symptoms.strip():
            raise Invalid("describe the symptoms so that it can be recognised", field="symptoms")
        known.symptoms = symptoms.strip()
    if workaround is not None:
        known.workaround = _steps(workaround)
    if fix_status is not None:
        if known.problem is not None and fix_status != known.fix_status:
            record(
                session,
                problem=known.problem,
                kind="fix_status_changed",
                actor=actor,
                title=f"{known.reference} fix is now {fix_status.replace('_', ' ')}",
                payload={"old": known.fix_status, "new": fix_status},
                now=now,
            )
        known.fix_status = fix_status
    if fix_link is not None:
        known.fix_link = fix_link
    if alert_names is not None:
        known.alert_names = sorted({a.strip() for a in alert_names if a.strip()})
    if active is not None:
        known.active = active
    known.updated_at = now
    session.flush()
    return known


def search(
    session: Session, *, text: str | None = None, active_only: bool = False, limit: int = 100
) -> list[KnownError]:
    """The known-error database: newest first, filtered by text in title or symptoms."""
    query = select(KnownError).order_by(KnownError.number.desc()).limit(limit)
    if active_only:
        query = query.where(KnownError.active.is_(True))
    if text and text.strip():
        pattern = like_pattern(text)
        query = query.where(
            or_(
                KnownError.title.ilike(pattern, escape="\\"),
                KnownError.symptoms.ilike(pattern, escape="\\"),
            )
        )
    return list(session.scalars(query))


def for_problem(session: Session, *, problem_id: int) -> list[KnownError]:
    return list(
        session.scalars(
            select(KnownError)
            .where(KnownError.problem_id == problem_id)
            .order_by(KnownError.number)
        )
    )
