"""Content generation over HTTP for content teams: specs, schemas, runs and review (admin key)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.auth import require_admin
from api.content import ContentRuns
from tools.content import schemas
from tools.content.drafts import Decision
from tools.content.runs import list_runs, run_view
from tools.content.specs import SpecIn, create_spec, list_specs, spec_by_id, spec_view
from tools.db import session_scope

router = APIRouter(prefix="/v1/content", tags=["content"], dependencies=[Depends(require_admin)])


class RunIn(BaseModel):
    """A run to start."""

    spec_id: int
    concurrency: int | None = Field(
        default=None, ge=1, le=100, description="Drafts written at once; CONTENT_CONCURRENCY."
    )


class ReviewIn(BaseModel):
    """Reviewers' decisions; drafts without one keep waiting."""

    decisions: list[Decision] = Field(min_length=1)


def content_runs(request: Request) -> ContentRuns:
    """The process's content runs."""
    return request.app.state.services.content


@router.get("/schemas")
async def get_schemas() -> dict:
    """Every exercise type's version and JSON Schema."""
    return {"schemas": schemas.export()}


@router.post("/specs", status_code=201)
async def post_spec(body: SpecIn, request: Request) -> dict:
    """Create a curriculum spec (its course and lesson must exist)."""
    async with session_scope(request.app.state.settings.database_url) as session:
        return spec_view(await create_spec(session, body))


@router.get("/specs")
async def get_specs(request: Request) -> dict:
    """Every spec with its status: pending, running, review, published or failed."""
    async with session_scope(request.app.state.settings.database_url) as session:
        return {"specs": [spec_view(row) for row in await list_specs(session)]}


@router.get("/specs/{spec_id}")
async def get_spec(spec_id: int, request: Request) -> dict:
    """One spec."""
    async with session_scope(request.app.state.settings.database_url) as session:
        return spec_view(await spec_by_id(session, spec_id))


@router.post("/runs", status_code=202)
async def post_run(body: RunIn, request: Request) -> dict:
    """Start generating for a spec; the run goes on in the background of this process."""
    runs = content_runs(request)
    view = await runs.start(body.spec_id, body.concurrency)
    runs.launch(view["id"], runs.run(view["id"], {"spec_id": body.spec_id}))
    return view


@router.get("/runs")
async def get_runs(request: Request) -> dict:
    """The latest runs, newest first."""
    async with session_scope(request.app.state.settings.database_url) as session:
        return {"runs": [run_view(run) for run in await list_runs(session)]}


@router.get("/runs/{run_id}")
async def get_run(run_id: str, request: Request) -> dict:
    """A run: status, counts (generated, valid first try, retried, rejected, tokens), errors."""
    return run_view(await content_runs(request).get(run_id))


@router.get("/runs/{run_id}/drafts")
async def get_drafts(run_id: str, request: Request) -> dict:
    """A run's exercises with their review status."""
    return {"drafts": await content_runs(request).drafts(run_id)}


@router.post("/runs/{run_id}/review")
async def post_review(run_id: str, body: ReviewIn, request: Request) -> dict:
    """Approve, edit or reject drafts; resumes the run, which publishes once all are decided."""
    return await content_runs(request).review(run_id, body.decisions)


@router.post("/runs/{run_id}/resume", status_code=202)
async def post_resume(run_id: str, request: Request) -> dict:
    """Resume a failed or stopped run where it stopped (finished drafts are not redone)."""
    runs = content_runs(request)
    view = await runs.reopen(run_id)
    runs.launch(run_id, runs.run(run_id, None))
    return view
