"""Content runs: one row per generation batch, so runs are listable with their counts."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import ContentRun, CurriculumSpec
from tools.db.types import utcnow

ACTIVE = ("running", "review")


def new_run_id() -> str:
    """A fresh run id, also the content graph's thread id."""
    return f"content-{uuid.uuid4().hex[:12]}"


def tally(results: list[dict]) -> dict[str, Any]:
    """Counts of a batch's slot results: first-try passes, retries, rejections, usage."""
    valid = [r for r in results if r["status"] == "valid"]
    costs = [r["usage"]["cost"] for r in results if r["usage"].get("cost") is not None]
    return {
        "generated": len(results),
        "valid_first_try": sum(r["attempts"] == 1 for r in valid),
        "retried": sum(r["attempts"] > 1 for r in valid),
        "rejected": len(results) - len(valid),
        "model_calls": sum(r["attempts"] for r in results),
        "input_tokens": sum(r["usage"].get("input_tokens", 0) for r in results),
        "output_tokens": sum(r["usage"].get("output_tokens", 0) for r in results),
        "cost": round(sum(costs), 6) if costs else None,
    }


async def create_run(
    session: AsyncSession, run_id: str, spec: CurriculumSpec, model: str | None, concurrency: int
) -> ContentRun:
    """Record a run as running and mark its spec running."""
    slots = sum(spec.exercise_counts.values())
    run = ContentRun(
        id=run_id,
        spec_id=spec.id,
        status="running",
        model=model,
        concurrency=concurrency,
        counts={"slots": slots, "done": 0},
        errors=[],
    )
    session.add(run)
    spec.status = "running"
    await session.flush()
    return run


async def active_run(session: AsyncSession, spec_id: int) -> ContentRun | None:
    """The spec's run that is still generating or waiting for review, if any."""
    return await session.scalar(
        select(ContentRun).where(ContentRun.spec_id == spec_id, ContentRun.status.in_(ACTIVE))
    )


async def list_runs(session: AsyncSession, limit: int = 100) -> list[ContentRun]:
    """The latest runs, newest first."""
    return list(
        await session.scalars(
            select(ContentRun).order_by(ContentRun.created_at.desc()).limit(limit)
        )
    )


async def update_run(
    session: AsyncSession,
    run_id: str,
    *,
    status: str | None = None,
    counts: dict[str, Any] | None = None,
    errors: list[str] | None = None,
) -> ContentRun | None:
    """Change a run (and its spec's status with it); counts merge, errors append."""
    run = await session.get(ContentRun, run_id)
    if run is None:
        return None
    if counts:
        run.counts = {**run.counts, **counts}
    if errors:
        run.errors = [*run.errors, *errors]
    if status:
        run.status = status
        spec = await session.get(CurriculumSpec, run.spec_id)
        if spec is not None:
            spec.status = status
        if status in ("published", "failed"):
            run.finished_at = utcnow()
    run.updated_at = utcnow()
    return run


def run_view(run: ContentRun) -> dict[str, Any]:
    """A run as the API and the CLI show it."""
    return {
        "id": run.id,
        "spec_id": run.spec_id,
        "status": run.status,
        "model": run.model,
        "concurrency": run.concurrency,
        "counts": run.counts,
        "errors": run.errors,
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
