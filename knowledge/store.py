"""Knowledge bases on Chroma: one collection per (tenant, knowledge base, embedding model)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.bm25 import BM25Index
from knowledge.chunking import chunk_document
from knowledge.documents import Document
from knowledge.embeddings import embedding_slug, load_embeddings
from tools.errors import DomainError, Invalid, NotFound

CEFR_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")
_EMBED_BATCH = 32
_WRITE_BATCH = 1000
SEARCH_MODES = ("hybrid", "dense", "bm25")
FUSION_DEPTH = 20


class KnowledgeError(DomainError):
    """A request the knowledge store refuses; the subclass says whether it is bad or missing."""


class BadKnowledgeRequest(KnowledgeError, Invalid):
    """A bad tenant or knowledge-base name, or an unknown search mode."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid", detail)


class KnowledgeBaseNotFound(KnowledgeError, NotFound):
    """The tenant has no knowledge base of that name."""

    def __init__(self, tenant: str, kb: str) -> None:
        super().__init__("not_found", f"knowledge base {kb!r} of tenant {tenant!r} does not exist")


def check_name(kind: str, value: str) -> str:
    """Tenant and knowledge-base names: lowercase letters, digits, - and _."""
    if not _NAME.match(value or ""):
        raise BadKnowledgeRequest(
            f"{kind} {value!r} is not valid: use 1-48 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return value


def levels_up_to(level: str | None) -> list[str] | None:
    """CEFR levels a learner at `level` may be shown: theirs, the ones below and the next."""
    if not level or level.upper() not in CEFR_LEVELS:
        return None
    return CEFR_LEVELS[: CEFR_LEVELS.index(level.upper()) + 2]


@dataclass
class Passage:
    """A retrieved chunk with where it came from and how close it is to the question."""

    id: str
    text: str
    title: str
    section: str
    source: str
    knowledge_base: str
    tenant: str
    level: str
    language: str
    score: float

    @property
    def citation(self) -> str:
        """How the passage is cited to a learner: title › section."""
        if self.section and self.section != self.title:
            return f"{self.title} › {self.section}"
        return self.title


@dataclass
class IngestReport:
    """What an ingestion changed."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_deleted: int = 0

    def as_dict(self) -> dict:
        """A JSON-friendly summary."""
        return dict(self.__dict__)


@dataclass
class SourceInfo:
    """One ingested file of a knowledge base."""

    source: str
    title: str
    chunks: int
    content_hash: str
    level: str
    language: str


@dataclass
class KnowledgeBaseInfo:
    """A knowledge base of a tenant and its size."""

    tenant: str
    knowledge_base: str
    chunks: int


def make_client(path: Path | str | None = None, url: str | None = None) -> Any:
    """A Chroma client: a server at `url`, else a persistent folder at `path`."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(
            host=parsed.hostname or "localhost",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=settings,
        )
    if path is None:
        return chromadb.EphemeralClient(settings=settings)
    Path(path).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class KnowledgeStore:
    """Ingest, list, delete and search knowledge-base chunks, always scoped to one tenant."""

    def __init__(self, client: Any, embeddings: str = "e5-small", base_url: str | None = None):
        self.client = client
        self.embeddings_name = embeddings
        self.embed = load_embeddings(embeddings, base_url)
        self._slug = embedding_slug(embeddings)
        self._lock = threading.Lock()
        self._lexical: dict[str, tuple[int, BM25Index]] = {}

    def _name(self, tenant: str, kb: str) -> str:
        return f"{check_name('tenant', tenant)}__{check_name('knowledge base', kb)}__{self._slug}"

    def _collection(self, tenant: str, kb: str, create: bool = False) -> Any | None:
        name = self._name(tenant, kb)
        if create:
            return self.client.get_or_create_collection(
                name,
                metadata={"tenant": tenant, "knowledge_base": kb, "embeddings": self._slug},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        try:
            return self.client.get_collection(name, embedding_function=None)
        except Exception:  # chromadb raises NotFoundError or ValueError depending on version
            return None

    def exists(self, tenant: str, kb: str) -> bool:
        """Whether the tenant has this knowledge base."""
        return self._collection(tenant, kb) is not None

    def knowledge_bases(self, tenant: str | None = None) -> list[KnowledgeBaseInfo]:
        """Knowledge bases (of one tenant, or all), for the current embedding model."""
        found = []
        for collection in self.client.list_collections():
            meta = collection.metadata or {}
            if meta.get("embeddings") != self._slug:
                continue
            if tenant is not None and meta.get("tenant") != tenant:
                continue
            found.append(
                KnowledgeBaseInfo(meta["tenant"], meta["knowledge_base"], collection.count())
            )
        return sorted(found, key=lambda kb: (kb.tenant, kb.knowledge_base))

    def sources(self, tenant: str, kb: str) -> list[SourceInfo]:
        """The files in a knowledge base with their chunk counts."""
        collection = self._collection(tenant, kb)
        if collection is None:
            raise KnowledgeBaseNotFound(tenant, kb)
        metas = collection.get(include=["metadatas"])["metadatas"] or []
        by_source: dict[str, SourceInfo] = {}
        for meta in metas:
            info = by_source.get(meta["source"])
            if info is None:
                by_source[meta["source"]] = SourceInfo(
                    meta["source"],
                    meta["title"],
                    1,
                    meta["content_hash"],
                    meta.get("level", ""),
                    meta.get("language", ""),
                )
            else:
                info.chunks += 1
        return sorted(by_source.values(), key=lambda s: s.source)

    def stored_hashes(self, tenant: str, kb: str) -> dict[str, set[str]]:
        """Each stored source's content hashes (two while a replacement is half done)."""
        collection = self._collection(tenant, kb)
        if collection is None:
            return {}
        hashes: dict[str, set[str]] = {}
        for meta in collection.get(include=["metadatas"])["metadatas"] or []:
            hashes.setdefault(meta["source"], set()).add(meta["content_hash"])
        return hashes

    def needs_embedding(self, tenant: str, kb: str, documents: list[Document]) -> list[Document]:
        """The documents `ingest` would embed: new ones and changed ones, without embedding."""
        stored = self.stored_hashes(tenant, kb)
        return [d for d in documents if not _unchanged(stored.get(d.source, set()), d)]

    def ingest(
        self,
        tenant: str,
        kb: str,
        documents: list[Document],
        *,
        level: str | None = None,
        language: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Add or replace documents; unchanged ones (same content hash) are skipped."""
        report = IngestReport()
        with self._lock:
            collection = self._collection(tenant, kb, create=True)
            self._lexical.pop(collection.name, None)
            for document in documents:
                existing = collection.get(where={"source": document.source}, include=["metadatas"])
                hashes = {m["content_hash"] for m in existing["metadatas"] or []}
                if _unchanged(hashes, document):
                    report.unchanged.append(document.source)
                    continue
                written = self._write(collection, tenant, kb, document, level, language, progress)
                # The new chunks are in before the old ones go, so a failure loses nothing.
                stale = [
                    i
                    for i, m in zip(existing["ids"], existing["metadatas"] or [], strict=True)
                    if m["content_hash"] != document.content_hash
                ]
                if stale:
                    collection.delete(ids=stale)
                    report.chunks_deleted += len(stale)
                (report.replaced if existing["ids"] else report.added).append(document.source)
                report.chunks_written += written
        return report

    def _write(
        self,
        collection: Any,
        tenant: str,
        kb: str,
        document: Document,
        level: str | None,
        language: str | None,
        progress: Callable[[int], None] | None,
    ) -> int:
        chunks = chunk_document(document)
        meta = document.metadata
        base = {
            "tenant": tenant,
            "knowledge_base": kb,
            "source": document.source,
            "title": document.title,
            "content_hash": document.content_hash,
            "level": str(meta.get("level") or level or "").upper(),
            "language": str(meta.get("language") or language or ""),
        }
        for start in range(0, len(chunks), _EMBED_BATCH):
            batch = chunks[start : start + _EMBED_BATCH]
            vectors = self.embed([c.embedding_text(document.title) for c in batch])
            collection.upsert(
                ids=[f"{document.source}#{document.content_hash[:12]}#{c.index}" for c in batch],
                embeddings=vectors,
                documents=[c.text for c in batch],
                metadatas=[{**base, "section": c.section, "chunk": c.index} for c in batch],
            )
            if progress:
                progress(len(batch))
        return len(chunks)

    def add_chunks(
        self,
        tenant: str,
        kb: str,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict],
        embeddings: list | None = None,
    ) -> None:
        """Write prepared chunks as they are (benchmarks, bulk loads); metadata must be complete."""
        collection = self._collection(tenant, kb, create=True)
        self._lexical.pop(collection.name, None)
        vectors = embeddings if embeddings is not None else self.embed(texts)
        for start in range(0, len(ids), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            collection.upsert(
                ids=ids[start:end],
                embeddings=vectors[start:end],
                documents=texts[start:end],
                metadatas=metadatas[start:end],
            )

    def chunks(self, tenant: str, kb: str) -> list[tuple[str, str, dict]]:
        """Every chunk of a knowledge base as (id, text, metadata)."""
        collection = self._collection(tenant, kb)
        if collection is None:
            raise KnowledgeBaseNotFound(tenant, kb)
        found = collection.get(include=["documents", "metadatas"])
        return list(zip(found["ids"], found["documents"], found["metadatas"], strict=True))

    def delete_sources(self, tenant: str, kb: str, sources: list[str]) -> IngestReport:
        """Remove every chunk of the named sources."""
        report = IngestReport()
        collection = self._collection(tenant, kb)
        if collection is None:
            raise KnowledgeBaseNotFound(tenant, kb)
        with self._lock:
            self._lexical.pop(collection.name, None)
            for source in sources:
                ids = collection.get(where={"source": source}, include=[])["ids"]
                if ids:
                    collection.delete(ids=ids)
                    report.deleted.append(source)
                    report.chunks_deleted += len(ids)
        return report

    def drop(self, tenant: str, kb: str) -> bool:
        """Delete a whole knowledge base; False when it did not exist."""
        if self._collection(tenant, kb) is None:
            return False
        self._lexical.pop(self._name(tenant, kb), None)
        self.client.delete_collection(self._name(tenant, kb))
        return True

    def _dense(
        self, collection: Any, vector: Any, depth: int, tenant: str, level: str | None
    ) -> list[tuple[str, str, dict, float]]:
        """Nearest chunks by cosine, only the tenant's and only the allowed levels.

        Chroma's `where` turns the HNSW search into a filtered scan (25x slower at 20,000
        chunks), so filters are applied to a deeper unfiltered result first, and `where` is
        used only when that leaves too few.
        """
        allowed = levels_up_to(level)
        size = collection.count()
        wanted = min(size, depth * (4 if allowed else 1))
        hits = _hits(
            collection.query(
                query_embeddings=[vector],
                n_results=wanted,
                include=["documents", "metadatas", "distances"],
            )
        )
        kept = [hit for hit in hits if _visible(hit[2], tenant, allowed)]
        if len(kept) < depth and wanted < size:
            clauses: list[dict] = [{"tenant": tenant}]
            if allowed:
                clauses.append({"level": {"$in": [*allowed, ""]}})
            where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
            kept = _hits(
                collection.query(
                    query_embeddings=[vector],
                    n_results=depth,
                    where=where,
                    include=["documents", "metadatas", "distances"],
                )
            )
        return kept[:depth]

    def _bm25(self, collection: Any) -> BM25Index:
        """The collection's lexical index, rebuilt when its size changes (another process wrote)."""
        count = collection.count()
        cached = self._lexical.get(collection.name)
        if cached is None or cached[0] != count:
            found = collection.get(include=["documents", "metadatas"])
            chunks = list(zip(found["ids"], found["documents"], found["metadatas"], strict=True))
            cached = self._lexical[collection.name] = (count, BM25Index(chunks))
        return cached[1]

    def search(
        self,
        query: str,
        *,
        tenant: str,
        knowledge_bases: list[str],
        level: str | None = None,
        k: int = 5,
        mode: str = "hybrid",
    ) -> list[Passage]:
        """The `k` best chunks for `query` across the tenant's named knowledge bases.

        mode "hybrid" fuses dense and BM25 rankings (reciprocal rank fusion; the eval shows it
        beats either alone); "dense" and "bm25" use one. Scores are cosine similarities.
        """
        check_name("tenant", tenant)
        if mode not in SEARCH_MODES:
            modes = ", ".join(SEARCH_MODES)
            raise BadKnowledgeRequest(f"search mode {mode!r} is not one of {modes}")
        collections = [c for kb in knowledge_bases if (c := self._collection(tenant, kb))]
        if not collections or not query.strip():
            return []
        allowed = levels_up_to(level)
        depth = max(k, FUSION_DEPTH)
        vector = self.embed.embed_query([query])[0] if mode != "bm25" else None
        dense: list[tuple[str, str, dict, float]] = []
        lexical: list[tuple[str, str, dict, float]] = []
        for collection in collections:
            if vector is not None:
                dense += self._dense(collection, vector, depth, tenant, level)
            if mode != "dense":
                hits = self._bm25(collection).search(query, depth * (4 if allowed else 1))
                lexical += [hit for hit in hits if _visible(hit[2], tenant, allowed)][:depth]
        dense.sort(key=lambda hit: hit[3], reverse=True)
        lexical.sort(key=lambda hit: hit[3], reverse=True)
        ranked = fuse([dense, lexical]) if mode == "hybrid" else (dense or lexical)
        cosine = {hit[0]: hit[3] for hit in dense}
        if mode == "hybrid":
            missing = [hit[0] for hit in ranked[:k] if hit[0] not in cosine]
            cosine |= self._cosines(collections, missing, vector)
        passages = [
            _passage(pid, text, meta, cosine.get(pid, 0.0))
            for pid, text, meta, _ in ranked[:k]
            if meta.get("tenant") == tenant
        ]
        return passages

    def _cosines(self, collections: list[Any], ids: list[str], vector: Any) -> dict[str, float]:
        """Cosine similarity of the query to chunks found only lexically."""
        if not ids:
            return {}
        query = np.asarray(vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        scores: dict[str, float] = {}
        for collection in collections:
            found = collection.get(ids=ids, include=["embeddings"])
            for pid, emb in zip(found["ids"], found["embeddings"], strict=True):
                emb = np.asarray(emb, dtype=np.float32)
                scores[pid] = float(emb @ query / (np.linalg.norm(emb) or 1.0))
        return scores


def fuse(rankings: list[list[tuple]], k: int = 60) -> list[tuple]:
    """Reciprocal rank fusion of ranked hit lists (hits keyed by their first element, the id)."""
    scores: dict[str, float] = {}
    hits: dict[str, tuple] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, 1):
            scores[hit[0]] = scores.get(hit[0], 0.0) + 1.0 / (k + rank)
            hits.setdefault(hit[0], hit)
    return [hits[pid] for pid in sorted(scores, key=scores.get, reverse=True)]


def _unchanged(hashes: set[str], document: Document) -> bool:
    """Whether a source's stored chunks are all of this very content (so ingest skips it)."""
    return hashes == {document.content_hash}


def _visible(meta: dict, tenant: str, levels: list[str] | None) -> bool:
    """A chunk of this tenant at an allowed level (chunks without a level always are)."""
    return meta.get("tenant") == tenant and (not levels or meta.get("level", "") in [*levels, ""])


def _hits(found: dict) -> list[tuple[str, str, dict, float]]:
    """Chroma query results as (id, text, metadata, cosine similarity)."""
    return [
        (pid, text, meta, 1.0 - float(distance))
        for pid, text, meta, distance in zip(
            found["ids"][0],
            found["documents"][0],
            found["metadatas"][0],
            found["distances"][0],
            strict=True,
        )
    ]


def _passage(pid: str, text: str, meta: dict, score: float) -> Passage:
    return Passage(
        id=pid,
        text=text,
        title=meta["title"],
        section=meta.get("section", ""),
        source=meta["source"],
        knowledge_base=meta["knowledge_base"],
        tenant=meta["tenant"],
        level=meta.get("level", ""),
        language=meta.get("language", ""),
        score=round(score, 4),
    )


@lru_cache(maxsize=4)
def get_store(
    path: str | None, url: str | None, embeddings: str, base_url: str | None = None
) -> KnowledgeStore:
    """The process-wide store for a location and embedding model (clients are costly to open)."""
    return KnowledgeStore(make_client(path, url), embeddings, base_url)


def store_from_settings(settings: Any) -> KnowledgeStore:
    """The store the settings point at (CHROMA_URL, else CHROMA_PATH)."""
    path = None if settings.chroma_url else str(settings.chroma_path)
    return get_store(path, settings.chroma_url, settings.embeddings, settings.openai_base_url)
