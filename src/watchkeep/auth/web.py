"""Logging in and out of the web UI, and the audit log page for admins."""

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from watchkeep.auth import audit
from watchkeep.auth import service as auth
from watchkeep.auth.schemas import audit_record_read
from watchkeep.auth.throttle import TooManyAttempts
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Unauthorized
from watchkeep.core.limits import MAX_PAGE
from watchkeep.http.browser import (
    LOGIN_PATH,
    WebActor,
    WebAdmin,
    WebRoute,
    is_htmx,
    local_path,
    see_other,
)
from watchkeep.http.deps import SESSION_COOKIE, DbSession, SettingsDep, web_login_of
from watchkeep.http.panels import Panel
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

PANELS: dict[str, tuple[Panel, ...]] = {}

AUDIT_PAGE_SIZE = 50


@router.get(LOGIN_PATH)
def login_page(
    request: Request, session: DbSession, next_: str = Query("/", alias="next")
) -> Response:
    """The login form; someone already logged in goes straight on."""
    if web_login_of(request, session) is not None:
        return see_other(local_path(next_))
    return render(request, "auth/login.html", next=local_path(next_), email="")


@router.post(LOGIN_PATH)
def login(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    email: str = Form(""),
    password: str = Form(""),
    next_: str = Form("/", alias="next"),
) -> Response:
    """Check the password (throttled), start a session and set its HttpOnly cookie."""
    address = request.client.host if request.client else None
    try:
        user = auth.log_in(session, email=email, password=password, address=address, now=utcnow())
    except (Unauthorized, TooManyAttempts) as exc:
        # Returned, not raised: the failed attempt is committed with the answer.
        response = render(
            request,
            "auth/login.html",
            status_code=exc.status_code,
            next=local_path(next_),
            email=email,
            error=exc.message,
        )
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response
    _, secret = auth.start_web_session(
        session, user=user, hours=settings.session_hours, now=utcnow()
    )
    response = see_other(local_path(next_))
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookies_secure,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession, _actor: WebActor) -> Response:
    """End the session (the CSRF check in ``WebActor`` stops forced logouts)."""
    auth.end_web_session(session, secret=request.cookies.get(SESSION_COOKIE, ""))
    response = see_other(LOGIN_PATH)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/admin/audit")
def audit_log(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    action: str = "",
    subject_type: str = "",
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> Response:
    """The audit log of configuration changes, newest first, filtered, a page at a time."""
    rows, more = audit.list_records(
        session,
        actor=actor,
        limit=AUDIT_PAGE_SIZE,
        offset=(page - 1) * AUDIT_PAGE_SIZE,
        action=action or None,
        subject_type=subject_type or None,
    )
    actions, subject_types = audit.filter_values(session, actor=actor)
    return render(
        request,
        "auth/_audit_results.html" if is_htmx(request) else "auth/audit.html",
        records=[audit_record_read(r) for r in rows],
        page=page,
        prev_query=request.url.include_query_params(page=page - 1).query if page > 1 else None,
        next_query=request.url.include_query_params(page=page + 1).query if more else None,
        filters={"action": action, "subject_type": subject_type},
        actions=actions,
        subject_types=subject_types,
    )
