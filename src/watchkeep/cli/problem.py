"""``watchkeep problem`` and ``watchkeep known-error``: problems, root causes and workarounds.

Every command works on the local database (acting as ``--as`` or the first admin) or, with
``--url`` and a token, on a server. ``--json`` prints the API's own body in both modes.
"""

from typing import Annotated, Any, Literal

import typer
from rich.console import RenderableType
from rich.markup import escape

from watchkeep.cli import problem_render as render
from watchkeep.cli.actor import AsOption
from watchkeep.cli.client import TokenOption, UrlOption
from watchkeep.cli.output import console, print_json
from watchkeep.cli.problem_ops import (
    ActionSpec,
    KnownErrorSpec,
    ProblemQuery,
    ProblemSpec,
    open_problems,
)
from watchkeep.followup.service import ACTION_TYPES
from watchkeep.incident.access import parse_reference
from watchkeep.problem.lifecycle import ProblemState
from watchkeep.problem.rca import CATEGORIES
from watchkeep.problem.service import PRIORITIES

app = typer.Typer(help="Problems: the causes behind recurring incidents.", no_args_is_help=True)
known_error_app = typer.Typer(help="Known errors: symptoms and workarounds.", no_args_is_help=True)


# The services' own tuples (Literal[("a", "b")] is Literal["a", "b"]): --help lists, Typer checks.
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
ActionType = Literal[ACTION_TYPES]  # type: ignore[valid-type]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]

RefArgument = Annotated[str, typer.Argument(metavar="PRB", help="The problem: PRB-3 or 3")]
IncidentArgument = Annotated[str, typer.Argument(metavar="INC", help="The incident: INC-12")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the API's JSON body instead")]
PriorityOption = Annotated[Priority, typer.Option("--priority", "-p", help="How urgent")]


def say(body: Any, as_json: bool, shown: RenderableType) -> None:
    """Print the API body with --json, else what people read (a line, a table, a page)."""
    if as_json:
        print_json(body)
    else:
        console.print(shown)


@app.command()
def create(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The problem, in a few words")],
    description: Annotated[str, typer.Option("--description", help="What is known")] = "",
    priority: PriorityOption = "medium",
    services: Annotated[
        list[str] | None,
        typer.Option("--service", metavar="NAME", help="An affected service (repeatable)"),
    ] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Open a problem and print its reference."""
    spec = ProblemSpec(title, description, priority, services or [])
    with open_problems(url, token, as_user) as ops:
        problem = ops.create(spec)
    say(problem, as_json, f"[bold]{problem['reference']}[/bold] opened: {render.headline(problem)}")


@app.command("raise")
def raise_(
    incidents: Annotated[list[str], typer.Argument(metavar="INC...", help="Its incidents")],
    title: Annotated[str | None, typer.Option(help="Default: the first incident's")] = None,
    priority: PriorityOption = "medium",
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Open a problem from incidents: their services and summaries carry over, and are linked."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.raise_from(incidents, title, priority)
    linked = ", ".join(i["incident"]["reference"] for i in problem["incidents"])
    line = f"[bold]{problem['reference']}[/bold] raised from {linked}: {render.headline(problem)}"
    say(problem, as_json, line)


@app.command("list")
def list_(
    states: Annotated[list[ProblemState] | None, typer.Option("--state", help="Repeatable")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved problems")] = False,
    priority: Annotated[Priority | None, typer.Option(help="Only this priority")] = None,
    service: Annotated[str | None, typer.Option(metavar="NAME", help="Affected service")] = None,
    text: Annotated[str | None, typer.Option("--text", "-q", help="Text to look for")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="At most this many")] = 50,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """List problems, most recently changed first."""
    wanted = [s.value for s in states or []]
    query = ProblemQuery(wanted, open_only, priority, service, text, limit)
    with open_problems(url, token, as_user) as ops:
        page = ops.page(query)
    say(page, as_json, render.problem_table(page))


@app.command()
def show(
    ref: RefArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print {problem, timeline}")] = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show a problem: details, impact, incidents, 5 whys, factors, known errors, actions."""
    with open_problems(url, token, as_user) as ops:
        problem, events = ops.get(ref), ops.timeline(ref)
    body = {"problem": problem, "timeline": events}
    say(body, as_json, render.problem_view(problem, events))


@app.command()
def state(
    ref: RefArgument,
    new_state: Annotated[ProblemState, typer.Argument(metavar="STATE", help="The state")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Move a problem to another state; a move that is not allowed names the allowed ones."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.transition(ref, new_state.value)
    say(problem, as_json, f"[bold]{problem['reference']}[/bold] is now {problem['state']}")


@app.command()
def link(
    ref: RefArgument,
    incident: IncidentArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why it belongs here")] = "",
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Link an incident to a problem; both timelines record it."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.link(ref, incident, reason)
    line = f"INC-{parse_reference(incident)} linked to [bold]{problem['reference']}[/bold]"
    say(problem, as_json, line)


@app.command()
def unlink(
    ref: RefArgument,
    incident: IncidentArgument,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Unlink an incident from a problem."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.unlink(ref, incident)
    line = f"INC-{parse_reference(incident)} unlinked from [bold]{problem['reference']}[/bold]"
    say(problem, as_json, line)


@app.command("root-cause")
def root_cause(
    ref: RefArgument,
    statement: Annotated[str, typer.Argument(metavar="STATEMENT", help="The root cause")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Write or revise the root-cause statement (the old one stays on the timeline)."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.root_cause(ref, statement)
    say(problem, as_json, f"root cause of [bold]{problem['reference']}[/bold] recorded")


def why_step(text: str) -> tuple[str, str]:
    question, sep, answer = text.partition("::")
    if not sep:
        raise typer.BadParameter(f"{text!r} is not QUESTION::ANSWER", param_hint="--step")
    return question, answer


@app.command()
def why(
    ref: RefArgument,
    steps: Annotated[list[str], typer.Option("--step", metavar="QUESTION::ANSWER", help="A why")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Replace the 5-whys chain with the given steps (the old chain stays on the timeline)."""
    chain = [why_step(step) for step in steps]
    with open_problems(url, token, as_user) as ops:
        problem = ops.whys(ref, chain)
    count = len(problem["whys"])
    say(problem, as_json, f"[bold]{problem['reference']}[/bold] has a {count}-step whys chain")


@app.command()
def factor(
    ref: RefArgument,
    category: Annotated[Category, typer.Argument(metavar="CATEGORY", help="Its kind")],
    description: Annotated[str, typer.Argument(metavar="DESCRIPTION", help="What contributed")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Add a contributing factor (people, process, technology, environment, external, other)."""
    with open_problems(url, token, as_user) as ops:
        problem = ops.factor(ref, category, description)
    line = f"{category} factor added to [bold]{problem['reference']}[/bold]"
    say(problem, as_json, line)


@app.command()
def action(
    ref: RefArgument,
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What is to be done")],
    action_type: Annotated[ActionType, typer.Option("--type", help="Its kind")] = "corrective",
    owner: Annotated[str | None, typer.Option(metavar="EMAIL", help="Who does it")] = None,
    priority: PriorityOption = "medium",
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Add a corrective, preventive or detective action, tracked like incident follow-ups."""
    spec = ActionSpec(title, action_type, owner, priority)
    with open_problems(url, token, as_user) as ops:
        added = ops.action(ref, spec)
    line = f"{added['action_type']} action {added['id']} added: {escape(added['title'])}"
    say(added, as_json, line)


@known_error_app.command("create")
def known_error_create(
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The known error, briefly")],
    symptoms: Annotated[str, typer.Option("--symptoms", help="How to recognise it")],
    steps: Annotated[list[str], typer.Option("--step", help="A workaround step, in order")],
    problem: Annotated[str | None, typer.Option(metavar="PRB", help="Its problem")] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Record a known error: its symptoms and the workaround steps, in order."""
    with open_problems(url, token, as_user) as ops:
        known = ops.record_known_error(KnownErrorSpec(problem, title, symptoms, steps))
    owner = f" for {known['problem']}" if known["problem"] else ""
    line = f"[bold]{known['reference']}[/bold] recorded{owner}: {escape(known['title'])}"
    say(known, as_json, line)


@known_error_app.command("list")
def known_error_list(
    text: Annotated[str | None, typer.Option("--text", "-q", help="In title or symptoms")] = None,
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Search the known-error database, newest first."""
    with open_problems(url, token, as_user) as ops:
        found = ops.known_errors(text)
    say(found, as_json, render.known_error_table(found))


@known_error_app.command("show")
def known_error_show(
    ref: Annotated[str, typer.Argument(metavar="KE", help="The known error: KE-4 or 4")],
    as_json: JsonOption = False,
    url: UrlOption = None,
    token: TokenOption = None,
    as_user: AsOption = None,
) -> None:
    """Show a known error: symptoms, workaround steps and the state of the permanent fix."""
    with open_problems(url, token, as_user) as ops:
        known = ops.known_error(ref)
    say(known, as_json, render.known_error_tree(known))
