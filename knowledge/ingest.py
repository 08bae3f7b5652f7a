"""Ingest files and folders into a knowledge base, and the knowledge bases shipped with the repo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class FolderSync:
    """What syncing a folder into a knowledge base will do, decided before anything is embedded."""

    tenant: str
    kb: str
    documents: list[Document]
    pending: list[Document]
    gone: list[str]

    @property
    def up_to_date(self) -> bool:
        """Nothing to embed and nothing to delete."""
        return not self.pending and not self.gone

    def chunks_to_embed(self) -> int:
        """How many chunks syncing will embed."""
        return count_chunks(self.pending)


def plan_folder(store: KnowledgeStore, folder: Path, *, tenant: str, kb: str) -> FolderSync:
    """Read a folder and compare it with the knowledge base by content hash (no embedding)."""
    documents = read_paths([folder])
    present = {d.source for d in documents}
    stored = store.stored_hashes(tenant, kb)
    pending = store.needs_embedding(tenant, kb, documents)
    return FolderSync(tenant, kb, documents, pending, sorted(set(stored) - present))


def apply_sync(
    store: KnowledgeStore, plan: FolderSync, progress: Callable[[int], None] | None = None
) -> IngestReport:
    """Ingest the folder's files, then delete the sources no longer in it."""
    report = store.ingest(plan.tenant, plan.kb, plan.documents, progress=progress)
    if plan.gone:
        removed = store.delete_sources(plan.tenant, plan.kb, plan.gone)
        report.deleted, report.chunks_deleted = (
            removed.deleted,
            report.chunks_deleted + removed.chunks_deleted,
        )
    return report


def sync_folder(store: KnowledgeStore, folder: Path, *, tenant: str, kb: str) -> IngestReport:
    """Make a knowledge base mirror a folder: ingest its files, delete sources no longer in it."""
    return apply_sync(store, plan_folder(store, folder, tenant=tenant, kb=kb))


def plan_seed(store: KnowledgeStore) -> list[FolderSync]:
    """What syncing each shipped knowledge base for the default tenant will do."""
    return [
        plan_folder(store, folder, tenant=DEFAULT_TENANT, kb=folder.name)
        for folder in builtin_knowledge_bases()
    ]


def seed_knowledge(store: KnowledgeStore) -> dict[str, IngestReport]:
    """Sync the shipped knowledge bases for the default tenant (unchanged files are skipped)."""
    return {plan.kb: apply_sync(store, plan) for plan in plan_seed(store)}
