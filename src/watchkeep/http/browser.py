"""Who is using the web UI: the session cookie becomes an actor, or the browser goes to /login.

Every web router uses :class:`WebRoute`, which turns :class:`LoginRequired` into a redirect to
the login page (an ``HX-Redirect`` for htmx requests). Unsafe requests must carry the session's
CSRF token, in the ``csrf_token`` form field or the ``X-CSRF-Token`` header that the base layout
sets on every htmx request.
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.responses import Response

from watchkeep.core.actor import Actor, Role
from watchkeep.http.announce import announced, leave_notice
from watchkeep.http.deps import SAFE_METHODS, DbSession, check_csrf, web_login_of

LOGIN_PATH = "/login"


class LoginRequired(Exception):
    """Raised by the web actor dependencies when nobody is logged in."""


def is_htmx(request: Request) -> bool:
    """An htmx request that expects a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    """The redirect that follows a successful form post."""
    return RedirectResponse(url, status_code=303)


def go_to(request: Request, url: str, *, notice: str) -> Response:
    """Send the browser to another page after a successful post (``HX-Redirect`` for
    htmx, a 303 otherwise); that page shows and announces ``notice``, what the post did."""
    response = (
        Response(status_code=204, headers={"HX-Redirect": url})
        if is_htmx(request)
        else see_other(url)
    )
    return leave_notice(response, notice)


def answer_form(
    request: Request, *, url: str, notice: str, fragment: Callable[[], Response]
) -> Response:
    """The answer to a form post that changed what a page shows.

    A plain form post goes to the page at ``url``, which shows ``notice`` once (reloading it
    does not post again). An htmx post gets the re-drawn ``fragment`` in place, with ``notice``
    announced; ``fragment`` is only called then."""
    if not is_htmx(request):
        return go_to(request, url, notice=notice)
    return announced(fragment(), notice)


def _login_redirect(request: Request) -> Response:
    if is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        here = current.path + (f"?{current.query}" if current.query else "")
        url = f"{LOGIN_PATH}?next={quote(local_path(here))}"
        return Response(status_code=401, headers={"HX-Redirect": url})
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return see_other(f"{LOGIN_PATH}?next={quote(here)}")


class WebRoute(APIRoute):
    """A route that sends a browser without a session to the login page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                return _login_redirect(request)
            if request.method in SAFE_METHODS:
                # Pages and fragments share URLs; caches must keep them apart.
                response.headers["Vary"] = "HX-Request"
            return response

        return route


async def form_csrf_token(request: Request) -> str | None:
    """The ``csrf_token`` field of a posted form (parsed once; routes reuse the parsed form)."""
    if request.method in SAFE_METHODS:
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    token = (await request.form()).get("csrf_token")
    return token if isinstance(token, str) else None


def web_actor(
    request: Request,
    session: DbSession,
    form_token: Annotated[str | None, Depends(form_csrf_token)],
) -> Actor:
    """The logged-in user as an actor; also checks CSRF on unsafe requests.

    Sets ``request.state.actor``, ``request.state.csrf_token`` and
    ``request.state.timezone`` (the user's, for showing and reading times) for the templates.
    """
    login = web_login_of(request, session)
    if login is None:
        raise LoginRequired
    check_csrf(request, login, form_token)
    request.state.actor = login.actor
    request.state.csrf_token = login.csrf_token
    request.state.timezone = login.timezone
    return login.actor


async def web_responder(actor: Annotated[Actor, Depends(web_actor)]) -> Actor:
    """A logged-in actor who may change incidents."""
    actor.require(Role.RESPONDER)
    return actor


async def web_admin(actor: Annotated[Actor, Depends(web_actor)]) -> Actor:
    """A logged-in administrator."""
    actor.require(Role.ADMIN)
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]
WebResponder = Annotated[Actor, Depends(web_responder)]
WebAdmin = Annotated[Actor, Depends(web_admin)]
