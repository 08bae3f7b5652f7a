"""The progress bar the CLI shows while knowledge-base chunks are embedded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def embedding_progress(
    console: Console, description: str, total: int
) -> Iterator[Callable[[int], None]]:
    """Show chunks embedded out of `total`; yields the callback `KnowledgeStore.ingest` takes."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("chunks"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)
