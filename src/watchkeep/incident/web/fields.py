"""Admin pages for custom fields and incident roles (list, create, edit, delete what is not
in use), in the style of the severities and incident types pages."""

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from watchkeep.core.clock import utcnow
from watchkeep.http.browser import WebAdmin, WebRoute, answer_form, is_htmx
from watchkeep.http.deps import DbSession
from watchkeep.http.forms import parse_rank
from watchkeep.http.templates import render
from watchkeep.incident import customfields, roles
from watchkeep.incident.models import CUSTOM_FIELD_KINDS

router = APIRouter(route_class=WebRoute)

FIELDS = "/admin/custom-fields"
ROLES = "/admin/roles"


def _lines(text: str) -> list[str]:
    """The options of a select field, one a line (blank lines left out)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _render_fields(request: Request, session: Session, *, fragment: bool) -> Response:
    return render(
        request,
        "incident/_custom_fields.html" if fragment else "incident/custom_fields.html",
        items=customfields.list_fields(session),
        labels={kind: customfields.KIND_LABELS[kind] for kind in CUSTOM_FIELD_KINDS},
        base=FIELDS,
    )


def _render_roles(request: Request, session: Session, *, fragment: bool) -> Response:
    return render(
        request,
        "incident/_role_types.html" if fragment else "incident/role_types.html",
        items=roles.list_role_types(session),
        base=ROLES,
    )


def _answer(request: Request, session: Session, page: str, notice: str) -> Response:
    """The list of ``page`` (``FIELDS`` or ``ROLES``) again, or back to that page."""
    draw = _render_fields if page == FIELDS else _render_roles
    return answer_form(
        request, url=page, notice=notice, fragment=lambda: draw(request, session, fragment=True)
    )


@router.get(FIELDS)
def field_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The custom fields in their order, with their kinds and options."""
    return _render_fields(request, session, fragment=is_htmx(request))


@router.post(FIELDS)
def create_field(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    kind: str = Form(""),
    description: str = Form(""),
    options: str = Form(""),
    required_at_declare: bool = Form(False),
    rank: str = Form("0"),
) -> Response:
    """Add a custom field."""
    created = customfields.create_field(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        kind=kind,
        description=description.strip(),
        options=_lines(options),
        required_at_declare=required_at_declare,
        rank=parse_rank(rank),
    )
    return _answer(request, session, FIELDS, f"Custom field {created.name} created.")


@router.post(FIELDS + "/{field_id:id}")
def update_field(
    field_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    kind: str = Form(""),
    description: str = Form(""),
    options: str = Form(""),
    required_at_declare: bool = Form(False),
    rank: str = Form("0"),
) -> Response:
    """Save a custom field's edit form."""
    changed = customfields.update_field(
        session,
        actor=actor,
        now=utcnow(),
        field_id=field_id,
        name=name,
        kind=kind,
        description=description.strip(),
        options=_lines(options),
        required_at_declare=required_at_declare,
        rank=parse_rank(rank),
    )
    return _answer(request, session, FIELDS, f"Custom field {changed.name} saved.")


@router.post(FIELDS + "/{field_id:id}/delete")
def delete_field(field_id: int, request: Request, session: DbSession, actor: WebAdmin) -> Response:
    """Delete a custom field that no incident holds a value for."""
    gone = customfields.delete_field(session, actor=actor, now=utcnow(), field_id=field_id)
    return _answer(request, session, FIELDS, f"Custom field {gone.name} deleted.")


@router.get(ROLES)
def role_list(request: Request, session: DbSession, _actor: WebAdmin) -> Response:
    """The incident roles in their order, built-in ones marked."""
    return _render_roles(request, session, fragment=is_htmx(request))


@router.post(ROLES)
def create_role(
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    slug: str = Form(""),
    instructions: str = Form(""),
    rank: str = Form(str(roles.DEFAULT_RANK)),
) -> Response:
    """Add an incident role."""
    created = roles.create_role_type(
        session,
        actor=actor,
        now=utcnow(),
        name=name,
        slug=slug.strip() or None,
        instructions=instructions.strip(),
        rank=parse_rank(rank),
    )
    return _answer(request, session, ROLES, f"Role {created.name} created.")


@router.post(ROLES + "/{role_type_id:id}")
def update_role(
    role_type_id: int,
    request: Request,
    session: DbSession,
    actor: WebAdmin,
    name: str = Form(""),
    instructions: str = Form(""),
    rank: str = Form(""),
) -> Response:
    """Save an incident role's edit form (its slug never changes)."""
    changed = roles.update_role_type(
        session,
        actor=actor,
        now=utcnow(),
        role_type_id=role_type_id,
        name=name,
        instructions=instructions.strip(),
        rank=parse_rank(rank),
    )
    return _answer(request, session, ROLES, f"Role {changed.name} saved.")


@router.post(ROLES + "/{role_type_id:id}/delete")
def delete_role(
    role_type_id: int, request: Request, session: DbSession, actor: WebAdmin
) -> Response:
    """Delete a custom incident role that nobody holds."""
    gone = roles.delete_role_type(session, actor=actor, now=utcnow(), role_type_id=role_type_id)
    return _answer(request, session, ROLES, f"Role {gone.name} deleted.")
