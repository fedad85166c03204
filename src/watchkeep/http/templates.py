"""Template rendering shared by every web route.

The kit holds the layout (``base.html``), the error page and the shared macros; each domain
keeps its own templates in ``<domain>/templates/<folder>/``. The composition layer builds
one environment over all of them (:func:`make_templates`) and puts it on
``app.state.templates``.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import Response

from watchkeep.http.announce import clear_notice, pending_notice
from watchkeep.http.timefmt import FILTERS

KIT_TEMPLATES = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def make_templates(folders: Iterable[Path]) -> Jinja2Templates:
    """One environment: the kit's templates first, then each domain's folder; times are
    shown through the filters of :mod:`watchkeep.http.timefmt`."""
    loader = FileSystemLoader([KIT_TEMPLATES, *folders])
    env = Environment(loader=loader, autoescape=select_autoescape())
    env.filters.update(FILTERS)
    return Jinja2Templates(env=env)


def templates_of(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _with_defaults(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    context.setdefault("actor", getattr(request.state, "actor", None))
    context.setdefault("csrf_token", getattr(request.state, "csrf_token", ""))
    return context


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A whole page, or a fragment, as the response. A whole page also shows, once, the
    notice an earlier action left (:mod:`watchkeep.http.announce`)."""
    notice = None if request.headers.get("HX-Request") == "true" else pending_notice(request)
    context.setdefault("notice", notice)
    response = templates_of(request).TemplateResponse(
        request, name, _with_defaults(request, context), status_code=status_code
    )
    if notice is not None:
        clear_notice(response)
    return response


def render_markup(request: Request, name: str, **context: Any) -> Markup:
    """A template rendered to safe HTML, to be placed inside another response."""
    context = _with_defaults(request, {"request": request, **context})
    return Markup(templates_of(request).get_template(name).render(context))  # noqa: S704


def error_page(
    request: Request, status: int, title: str, message: str, field: str | None = None
) -> Response:
    """The error page, or for htmx the message in the asking part's error slot; ``field``
    names the form field the error is about, so the page can mark it."""
    return render(
        request, "error.html", status_code=status, title=title, message=message, field=field
    )
