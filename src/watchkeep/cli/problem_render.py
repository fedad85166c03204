"""Draw problems and known errors for people: tables, the problem page and its timeline.

Everything here takes the API's JSON bodies, so local and remote mode look the same.
Times are shown in UTC.
"""

from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from watchkeep.cli.incident_render import names, when

Body = dict[str, Any]

STATE_STYLE = {
    "new": "yellow",
    "investigating": "bold red",
    "root_cause_identified": "cyan",
    "known_error": "magenta",
    "fix_in_progress": "blue",
    "resolved": "green",
    "closed": "dim",
    "canceled": "dim",
}
PRIORITY_STYLE = {"urgent": "bold red", "high": "red", "medium": "", "low": "dim"}


def styled(value: str, style: str) -> str:
    return f"[{style}]{escape(value)}[/{style}]" if style else escape(value)


def state_text(state: str) -> str:
    return styled(state, STATE_STYLE.get(state, ""))


def priority_text(priority: str) -> str:
    return styled(priority, PRIORITY_STYLE.get(priority, ""))


def headline(problem: Body) -> str:
    """``Title (priority, state)``."""
    return f"{escape(problem['title'])} ({problem['priority']}, {problem['state']})"


def duration(seconds: float | None) -> str:
    """``3d 4h``, ``2h 05m``, ``12m`` or ``40s``; empty when unknown."""
    if seconds is None:
        return ""
    whole = int(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m" if minutes else f"{secs}s"


def table(title: str, *columns: str) -> Table:
    grid = Table(title=title, header_style="bold", title_justify="left")
    for column in columns:
        grid.add_column(column, overflow="fold")
    return grid


def problem_table(page: Body) -> Table:
    """One row per problem, most recently changed first."""
    items = page["items"]
    more = " (more: raise --limit)" if page["has_more"] else ""
    rows = table(f"{len(items)} problem(s){more}", "ref", "state", "priority", "title")
    rows.add_column("services", overflow="fold")
    rows.add_column("updated", no_wrap=True)
    for problem in items:
        rows.add_row(
            problem["reference"],
            state_text(problem["state"]),
            priority_text(problem["priority"]),
            escape(problem["title"]),
            escape(names(problem["services"])),
            when(problem["updated_at"]),
        )
    return rows


def details(problem: Body) -> Panel:
    """The problem's facts: state, priority, owner, services, root cause and timestamps."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("state", state_text(problem["state"]))
    grid.add_row("priority", priority_text(problem["priority"]))
    for field in ("owner", "team"):
        if problem[field]:
            grid.add_row(field, escape(problem[field]["name"]))
    if problem["services"]:
        grid.add_row("services", escape(names(problem["services"])))
    grid.add_row("root cause", escape(problem["root_cause"]) or "[dim]not written yet[/dim]")
    grid.add_row("opened", when(problem["created_at"]))
    for field in ("root_cause_identified_at", "resolved_at", "closed_at"):
        if problem[field]:
            grid.add_row(field.removesuffix("_at").replace("_", " "), when(problem[field]))
    grid.add_row("next state", ", ".join(problem["allowed_next"]) or "none (final)")
    parts: list[RenderableType] = [grid]
    if problem["description"]:
        parts = [Text(problem["description"]), Text(""), grid]
    title = f"[bold]{problem['reference']}[/bold] {escape(problem['title'])}"
    return Panel(Group(*parts), title=title, title_align="left")


def impact_grid(impact: Body) -> Table:
    """Incident count, total duration, severity mix, recurrence and time to root cause."""
    grid = Table(title="impact", show_header=False, title_justify="left")
    grid.add_column(style="bold")
    grid.add_column()
    mix = ", ".join(f"{count} {name}" for name, count in sorted(impact["severity_mix"].items()))
    grid.add_row("incidents", str(impact["incident_count"]))
    grid.add_row("total duration", duration(impact["total_duration_seconds"]))
    grid.add_row("severity mix", mix or "none")
    grid.add_row("first incident", when(impact["first_incident_at"]))
    grid.add_row("last incident", when(impact["last_incident_at"]))
    grid.add_row("after resolved", str(impact["incidents_after_resolved"]))
    grid.add_row("time to root cause", duration(impact["time_to_root_cause_seconds"]))
    return grid


def incident_table(links: list[Body]) -> Table:
    rows = table("incidents", "ref", "severity", "status", "title", "linked by", "why")
    for link in links:
        incident = link["incident"]
        lock = " [dim](private)[/dim]" if incident["private"] else ""
        rows.add_row(
            incident["reference"],
            incident["severity"]["name"],
            incident["status"],
            escape(incident["title"]) + lock,
            escape(link["linked_by"]["name"]) if link["linked_by"] else "",
            escape(link["reason"]),
        )
    return rows


def whys_table(whys: list[Body]) -> Table:
    rows = table("5 whys", "#", "why?", "because")
    for why in whys:
        rows.add_row(str(why["position"]), escape(why["question"]), escape(why["answer"]))
    return rows


def factor_table(factors: list[Body]) -> Table:
    rows = table("contributing factors", "id", "category", "description")
    for factor in factors:
        rows.add_row(str(factor["id"]), factor["category"], escape(factor["description"]))
    return rows


def known_error_tree(known: Body) -> Tree:
    """A known error with its symptoms and numbered workaround steps."""
    fix = known["fix_status"].replace("_", " ")
    inactive = " [dim](inactive)[/dim]" if not known["active"] else ""
    tree = Tree(
        f"[bold]{known['reference']}[/bold] {escape(known['title'])} [dim]fix: {fix}[/dim]"
        + inactive
    )
    tree.add(f"[bold]symptoms[/bold] {escape(known['symptoms'])}")
    steps = tree.add("[bold]workaround[/bold]")
    for number, step in enumerate(known["workaround"], start=1):
        steps.add(f"{number}. {escape(step)}")
    if known["fix_link"]:
        tree.add(f"[bold]fix[/bold] {escape(known['fix_link'])}")
    if known["alert_names"]:
        tree.add(f"[bold]alerts[/bold] {escape(', '.join(known['alert_names']))}")
    return tree


def action_table(actions: list[Body]) -> Table:
    rows = table("actions", "id", "type", "status", "priority", "title", "owner", "due")
    for action in actions:
        rows.add_row(
            str(action["id"]),
            action["action_type"],
            action["status"].replace("_", " "),
            priority_text(action["priority"]),
            escape(action["title"]),
            escape(action["owner"]["name"]) if action["owner"] else "",
            when(action["due_at"]),
        )
    return rows


def timeline_tree(events: list[Body]) -> Tree:
    """The problem's timeline as a tree: one branch per UTC day, one leaf per event."""
    tree = Tree(f"[bold]timeline[/bold] ({len(events)} entries, UTC)")
    timed = [(datetime.fromisoformat(e["occurred_at"]).astimezone(UTC), e) for e in events]
    for day, group in groupby(timed, key=lambda pair: pair[0].date()):
        branch = tree.add(f"[bold]{day.isoformat()}[/bold]")
        for moment, event in group:
            actor = f" [dim]— {escape(event['actor']['name'])}[/dim]" if event["actor"] else ""
            branch.add(f"[dim]{moment:%H:%M:%S}[/dim] {escape(event['title'])}{actor}")
    return tree


def problem_view(problem: Body, events: list[Body]) -> Group:
    """Everything ``problem show`` draws."""
    parts: list[RenderableType] = [details(problem), impact_grid(problem["impact"])]
    if problem["incidents"]:
        parts.append(incident_table(problem["incidents"]))
    if problem["whys"]:
        parts.append(whys_table(problem["whys"]))
    if problem["factors"]:
        parts.append(factor_table(problem["factors"]))
    if problem["known_errors"]:
        parts.append(Text("known errors", style="bold italic"))
        parts.extend(known_error_tree(k) for k in problem["known_errors"])
    if problem["follow_ups"]:
        parts.append(action_table(problem["follow_ups"]))
    parts.append(timeline_tree(events))
    return Group(*parts)


def known_error_table(known_errors: list[Body]) -> Table:
    """One row per known error, newest first."""
    rows = table(f"{len(known_errors)} known error(s)", "ref", "title", "problem", "fix", "steps")
    for known in known_errors:
        inactive = " [dim](inactive)[/dim]" if not known["active"] else ""
        rows.add_row(
            known["reference"],
            escape(known["title"]) + inactive,
            known["problem"] or "",
            known["fix_status"].replace("_", " "),
            str(len(known["workaround"])),
        )
    return rows
