"""Command groups that import a command's module only when that command runs.

Click's "lazy loading of subcommands": the group knows each subcommand by name, by the
``module:attribute`` that defines it and by its one-line help, so that ``--help`` and shell
completion list the commands without importing any of them. A command that runs imports its
own module, and so only what that module imports.
"""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, NamedTuple

import typer
from typer import _click  # Typer's own copy of click: the types its groups are built on
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command, get_group


class Subcommand(NamedTuple):
    """Where a subcommand is defined (``"module:attribute"``) and its one-line help."""

    target: str
    help: str


class Listed(TyperCommand):
    """A subcommand as ``--help`` lists it: its name and help, its module not imported."""

    def __init__(self, name: str, subcommand: Subcommand) -> None:
        super().__init__(name=name, help=subcommand.help)
        self.target = subcommand.target


def load(name: str, target: str) -> _click.Command:
    """Import ``target`` and make it a command: a Typer app becomes a group (as ``add_typer``
    makes it, without the completion options of a top-level app); a function, a command."""
    module, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    command: _click.Command
    if isinstance(found, typer.Typer):
        command = get_group(found)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(found)
        command = get_command(single)
    command.name = name
    return command


def no_options() -> None:
    """The callback of a lazy Typer app: Typer builds a group only for an app with one."""


class LazyGroup(TyperGroup):
    """A group whose subcommands are imported when they run, never to be listed.

    Subclasses name their subcommands in ``subcommands``; make the app with
    ``typer.Typer(cls=TheSubclass, callback=no_options, help=...)``.
    """

    subcommands: ClassVar[dict[str, Subcommand]] = {}
    # Typer draws help with Rich, and importing its help renderer (Rich's Markdown, columns,
    # panels) takes ~80 ms: a third of `watchkeep --help`. A group with plain help uses
    # click's own layout instead.
    plain_help: ClassVar[bool] = False
    _listing = False

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = {name: Listed(name, sub) for name, sub in self.subcommands.items()}

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.subcommands)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = self.commands.get(cmd_name)
        if isinstance(command, Listed) and not self._listing:
            command = self.commands[cmd_name] = load(cmd_name, command.target)
        return command

    @contextmanager
    def listing(self) -> Iterator[None]:
        """Within: ``get_command`` answers with the listed name and help, importing nothing."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        with self.listing():
            if self.plain_help:
                super(TyperGroup, self).format_help(ctx, formatter)  # click's, not Typer's
            else:
                super().format_help(ctx, formatter)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """Plain help: each command with its whole help, wrapped (click cuts it to one line)."""
        rows = [(name, self.subcommands[name].help) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if self.plain_help and not args and self.no_args_is_help and not ctx.resilient_parsing:
            # As with Rich help: the help on standard output, exit code 2. (Typer shows the
            # help of a no-arguments error only when it draws it with Rich.)
            typer.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: _click.Context, incomplete: str) -> list[Any]:
        with self.listing():
            return super().shell_complete(ctx, incomplete)
