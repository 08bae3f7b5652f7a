"""`lingograph knowledge`: ingest, list and search knowledge bases."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from api.cli_errors import DomainErrorGroup
from api.progress import embedding_progress
from knowledge.ingest import DEFAULT_TENANT, count_chunks, read_paths
from knowledge.store import IngestReport, KnowledgeStore, store_from_settings
from tools.settings import get_settings

app = typer.Typer(
    cls=DomainErrorGroup, help="Knowledge bases for retrieval (RAG).", no_args_is_help=True
)
console = Console()

TENANT = typer.Option(DEFAULT_TENANT, "--tenant", "-t", help="Tenant that owns the knowledge base.")


def _store() -> KnowledgeStore:
    return store_from_settings(get_settings())


def print_report(report: IngestReport) -> None:
    """One line per kind of change."""
    console.print(
        f"[green]{len(report.added)} added[/green], {len(report.replaced)} replaced, "
        f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted "
        f"({report.chunks_written} chunks written, {report.chunks_deleted} removed)"
    )


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.md, .txt, .html, .pdf)."),
    kb: str = typer.Option(..., "--kb", help="Knowledge base name, e.g. es-grammar."),
    tenant: str = TENANT,
    level: str = typer.Option(None, help="CEFR level for files that don't state one."),
    language: str = typer.Option(None, help="Language code for files that don't state one."),
    delete: bool = typer.Option(False, "--delete", help="Remove these sources instead."),
) -> None:
    """Add or update documents (unchanged files are skipped), or remove them with --delete."""
    store = _store()
    if delete:
        sources = [p.name if p.exists() and p.is_file() else str(p) for p in paths]
        print_report(store.delete_sources(tenant, kb, sources))
        return
    documents = read_paths(paths)
    total = count_chunks(store.needs_embedding(tenant, kb, documents))
    with embedding_progress(console, f"Embedding into {tenant}/{kb}", total) as advance:
        report = store.ingest(
            tenant, kb, documents, level=level, language=language, progress=advance
        )
    print_report(report)


@app.command("ls")
def list_knowledge(
    tenant: str = typer.Option(None, "--tenant", "-t", help="Only this tenant."),
    kb: str = typer.Option(None, "--kb", help="List this knowledge base's sources."),
) -> None:
    """List knowledge bases, or the sources of one."""
    store = _store()
    if kb:
        sources = store.sources(tenant or DEFAULT_TENANT, kb)
        table = Table("source", "title", "level", "chunks")
        for source in sources:
            table.add_row(source.source, source.title, source.level, str(source.chunks))
    else:
        table = Table("tenant", "knowledge base", "chunks")
        for info in store.knowledge_bases(tenant):
            table.add_row(info.tenant, info.knowledge_base, str(info.chunks))
    console.print(table)


@app.command()
def search(
    query: str = typer.Argument(..., help="A question, in any language."),
    kb: list[str] = typer.Option(["es-grammar"], "--kb", help="Knowledge base(s) to search."),
    tenant: str = TENANT,
    level: str = typer.Option(None, help="Learner level, e.g. A1 (filters harder notes out)."),
    k: int = typer.Option(5, "-k", help="How many passages."),
) -> None:
    """Show the passages a question retrieves, with their scores."""
    passages = _store().search(query, tenant=tenant, knowledge_bases=kb, level=level, k=k)
    if not passages:
        console.print("No passages found.")
    table = Table("score", "citation", "text")
    for passage in passages:
        snippet = passage.text.replace("\n", " ")
        table.add_row(f"{passage.score:.3f}", passage.citation, snippet[:120])
    console.print(table)
