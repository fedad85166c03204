"""Panels: the parts of a cross-domain page that domains contribute.

A page (the incident page, the dashboard) is a shell owned by the composition layer; each
domain hands it :class:`Panel` objects. A panel renders on its own from the page's *subject*
(the incident, or the moment the dashboard is drawn) and the page's shared context, and
refreshes on its own over htmx: an action answers with the panels it changed (the first
replaces the element that asked, the others are swapped out of band), and a panel may also
re-fetch itself on its ``refresh_on`` htmx triggers: a period (``every 30s``) or an event
that actions send in an ``HX-Trigger`` header (``incident-content-changed from:body``).

The kit knows no domain: it only renders what it is given.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse, Response

from watchkeep.core.errors import NotFound
from watchkeep.http.announce import hx_trigger
from watchkeep.http.templates import render_markup


@dataclass(frozen=True)
class PanelInput:
    """What a panel's context is built from."""

    request: Request
    session: Session
    subject: Any  # the page's subject: the incident, or the moment the dashboard is drawn
    shared: dict[str, Any]  # the page's shared context (``actor`` and ``now`` at least)


# What a panel adds to the page's shared context.
PanelContext = Callable[[PanelInput], dict[str, Any]]


def _nothing(_input: PanelInput) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Panel:
    """One part of a page, contributed by a domain."""

    name: str  # the element id, unique on its page, and its URL segment for a refresh
    template: str
    context: PanelContext = _nothing
    slot: str = "side"  # where the shell places it: header, banner, main or side
    order: int = 100
    refresh_on: tuple[str, ...] = ()  # htmx triggers on which it fetches itself again


@dataclass
class PanelSet:
    """The panels of one page, as the composition layer gathered them from the domains."""

    page: str
    panels: dict[str, Panel] = field(default_factory=dict)

    @classmethod
    def of(cls, page: str, *panels: Panel) -> "PanelSet":
        """A page's panels, all known up front (a page of one domain)."""
        panel_set = cls(page)
        panel_set.add(*panels)
        return panel_set

    def add(self, *panels: Panel) -> None:
        for panel in panels:
            if panel.name in self.panels:
                raise ValueError(f"the {self.page} page already has a panel {panel.name!r}")
            self.panels[panel.name] = panel

    def get(self, name: str) -> Panel:
        try:
            return self.panels[name]
        except KeyError:
            raise NotFound(f"the {self.page} page has no panel {name!r}") from None

    def slot(self, slot: str) -> list[Panel]:
        return sorted(
            (p for p in self.panels.values() if p.slot == slot), key=lambda p: (p.order, p.name)
        )


def panel_set(request: Request, page: str) -> PanelSet:
    """The panels of ``page`` registered with the application."""
    sets: dict[str, PanelSet] = request.app.state.panels
    return sets[page]


def render_panel(
    request: Request,
    session: Session,
    panel: Panel,
    subject: Any,
    shared: dict[str, Any],
    *,
    oob: bool = False,
) -> Markup:
    """One panel as HTML: the shared context, its own context, and whether it is out of band."""
    context = {**shared, **panel.context(PanelInput(request, session, subject, shared))}
    return render_markup(request, panel.template, **context, oob=oob, panel=panel)


def panels_response(
    request: Request,
    session: Session,
    subject: Any,
    shared: dict[str, Any],
    panels: Sequence[Panel],
    *,
    announce: str | None,
    trigger: Iterable[str] = (),
) -> Response:
    """The answer to an htmx request: the first panel in place, the others out of band, the
    events (``HX-Trigger``) that make other panels refresh themselves, and what an action
    did, to be announced (``None`` for a plain refresh; see :mod:`watchkeep.http.announce`)."""
    html = Markup("\n").join(
        render_panel(request, session, panel, subject, shared, oob=index > 0)
        for index, panel in enumerate(panels)
    )
    response = HTMLResponse(html)
    header = hx_trigger(trigger, announce)
    if header is not None:
        response.headers["HX-Trigger"] = header
    return response
