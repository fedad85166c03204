"""The one-click acknowledge link of a notification.

``GET /ack/<token>`` shows what was paged and one button; it never acts, because mail
scanners and link previews open links. The button posts to the same address, which
acknowledges as the person paged: the token is the credential (no login, no CSRF token).
"""

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from watchkeep.alert.models import Alert
from watchkeep.auth.service import actor_of
from watchkeep.core.clock import utcnow
from watchkeep.escalation import links, pages
from watchkeep.escalation.models import Page
from watchkeep.http.browser import WebRoute
from watchkeep.http.deps import DbSession
from watchkeep.http.templates import render

router = APIRouter(route_class=WebRoute)

Token = Path(max_length=200)


def _show(request: Request, session: DbSession, page: Page | None, **extra: object) -> Response:
    alert = session.get(Alert, page.alert_id) if page and page.alert_id else None
    return render(
        request,
        "escalation/ack.html",
        status_code=404 if page is None else 200,
        page=page,
        alert=alert,
        **extra,
    )


@router.get("/ack/{token}")
def ack_page(request: Request, session: DbSession, token: str = Token) -> Response:
    """What the link acknowledges, and the button that does it."""
    return _show(request, session, links.page_of(session, token=token, now=utcnow()))


@router.post("/ack/{token}")
def ack(request: Request, session: DbSession, token: str = Token) -> Response:
    """Acknowledge as the person paged."""
    now = utcnow()
    page = links.page_of(session, token=token, now=now)
    if page is None or not page.user.is_active:
        return _show(request, session, None)
    pages.acknowledge_page(session, page=page, actor=actor_of(page.user), now=now)
    return _show(request, session, page, done=True)
