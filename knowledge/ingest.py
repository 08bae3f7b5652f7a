"""Ingest files and folders into a knowledge base, and the knowledge bases shipped with the repo."""

from __future__ import annotations

from pathlib import Path

from knowledge.chunking import chunk_document
from knowledge.documents import Document, collect_files, read_document
from knowledge.store import IngestReport, KnowledgeStore
from tools.resources import packaged

BUILTIN_DIR = packaged("knowledge", "kb")
DEFAULT_TENANT = "default"


def read_paths(paths: list[Path]) -> list[Document]:
    """Every supported file under `paths`, parsed; raises DocumentError on the first bad one."""
    return [read_document(path, source) for path, source in collect_files(paths)]


def count_chunks(documents: list[Document]) -> int:
    """How many chunks the documents make (for a progress bar's total)."""
    return sum(len(chunk_document(d)) for d in documents)


def builtin_knowledge_bases() -> list[Path]:
    """The knowledge-base folders shipped in `knowledge/kb/` (one folder per knowledge base)."""
    return sorted(p for p in BUILTIN_DIR.iterdir() if p.is_dir()) if BUILTIN_DIR.exists() else []


def sync_folder(store: KnowledgeStore, folder: Path, *, tenant: str, kb: str) -> IngestReport:
    """Make a knowledge base mirror a folder: ingest its files, delete sources no longer in it."""
    documents = read_paths([folder])
    report = store.ingest(tenant, kb, documents)
    present = {d.source for d in documents}
    gone = [s.source for s in store.sources(tenant, kb) if s.source not in present]
    if gone:
        removed = store.delete_sources(tenant, kb, gone)
        report.deleted, report.chunks_deleted = (
            removed.deleted,
            report.chunks_deleted + removed.chunks_deleted,
        )
    return report


def seed_knowledge(store: KnowledgeStore) -> dict[str, IngestReport]:
    """Sync the shipped knowledge bases for the default tenant (unchanged files are skipped)."""
    return {
        folder.name: sync_folder(store, folder, tenant=DEFAULT_TENANT, kb=folder.name)
        for folder in builtin_knowledge_bases()
    }
