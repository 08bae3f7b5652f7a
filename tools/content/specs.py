"""Curriculum specs: what a generation run should write, from YAML files or the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.content.schemas import REGISTRY
from tools.content.validator import schema_findings
from tools.db.models import Course, CurriculumSpec, Lesson
from tools.errors import Invalid, NotFound

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
MAX_EXERCISES = 500


class SpecError(Invalid):
    """A spec that cannot be created, with the reason in words."""

    def __init__(self, detail: str) -> None:
        super().__init__("invalid_spec", detail)


class SpecIn(BaseModel):
    """A curriculum spec as a content team writes it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    course: str | None = Field(
        default=None, description="Course slug; defaults to the course teaching `language`."
    )
    language: str = Field(min_length=2, max_length=8, description="Target language code, e.g. es.")
    level: str = Field(description="CEFR level: A1, A2, B1, B2, C1 or C2.")
    topic: str = Field(min_length=1, max_length=200)
    lesson: str = Field(min_length=1, max_length=64, description="Slug of the lesson to extend.")
    exercises: dict[str, int] = Field(
        min_length=1, description="How many exercises of each type, e.g. {multiple_choice: 4}."
    )
    vocabulary_focus: list[str] = Field(default_factory=list)
    notes: str | None = Field(default=None, description="Notes for the writer.")

    @field_validator("level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        level = level.upper()
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}")
        return level

    @field_validator("exercises")
    @classmethod
    def _known_types(cls, counts: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(counts) - set(REGISTRY))
        if unknown:
            raise ValueError(
                f"unknown exercise types {unknown}; known types: {', '.join(REGISTRY)}"
            )
        if any(n < 1 for n in counts.values()):
            raise ValueError("every exercise count must be at least 1")
        if sum(counts.values()) > MAX_EXERCISES:
            raise ValueError(f"at most {MAX_EXERCISES} exercises per spec")
        return counts


def read_spec_file(path: Path) -> list[SpecIn]:
    """The specs in a YAML file: one mapping, or a `specs:` list of them."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(str(exc)) from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    items = data.get("specs") if isinstance(data, dict) and "specs" in data else [data]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SpecError(f"{path}: expected a spec mapping or a `specs:` list of mappings")
    specs = []
    for number, item in enumerate(items, 1):
        try:
            specs.append(SpecIn.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(schema_findings(exc.errors()))
            raise SpecError(f"{path}: spec {number}: {problems}") from exc
    return specs


async def spec_by_id(session: AsyncSession, spec_id: int) -> CurriculumSpec:
    """The spec with this id; NotFound when there is none."""
    spec = await session.get(CurriculumSpec, spec_id)
    if spec is None:
        raise NotFound("spec_not_found", f"there is no curriculum spec {spec_id}")
    return spec


async def create_spec(session: AsyncSession, spec: SpecIn) -> CurriculumSpec:
    """Store a spec after checking that its course and lesson exist."""
    query = select(Course).where(Course.target_language == spec.language)
    if spec.course:
        query = select(Course).where(Course.slug == spec.course)
    course = await session.scalar(query.order_by(Course.id).limit(1))
    if course is None or course.target_language != spec.language:
        known = list(await session.scalars(select(Course.slug)))
        which = f"course {spec.course!r}" if spec.course else "course"
        raise SpecError(f"no {which} teaching {spec.language!r}; courses: {known}")
    lesson = await session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == spec.lesson)
    )
    if lesson is None:
        slugs = list(
            await session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id))
        )
        raise SpecError(f"course {course.slug!r} has no lesson {spec.lesson!r}; lessons: {slugs}")
    row = CurriculumSpec(
        course_id=course.id,
        language=spec.language,
        level=spec.level,
        topic=spec.topic,
        lesson_slug=spec.lesson,
        exercise_counts=dict(spec.exercises),
        vocabulary_focus=list(spec.vocabulary_focus),
        notes=spec.notes,
        status="pending",
    )
    session.add(row)
    await session.flush()
    return row


def spec_view(row: CurriculumSpec) -> dict[str, Any]:
    """A spec as the API and the CLI show it."""
    return {
        "id": row.id,
        "course_id": row.course_id,
        "language": row.language,
        "level": row.level,
        "topic": row.topic,
        "lesson": row.lesson_slug,
        "exercises": row.exercise_counts,
        "vocabulary_focus": row.vocabulary_focus,
        "notes": row.notes,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


async def list_specs(session: AsyncSession) -> list[CurriculumSpec]:
    """Every spec, newest first."""
    return list(await session.scalars(select(CurriculumSpec).order_by(CurriculumSpec.id.desc())))
