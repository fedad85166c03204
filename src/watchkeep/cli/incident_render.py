"""Draw incidents for people: a table of incidents, a detail panel, roles and a timeline tree.

Everything here takes the API's JSON bodies, so local and remote mode look the same.
Times are shown in UTC.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

Body = dict[str, Any]

CATEGORY_STYLE = {
    "triage": "yellow",
    "live": "bold red",
    "post_incident": "green",
    "closed": "dim",
    "discarded": "dim",
}
KIND_STYLE = {
    "declared": "bold red",
    "status_changed": "cyan",
    "status_update": "green",
    "role_assigned": "magenta",
    "note": "",
}
TIMESTAMPS = (
    ("impact_started_at", "impact started"),
    ("declared_at", "declared"),
    ("acknowledged_at", "acknowledged"),
    ("mitigated_at", "mitigated"),
    ("resolved_at", "resolved"),
    ("closed_at", "closed"),
)


def instant(value: str | datetime | None) -> datetime | None:
    """An API timestamp (ISO 8601, or already a datetime) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC)


def when(value: str | datetime | None) -> str:
    """``2025-01-02 14:03Z``, or an empty string."""
    moment = instant(value)
    if moment is None:
        return ""
    return moment.strftime("%Y-%m-%d %H:%MZ")


def status_text(incident: Body) -> str:
    style = CATEGORY_STYLE.get(incident["category"], "")
    return f"[{style}]{incident['status']}[/{style}]" if style else incident["status"]


def names(refs: Iterable[Body]) -> str:
    return ", ".join(ref["name"] for ref in refs)


def incident_table(page: Body) -> Table:
    """One row per incident, newest first."""
    items = page["items"]
    more = " (more: raise --limit)" if page["has_more"] else ""
    table = Table(title=f"{len(items)} incident(s){more}", header_style="bold")
    for column in ("ref", "severity", "status", "title", "services", "declared"):
        table.add_column(column, overflow="fold", no_wrap=column in ("ref", "declared"))
    for incident in items:
        lock = " [dim](private)[/dim]" if incident["private"] else ""
        table.add_row(
            incident["reference"],
            incident["severity"]["name"],
            status_text(incident),
            escape(incident["title"]) + lock,
            escape(names(incident["services"])),
            when(incident["declared_at"]),
        )
    return table


def details(incident: Body) -> Panel:
    """The incident's facts: status, severity, services, summary and its timestamps."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("status", f"{status_text(incident)} ({incident['category']})")
    grid.add_row("severity", incident["severity"]["name"])
    grid.add_row("type", escape(incident["type"]["name"]))
    grid.add_row("visibility", "private" if incident["private"] else "public")
    if incident["services"]:
        grid.add_row("services", escape(names(incident["services"])))
    if incident["reporter"]:
        grid.add_row("reporter", escape(incident["reporter"]["name"]))
    if incident["merged_into"]:
        grid.add_row("merged into", incident["merged_into"])
    if incident["merged"]:
        grid.add_row("merged here", ", ".join(incident["merged"]))
    if incident.get("external_ref"):
        grid.add_row("imported as", escape(incident["external_ref"]))
    for name, value in incident["custom_fields"].items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        grid.add_row(escape(name), escape(shown))
    for name, label in TIMESTAMPS:
        if incident["timestamps"].get(name):
            grid.add_row(label, when(incident["timestamps"][name]))
    if incident["next_update_at"]:
        overdue = " [bold red](overdue)[/bold red]" if incident["update_overdue"] else ""
        grid.add_row("next update", when(incident["next_update_at"]) + overdue)
    allowed = ", ".join(incident["allowed_next"]) or "none (final)"
    grid.add_row("next status", allowed)
    parts: list[RenderableType] = [grid]
    if incident["summary"]:
        parts = [Text(incident["summary"]), Text(""), grid]
    title = f"[bold]{incident['reference']}[/bold] {escape(incident['title'])}"
    return Panel(Group(*parts), title=title, title_align="left")


def role_table(incident: Body) -> Table:
    table = Table(title="roles", header_style="bold", title_justify="left")
    for column in ("role", "held by", "since"):
        table.add_column(column)
    for role in incident["roles"]:
        table.add_row(escape(role["name"]), escape(role["user"]["name"]), when(role["assigned_at"]))
    return table


def timeline_tree(entries: list[Body]) -> Tree:
    """The timeline as a tree: one branch per UTC day, one leaf per entry (★ = pinned)."""
    tree = Tree(f"[bold]timeline[/bold] ({len(entries)} entries, UTC)")
    timed = [(datetime.fromisoformat(e["occurred_at"]).astimezone(UTC), e) for e in entries]
    for day, group in groupby(timed, key=lambda pair: pair[0].date()):
        branch = tree.add(f"[bold]{day.isoformat()}[/bold]")
        for moment, entry in group:
            leaf = branch.add(f"[dim]{moment:%H:%M:%S}[/dim] {entry_line(entry)}")
            if entry["description"] and entry["description"] not in entry["title"]:
                leaf.add(Text(entry["description"], style="italic"))
    return tree


def entry_line(entry: Body) -> str:
    style = KIND_STYLE.get(entry["kind"], "")
    title = f"[{style}]{escape(entry['title'])}[/{style}]" if style else escape(entry["title"])
    star = "★ " if entry["pinned"] else ""
    actor = f" [dim]— {escape(entry['actor']['name'])}[/dim]" if entry["actor"] else ""
    return f"{star}{title}{actor}"


def incident_view(incident: Body, entries: list[Body]) -> Group:
    """Everything ``incident show`` draws."""
    parts: list[RenderableType] = [details(incident)]
    if incident["roles"]:
        parts.append(role_table(incident))
    parts.append(timeline_tree(entries))
    return Group(*parts)
