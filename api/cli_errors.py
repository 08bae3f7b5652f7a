"""How the command line ends on a domain error: its detail in red and an exit code per kind."""

from __future__ import annotations

from typing import Any, NoReturn

import click
import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from tools.errors import Conflict, DomainError, Invalid, NotConfigured, NotFound, lookup

# 2 for bad input matches Click's own usage errors; 1 stays "the work ran and failed".
EXIT_CODES: dict[type[DomainError], int] = {
    DomainError: 1,
    Invalid: 2,
    NotFound: 3,
    Conflict: 4,
    NotConfigured: 5,
}
console = Console()


def exit_code(error: DomainError) -> int:
    """The exit code for a domain error's kind."""
    return lookup(EXIT_CODES, error)


def fail(error: DomainError) -> NoReturn:
    """Print the error's detail (one line per item of a list) in red and exit with its code."""
    for line in error.detail if isinstance(error.detail, list) else [error.detail]:
        console.print(Text(str(line), style="red"))
    raise typer.Exit(exit_code(error))


class DomainErrorGroup(TyperGroup):
    """A Typer app's group: a domain error from any of its commands (nested too) ends in `fail`.

    Use it as `typer.Typer(cls=DomainErrorGroup)`; it holds when the app is mounted elsewhere.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command, mapping a domain error to its message and exit code."""
        try:
            return super().invoke(ctx)
        except DomainError as error:
            fail(error)
