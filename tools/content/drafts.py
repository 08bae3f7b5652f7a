"""Generated exercises as rows: stored as drafts, reviewed (approve, edit, reject), published."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.content.schemas import schema_for
from tools.content.validator import Rules, fingerprints, validate_draft
from tools.course import exercise_from_row
from tools.db.models import Course, Exercise

STATUSES = ("draft", "approved", "rejected", "published")


class Decision(BaseModel):
    """A reviewer's decision on one draft; an edit gives the fields to change."""

    model_config = ConfigDict(extra="forbid")

    id: int = Field(description="The draft's exercise id.")
    action: Literal["approve", "edit", "reject"]
    exercise: dict[str, Any] | None = Field(
        default=None, description="For edit: fields replacing the draft's, e.g. {prompt: ...}."
    )

    @model_validator(mode="after")
    def _edit_has_fields(self) -> Decision:
        if self.action == "edit" and not self.exercise:
            raise ValueError("an edit needs `exercise` with the fields to change")
        return self


def draft_slug(run_id: str, slot: int) -> str:
    """The stable slug of a run's slot, so storing a slot twice updates one row."""
    return f"{run_id}-{slot + 1:03d}"


async def existing_fingerprints(
    session: AsyncSession,
    course_id: int,
    *,
    exclude_run: str | None = None,
    exclude_id: int | None = None,
) -> dict[str, str]:
    """Fingerprint -> slug of the course's exercises a new one must not repeat."""
    query = select(Exercise).where(Exercise.course_id == course_id, Exercise.status != "rejected")
    if exclude_id is not None:
        query = query.where(Exercise.id != exclude_id)
    if exclude_run:
        query = query.where(
            (Exercise.content_run_id.is_(None)) | (Exercise.content_run_id != exclude_run)
        )
    found: dict[str, str] = {}
    for row in await session.scalars(query):
        for key in fingerprints(exercise_from_row(row).model):
            found.setdefault(key, row.slug)
    return found


async def store_drafts(
    session: AsyncSession,
    run_id: str,
    *,
    course_id: int,
    lesson_id: int,
    level: str,
    exercises: list[tuple[int, dict]],
) -> list[int]:
    """Upsert a run's valid exercises as drafts (status draft, source generated); their ids."""
    ids = []
    for slot, data in exercises:
        slug = draft_slug(run_id, slot)
        entry = schema_for(data["type"])
        model = entry.model.model_validate({**data, "id": slug})
        row = await session.scalar(
            select(Exercise).where(Exercise.course_id == course_id, Exercise.slug == slug)
        )
        if row is None:
            row = Exercise(course_id=course_id, slug=slug, status="draft", position=0)
            session.add(row)
        row.lesson_id, row.purpose, row.level = lesson_id, "lesson", level
        row.type, row.prompt, row.content = model.type, model.prompt, model.content()
        row.accepted_answers, row.explanation = model.answers, model.explanation
        row.source, row.schema_version, row.content_run_id = "generated", entry.version, run_id
        await session.flush()
        ids.append(row.id)
    return ids


async def run_drafts(
    session: AsyncSession, run_id: str, statuses: tuple[str, ...] = STATUSES
) -> list[Exercise]:
    """A run's exercises with one of the statuses, in slot order."""
    return list(
        await session.scalars(
            select(Exercise)
            .where(Exercise.content_run_id == run_id, Exercise.status.in_(statuses))
            .order_by(Exercise.slug)
        )
    )


def draft_view(row: Exercise) -> dict[str, Any]:
    """A draft as reviewers see it: its id, status and the exercise as the tutor serves it."""
    model = exercise_from_row(row).model
    return {
        "id": row.id,
        "slug": row.slug,
        "type": row.type,
        "status": row.status,
        "exercise": model.model_dump(exclude={"id"}),
    }


async def _edit_rules(session: AsyncSession, row: Exercise) -> Rules:
    course = await session.get(Course, row.course_id)
    existing = await existing_fingerprints(session, row.course_id, exclude_id=row.id)
    return Rules(row.type, row.level, course.target_language, course.native_language, existing)


async def check_decisions(
    session: AsyncSession, run_id: str, decisions: list[Decision]
) -> tuple[list[str], dict[int, BaseModel]]:
    """Problems with the decisions (unknown or decided drafts, invalid edits), and the edits."""
    pending = {row.id: row for row in await run_drafts(session, run_id, ("draft",))}
    errors: list[str] = []
    edits: dict[int, BaseModel] = {}
    seen: set[int] = set()
    for decision in decisions:
        if decision.id in seen:
            errors.append(f"draft {decision.id}: more than one decision")
            continue
        seen.add(decision.id)
        row = pending.get(decision.id)
        if row is None:
            errors.append(
                f"draft {decision.id} is not waiting for review in run {run_id} "
                f"(waiting: {sorted(pending) or 'none'})"
            )
            continue
        if decision.action != "edit":
            continue
        current = exercise_from_row(row).model.model_dump(exclude={"id"})
        edited = {**current, **decision.exercise, "type": row.type}
        verdict = validate_draft(edited, await _edit_rules(session, row), row.slug)
        if verdict.ok:
            edits[row.id] = verdict.exercise
        else:
            errors += [f"draft {decision.id}: {finding}" for finding in verdict.findings]
    return errors, edits


async def apply_decisions(
    session: AsyncSession, run_id: str, decisions: list[Decision]
) -> tuple[list[str], dict[str, int]]:
    """Apply every decision, or none when any is invalid; the errors and what was done."""
    errors, edits = await check_decisions(session, run_id, decisions)
    done = {"approved": 0, "edited": 0, "rejected_in_review": 0}
    if errors:
        return errors, done
    for decision in decisions:
        row = await session.get(Exercise, decision.id)
        if decision.action == "reject":
            row.status = "rejected"
            done["rejected_in_review"] += 1
            continue
        model = edits.get(row.id)
        if model is not None:
            row.prompt, row.content = model.prompt, model.content()
            row.accepted_answers, row.explanation = model.answers, model.explanation
            done["edited"] += 1
        else:
            done["approved"] += 1
        row.status = "approved"
    await session.flush()
    return [], done


async def publish(session: AsyncSession, run_id: str) -> int:
    """Publish a run's approved exercises after the lesson's existing ones; how many."""
    rows = await run_drafts(session, run_id, ("approved",))
    for row in rows:
        last = await session.scalar(
            select(func.max(Exercise.position)).where(
                Exercise.lesson_id == row.lesson_id, Exercise.status == "published"
            )
        )
        row.position = (last or 0) + 1
        row.status = "published"
        await session.flush()
    return len(rows)
