"""The `lingograph` command: serving, setup, the terminal chat, the router tool and groups.

`serve` runs the API and web chat, `worker` the PostgreSQL job queue; `migrate`, `seed` and
`setup` (both) prepare a database; `chat` is a terminal client; `route` shows what the router
makes of messages; `eval`, `knowledge` and `content` group the evaluation, knowledge-base and
course-content commands.
"""

from __future__ import annotations

import asyncio
import getpass
import logging

import httpx
import typer
from rich.console import Console
from rich.text import Text

from api.content_cli import app as content_app
from api.knowledge_cli import app as knowledge_app
from api.progress import embedding_progress
from api.route_cli import route
from evals.cli import app as eval_app
from tools.db.url import masked
from tools.settings import get_settings

app = typer.Typer(help="Lingograph: a conversational language tutor.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(knowledge_app, name="knowledge")
app.add_typer(content_app, name="content")
app.command(name="route")(route)
console = Console()


def configure_logging(level: str) -> None:
    """Log at `level`, but keep HTTP client request lines (they carry bot tokens) out."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "httpcore", "twilio.http_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema and the checkpoint tables."""
    from api.migrate import migrate as run_migrations

    settings = get_settings()
    run_migrations(settings.database_url)
    console.print(f"[green]Migrated[/green] {masked(settings.database_url)}")


@app.command()
def seed() -> None:
    """Load or update the starter course (safe to run again)."""
    from api.migrate import seed as run_seed

    report = asyncio.run(run_seed(get_settings().database_url))
    console.print(
        f"[green]Seeded[/green] course {report.course}: {report.lessons} lessons, "
        f"{report.exercises} exercises, {report.placement} placement questions, "
        f"{report.vocabulary} words ({report.exercises_added} exercises and questions added, "
        f"{report.exercises_updated} updated)"
    )
    seed_knowledge_bases()


def seed_knowledge_bases() -> None:
    """Sync the shipped knowledge bases, with a progress bar while new or changed notes embed."""
    from knowledge.ingest import apply_sync, plan_seed
    from knowledge.store import store_from_settings

    store = store_from_settings(get_settings())
    for plan in plan_seed(store):
        notes = len(plan.documents)
        if plan.up_to_date:
            console.print(f"[green]Knowledge[/green] {plan.kb}: up to date ({notes} notes)")
            continue
        total = plan.chunks_to_embed()
        if total:
            console.print(
                f"Knowledge {plan.kb}: embedding {len(plan.pending)} of {notes} notes "
                f"({total} chunks)"
            )
        with embedding_progress(console, plan.kb, total) as advance:
            report = apply_sync(store, plan, advance)
        console.print(
            f"[green]Knowledge[/green] {plan.kb}: {len(report.added)} added, "
            f"{len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
            f"{len(report.deleted)} deleted"
        )


@app.command()
def setup() -> None:
    """Migrate, then seed: everything a new database needs."""
    migrate()
    seed()


@app.command()
def worker(
    concurrency: int | None = typer.Option(None, help="Defaults to WORKER_CONCURRENCY."),
) -> None:
    """Run channel jobs from the PostgreSQL queue (any number of workers, any machines)."""
    from api.worker import run_worker

    settings = get_settings()
    if concurrency:
        settings.worker_concurrency = concurrency
    configure_logging(settings.log_level)
    if settings.queue_backend != "procrastinate":
        console.print(
            "[red]`lingograph worker` needs DATABASE_URL=postgresql://... (the job "
            "queue lives in PostgreSQL); on SQLite the server runs jobs itself.[/red]"
        )
        raise typer.Exit(2)
    asyncio.run(run_worker(settings))


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Defaults to HOST."),
    port: int | None = typer.Option(None, help="Defaults to PORT."),
) -> None:
    """Serve the API and the web chat."""
    import uvicorn

    settings = get_settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        "api.main:app",
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
    )


def served_url(host: str, port: int) -> str:
    """Where a client on this machine reaches `lingograph serve` bound to host:port."""
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"  # a wildcard bind is not an address a client can connect to
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _show(replies: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for message in replies:
        line = Text("Lingo: ", style="bold cyan")
        line.append(message["text"])
        console.print(line)
        for button in message.get("buttons") or []:
            buttons.append(button)
            console.print(Text(f"   [{len(buttons)}] {button['title']}"))
    return buttons


@app.command()
def chat(
    user: str = typer.Option(None, help="Your learner id (default: cli-<login>)."),
    url: str = typer.Option(None, help="The Lingograph server (default: from HOST and PORT)."),
) -> None:
    """Chat with the tutor in the terminal (type /quit to leave)."""
    user = user or f"cli-{getpass.getuser()}"
    if not url:
        settings = get_settings()
        url = served_url(settings.host, settings.port)
    console.print(f"Chatting as [bold]{user}[/bold] with {url}. Type /quit to leave.")
    buttons: list[dict] = []
    with httpx.Client(base_url=url, timeout=120) as client:
        while True:
            try:
                text = console.input("[bold green]You:[/bold green] ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if text in ("/quit", "/exit"):
                break
            if not text:
                continue
            if text.isdigit() and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1]["id"]
            try:
                response = client.post("/v1/web/messages", json={"user": user, "text": text})
            except httpx.HTTPError as exc:
                console.print(f"[red]Cannot reach {url}: {exc}. Is `make run` running?[/red]")
                continue
            if response.status_code != 200:
                console.print(Text(f"{response.status_code}: {response.text}", style="red"))
                continue
            buttons = _show(response.json()["replies"])


if __name__ == "__main__":
    app()
