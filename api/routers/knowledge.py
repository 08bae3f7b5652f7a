"""Knowledge bases over HTTP for content teams: ingest, list, delete and search (admin key)."""

from __future__ import annotations

import asyncio
import base64
import binascii

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, model_validator

from api.auth import require_admin
from knowledge.documents import Document, DocumentError, parse_document
from knowledge.ingest import DEFAULT_TENANT
from knowledge.store import KnowledgeBaseNotFound, KnowledgeStore, store_from_settings
from tools.errors import NotFound

router = APIRouter(
    prefix="/v1/knowledge", tags=["knowledge"], dependencies=[Depends(require_admin)]
)
TENANT = Query(DEFAULT_TENANT, description="Tenant that owns the knowledge base.")


class DocumentIn(BaseModel):
    """One file to ingest: text in `content`, or any file (e.g. PDF) base64 in `content_base64`."""

    source: str = Field(min_length=1, max_length=300, description="File name, e.g. ser-estar.md")
    content: str | None = None
    content_base64: str | None = None
    format: str | None = Field(
        default=None, pattern="^(markdown|text|html|pdf)$", description="Default: from the name."
    )

    @model_validator(mode="after")
    def _one_body(self) -> DocumentIn:
        if (self.content is None) == (self.content_base64 is None):
            raise ValueError("give exactly one of content or content_base64")
        return self

    def raw(self) -> bytes:
        """The file's bytes."""
        if self.content is not None:
            return self.content.encode("utf-8")
        try:
            return base64.b64decode(self.content_base64 or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DocumentError(f"{self.source}: content_base64 is not valid base64") from exc


class IngestIn(BaseModel):
    """Documents for one knowledge base of one tenant."""

    tenant: str = DEFAULT_TENANT
    level: str | None = Field(default=None, description="CEFR level for documents without one.")
    language: str | None = Field(default=None, description="Language for documents without one.")
    documents: list[DocumentIn] = Field(min_length=1, max_length=200)


class SearchIn(BaseModel):
    """A retrieval query."""

    query: str = Field(min_length=1, max_length=2000)
    tenant: str = DEFAULT_TENANT
    level: str | None = None
    k: int = Field(default=5, ge=1, le=50)


def _store(request: Request) -> KnowledgeStore:
    return store_from_settings(request.app.state.settings)


@router.get("")
async def list_knowledge_bases(request: Request, tenant: str | None = Query(None)) -> dict:
    """The knowledge bases (of one tenant, when given) and their chunk counts."""
    found = await asyncio.to_thread(_store(request).knowledge_bases, tenant)
    return {"knowledge_bases": [info.__dict__ for info in found]}


@router.get("/{kb}/sources")
async def list_sources(kb: str, request: Request, tenant: str = TENANT) -> dict:
    """The files of a knowledge base."""
    sources = await asyncio.to_thread(_store(request).sources, tenant, kb)
    return {"tenant": tenant, "knowledge_base": kb, "sources": [s.__dict__ for s in sources]}


@router.post("/{kb}/documents")
async def ingest_documents(kb: str, body: IngestIn, request: Request) -> dict:
    """Add or replace documents (unchanged ones are skipped); all are parsed before any write."""
    documents: list[Document] = [
        parse_document(d.source, d.raw(), d.format) for d in body.documents
    ]
    report = await asyncio.to_thread(
        _store(request).ingest,
        body.tenant,
        kb,
        documents,
        level=body.level,
        language=body.language,
    )
    return {"tenant": body.tenant, "knowledge_base": kb, **report.as_dict()}


@router.delete("/{kb}/sources/{source:path}")
async def delete_source(kb: str, source: str, request: Request, tenant: str = TENANT) -> dict:
    """Remove one source and all its chunks."""
    report = await asyncio.to_thread(_store(request).delete_sources, tenant, kb, [source])
    if not report.deleted:
        raise NotFound("not_found", f"source {source!r} is not in knowledge base {kb!r}")
    return {"tenant": tenant, "knowledge_base": kb, **report.as_dict()}


@router.delete("/{kb}")
async def drop_knowledge_base(kb: str, request: Request, tenant: str = TENANT) -> dict:
    """Delete a whole knowledge base."""
    dropped = await asyncio.to_thread(_store(request).drop, tenant, kb)
    if not dropped:
        raise NotFound("not_found", f"knowledge base {kb!r} of tenant {tenant!r} not found")
    return {"tenant": tenant, "knowledge_base": kb, "deleted": True}


@router.post("/{kb}/search")
async def search(kb: str, body: SearchIn, request: Request) -> dict:
    """The passages a query retrieves, best first, with their scores and citations."""
    store = _store(request)
    if not await asyncio.to_thread(store.exists, body.tenant, kb):
        raise KnowledgeBaseNotFound(body.tenant, kb)
    passages = await asyncio.to_thread(
        store.search,
        body.query,
        tenant=body.tenant,
        knowledge_bases=[kb],
        level=body.level,
        k=body.k,
    )
    return {"passages": [p.__dict__ | {"citation": p.citation} for p in passages]}
