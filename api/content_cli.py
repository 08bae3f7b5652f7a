"""`lingograph content`: curriculum specs, exercise schemas, generation runs and review."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_errors import DomainErrorGroup
from api.content import ContentRuns, open_content
from tools.content import schemas as registry
from tools.content.drafts import Decision, check_decisions
from tools.content.runs import list_runs, run_view
from tools.content.specs import create_spec, list_specs, read_spec_file, spec_view
from tools.db import dispose_engines, session_scope
from tools.errors import Invalid
from tools.settings import get_settings

app = typer.Typer(
    cls=DomainErrorGroup, help="Generate exercises from curriculum specs.", no_args_is_help=True
)
specs_app = typer.Typer(help="Curriculum specs.", no_args_is_help=True)
app.add_typer(specs_app, name="specs")
console = Console()


def _run(work: Awaitable[Any]) -> Any:
    async def main() -> Any:
        try:
            return await work
        finally:
            await dispose_engines()

    return asyncio.run(main())


@specs_app.command("import")
def import_specs(files: list[Path] = typer.Argument(..., help="YAML spec files.")) -> None:
    """Create specs from YAML files (one spec, or a `specs:` list, per file)."""

    async def work() -> list[dict]:
        created = []
        async with session_scope(get_settings().database_url) as session:
            for path in files:
                for spec in read_spec_file(path):
                    created.append(spec_view(await create_spec(session, spec)))
        return created

    created = _run(work())
    table = _spec_table(created)
    table.title = f"{len(created)} spec(s) imported"
    console.print(table)


def _spec_table(specs: list[dict]) -> Table:
    table = Table("id", "level", "lesson", "topic", "exercises", "status")
    for spec in specs:
        kinds = ", ".join(f"{n} {kind}" for kind, n in spec["exercises"].items())
        table.add_row(
            str(spec["id"]), spec["level"], spec["lesson"], spec["topic"], kinds, spec["status"]
        )
    return table


@specs_app.command("list")
def list_specs_command() -> None:
    """Every spec with its status (pending, running, review, published, failed)."""

    async def work() -> list[dict]:
        async with session_scope(get_settings().database_url) as session:
            return [spec_view(row) for row in await list_specs(session)]

    console.print(_spec_table(_run(work())))


@app.command("schemas")
def schemas_command(
    kind: str = typer.Option(None, "--type", help="One exercise type; default all."),
) -> None:
    """Print the exercise types' versioned JSON Schemas."""
    exported = registry.export()
    if kind:
        if kind not in exported:
            known = ", ".join(exported)
            detail = f"unknown exercise type {kind!r}; known types: {known}"
            raise Invalid("unknown_exercise_type", detail)
        exported = {kind: exported[kind]}
    typer.echo(json.dumps(exported, indent=2, ensure_ascii=False))


def _summary(view: dict, seconds: float | None = None) -> Table:
    counts = view["counts"]
    table = Table("", "", title=f"Run {view['id']}: {view['status']}", show_header=False)
    rows = [
        ("exercise slots", counts.get("slots")),
        ("generated", counts.get("generated")),
        ("valid first try", counts.get("valid_first_try")),
        ("valid after retry", counts.get("retried")),
        ("rejected (invalid after every attempt)", counts.get("rejected")),
        ("dropped as duplicates", counts.get("duplicates")),
        ("stored as drafts", counts.get("stored")),
        ("model calls", counts.get("model_calls")),
        ("tokens in / out", _tokens(counts)),
        ("cost", counts.get("cost")),
        ("published", counts.get("published")),
        ("wall time", f"{seconds:.1f} s" if seconds is not None else None),
    ]
    for label, value in rows:
        if value is not None:
            table.add_row(label, str(value))
    return table


def _tokens(counts: dict) -> str | None:
    if not counts.get("input_tokens") and not counts.get("output_tokens"):
        return None
    return f"{counts.get('input_tokens', 0)} / {counts.get('output_tokens', 0)}"


def _report(view: dict, seconds: float | None = None) -> None:
    console.print(_summary(view, seconds))
    for error in view["errors"]:
        console.print(f"  [yellow]•[/yellow] {error}", highlight=False)
    if view["status"] == "review":
        console.print(f"Review the drafts: [bold]lingograph content review {view['id']}[/bold]")
    elif view["status"] == "failed" and view["counts"].get("stored") is None:
        console.print(f"Resume it: [bold]lingograph content resume {view['id']}[/bold]")


async def _follow(runs: ContentRuns, view: dict, graph_input: Any) -> tuple[dict, float]:
    """Run to the review interrupt (or the end) with a progress bar of finished slots."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[tally]}"),
        TimeElapsedColumn(),
    )
    tally = {"valid": 0, "rejected": 0, "retried": 0}
    started = time.perf_counter()
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(
            f"Writing {view['id']}", total=view["counts"].get("slots"), tally=""
        )

        def on_slot(result: dict) -> None:
            tally[result["status"]] += 1
            tally["retried"] += result["status"] == "valid" and result["attempts"] > 1
            text = (
                f"{tally['valid']} valid ({tally['retried']} retried), {tally['rejected']} rejected"
            )
            progress.update(task, advance=1, tally=text)

        final = await runs.run(view["id"], graph_input, on_slot=on_slot)
    return final, time.perf_counter() - started


@app.command()
def generate(
    spec: int = typer.Option(..., "--spec", help="The curriculum spec's id."),
    concurrency: int = typer.Option(None, min=1, help="Drafts at once; CONTENT_CONCURRENCY."),
) -> None:
    """Generate, validate and store drafts for a spec, then wait for review."""
    settings = get_settings()

    async def work() -> tuple[dict, float]:
        async with open_content(settings) as runs:
            runs.model_name()  # before anything is recorded
            view = await runs.start(spec, concurrency)
            return await _follow(runs, view, {"spec_id": spec})

    final, seconds = _run(work())
    _report(final, seconds)
    if final["status"] == "failed":
        raise typer.Exit(1)


@app.command()
def resume(run_id: str = typer.Argument(..., help="The run's id.")) -> None:
    """Resume a failed or interrupted run; finished drafts are kept, not regenerated."""

    async def work() -> tuple[dict, float]:
        async with open_content(get_settings()) as runs:
            view = await runs.reopen(run_id)
            return await _follow(runs, view, None)

    final, seconds = _run(work())
    _report(final, seconds)
    if final["status"] == "failed":
        raise typer.Exit(1)


@app.command("runs")
def runs_command() -> None:
    """The latest runs with their status and counts."""

    async def work() -> list[dict]:
        async with session_scope(get_settings().database_url) as session:
            return [run_view(run) for run in await list_runs(session)]

    table = Table()
    table.add_column("run", no_wrap=True)
    for name in ("spec", "status", "drafts", "rejected", "published", "created"):
        table.add_column(name)
    for view in _run(work()):
        counts = view["counts"]
        table.add_row(
            view["id"],
            str(view["spec_id"]),
            view["status"],
            str(counts.get("stored", "-")),
            str(counts.get("rejected", "-")),
            str(counts.get("published", "-")),
            view["created_at"][:19].replace("T", " "),
        )
    console.print(table)


def _show(draft: dict, number: int, total: int) -> None:
    body = yaml.safe_dump(draft["exercise"], allow_unicode=True, sort_keys=False)
    title = f"Draft {number}/{total} · id {draft['id']} · {draft['type']}"
    console.print(Panel(body.strip(), title=title, expand=False), highlight=False)


async def _edit(runs: ContentRuns, run_id: str, draft: dict) -> Decision | None:
    """Open the draft in $EDITOR until it validates (or the edit is abandoned)."""
    text = yaml.safe_dump(draft["exercise"], allow_unicode=True, sort_keys=False)
    while True:
        edited = typer.edit(text, extension=".yaml")
        if edited is None:
            return None
        try:
            fields = yaml.safe_load(edited)
            decision = Decision(id=draft["id"], action="edit", exercise=fields)
        except (yaml.YAMLError, ValidationError) as exc:
            errors = [str(exc)]
        else:
            async with session_scope(runs.database_url) as session:
                errors, _ = await check_decisions(session, run_id, [decision])
            if not errors:
                return decision
        for error in errors:
            console.print(f"[red]{error}[/red]", highlight=False)
        if console.input("Edit again? [y/n] ").strip().lower() != "y":
            return None
        text = edited


async def _ask(runs: ContentRuns, run_id: str, waiting: list[dict]) -> list[Decision]:
    decisions: list[Decision] = []
    for number, draft in enumerate(waiting, 1):
        _show(draft, number, len(waiting))
        while True:
            choice = console.input("[a]pprove, [e]dit, [r]eject, [s]kip, [q]uit? ", markup=False)
            choice = choice.strip()
            choice = choice.lower()[:1]
            if choice in ("a", "r"):
                action = "approve" if choice == "a" else "reject"
                decisions.append(Decision(id=draft["id"], action=action))
            elif choice == "e":
                edit = await _edit(runs, run_id, draft)
                if edit is None:
                    continue
                decisions.append(edit)
            elif choice == "q":
                return decisions
            elif choice != "s":
                continue
            break
    return decisions


@app.command()
def review(
    run_id: str = typer.Argument(..., help="The run's id."),
    approve_all: bool = typer.Option(False, "--approve-all", help="Approve every waiting draft."),
) -> None:
    """Approve, edit or reject a run's drafts; once all are decided they are published."""

    async def work() -> dict | None:
        async with open_content(get_settings()) as runs:
            await runs.in_review(run_id)
            waiting = await runs.waiting(run_id)
            if approve_all:
                decisions = [Decision(id=d["id"], action="approve") for d in waiting]
            else:
                decisions = await _ask(runs, run_id, waiting)
            if not decisions:
                return None
            return await runs.review(run_id, decisions)

    view = _run(work())
    if view is None:
        console.print("No decisions made; the drafts keep waiting.")
        return
    _report(view)
