"""Your own profile: name, time zone, password and personal API tokens."""

from itertools import groupby
from typing import Any

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.auth import accounts
from watchkeep.auth import service as auth
from watchkeep.auth.models import ApiToken
from watchkeep.core.actor import Actor, Role, at_least
from watchkeep.core.clock import utcnow
from watchkeep.core.errors import Invalid
from watchkeep.http.announce import announced
from watchkeep.http.browser import WebActor, WebRoute, answer_form, go_to, is_htmx, see_other
from watchkeep.http.deps import SESSION_COOKIE, DbSession
from watchkeep.http.panels import panel_set, render_panel
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

PROFILE_PAGE = "/profile"
PROFILE_PANELS = "profile"
"""The profile's panel set: what other domains add to it (how you are paged)."""
MAX_TOKEN_NAME = 200


@router.get("/settings")
def settings_page(_actor: WebActor) -> Response:
    """Your settings are on your profile."""
    return see_other(PROFILE_PAGE)


@router.get("/tokens")
def tokens_page(_actor: WebActor) -> Response:
    """Your API tokens are on your profile."""
    return see_other(PROFILE_PAGE + "#tokens")


def _token_roles(actor: Actor) -> list[str]:
    """The roles a token of yours may have: up to your own."""
    return [r.value for r in (Role.VIEWER, Role.RESPONDER, Role.ADMIN) if at_least(actor.role, r)]


def _region(zone: str) -> str:
    return zone.split("/")[0] if "/" in zone else "Other"


def _timezone_groups() -> list[tuple[str, list[str]]]:
    """The IANA zones by region (``Europe``, ``America``, …; single names under Other)."""
    zones = sorted(auth.timezone_names(), key=lambda z: (_region(z) == "Other", _region(z), z))
    return [(region, list(group)) for region, group in groupby(zones, key=_region)]


def _tokens(session: Session, actor: Actor) -> list[ApiToken]:
    return sorted(
        auth.list_tokens(session, user_id=actor.user_id),
        key=lambda t: (t.revoked_at is not None, -t.id),
    )


def _render_tokens(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    fragment: bool,
    created: ApiToken | None = None,
    secret: str | None = None,
) -> Response:
    context: dict[str, Any] = {
        "tokens": _tokens(session, actor),
        "token_roles": _token_roles(actor),
        "created_token": created,
        "secret": secret,
    }
    if fragment:
        return render(request, "auth/_tokens.html", **context)
    user = auth.get_user(session, user_id=actor.user_id)
    shared = {"actor": actor, "now": utcnow()}
    panels = [
        render_panel(request, session, panel, user, shared)
        for panel in panel_set(request, PROFILE_PANELS).slot("main")
    ]
    return render(
        request,
        "auth/profile.html",
        user=user,
        timezone_groups=_timezone_groups(),
        panels=panels,
        **context,
    )


@router.get(PROFILE_PAGE)
def profile(request: Request, session: DbSession, actor: WebActor) -> Response:
    """Your name, time zone, password and API tokens."""
    return _render_tokens(request, session, actor, fragment=False)


@router.post(PROFILE_PAGE)
def save_profile(
    request: Request,
    session: DbSession,
    actor: WebActor,
    name: str = Form(""),
    timezone: str = Form(""),
) -> Response:
    """Save your name and time zone; the page is drawn again (times move to the new zone)."""
    accounts.update_profile(session, actor=actor, now=utcnow(), name=name, timezone=timezone)
    return go_to(request, PROFILE_PAGE, notice="Profile saved.")


@router.post(PROFILE_PAGE + "/password")
def change_password(
    request: Request,
    session: DbSession,
    actor: WebActor,
    current_password: str = Form(""),
    new_password: str = Form(""),
) -> Response:
    """Change your password; every other session of yours ends, this one stays."""
    here = auth.find_web_session(
        session, secret=request.cookies.get(SESSION_COOKIE, ""), now=utcnow()
    )
    try:
        accounts.change_own_password(
            session,
            actor=actor,
            now=utcnow(),
            current=current_password,
            new=new_password,
            keep_session=here.id if here else None,
        )
    except Invalid as exc:
        if exc.details.get("field") == "password":
            exc.details["field"] = "new_password"  # the form's name for the new one
        raise
    return go_to(
        request, PROFILE_PAGE, notice="Password changed; your other sessions were logged out."
    )


@router.post(PROFILE_PAGE + "/tokens")
def create_token(
    request: Request,
    session: DbSession,
    actor: WebActor,
    name: str = Form(""),
    role: str = Form(""),
) -> Response:
    """Create an API token for yourself; its secret is shown on this answer only."""
    if not name.strip():
        raise Invalid("name must not be empty", field="name")
    if len(name.strip()) > MAX_TOKEN_NAME:
        raise Invalid(f"name must have at most {MAX_TOKEN_NAME} characters", field="name")
    token, secret = auth.create_token(
        session,
        actor=actor,
        now=utcnow(),
        user_id=actor.user_id,
        name=name.strip(),
        role=role or None,
    )
    # Drawn here, not after a redirect: the secret must not travel in a cookie.
    response = _render_tokens(
        request, session, actor, fragment=is_htmx(request), created=token, secret=secret
    )
    notice = f"Token “{token.name}” created; copy its secret now, it is shown only once."
    return announced(response, notice) if is_htmx(request) else response


@router.post(PROFILE_PAGE + "/tokens/{token_id:id}/revoke")
def revoke_token(token_id: int, request: Request, session: DbSession, actor: WebActor) -> Response:
    """Revoke one of your API tokens."""
    token = auth.revoke_token(session, actor=actor, now=utcnow(), token_id=token_id, own_only=True)
    return answer_form(
        request,
        url=PROFILE_PAGE + "#tokens",
        notice=f"Token “{token.name}” revoked.",
        fragment=lambda: _render_tokens(request, session, actor, fragment=True),
    )
