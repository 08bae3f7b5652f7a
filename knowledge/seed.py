"""Load a course written as YAML into the database, idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import Course, Exercise, Lesson, Vocabulary
from tools.exercises import SCHEMA_VERSION, parse_exercise
from tools.resources import packaged

COURSES_DIR = packaged("knowledge", "courses")
STARTER_COURSE = COURSES_DIR / "es-en"


@dataclass
class SeedReport:
    """What a seed run changed."""

    course: str
    lessons: int = 0
    exercises: int = 0
    exercises_added: int = 0
    exercises_updated: int = 0
    placement: int = 0
    vocabulary: int = 0


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


async def _upsert_exercise(
    session: AsyncSession,
    course: Course,
    lesson: Lesson | None,
    data: dict,
    position: int,
    purpose: str,
    level: str,
    report: SeedReport,
) -> None:
    data = {k: v for k, v in data.items() if k != "level"}
    model = parse_exercise(data)
    row = await session.scalar(
        select(Exercise).where(Exercise.course_id == course.id, Exercise.slug == model.id)
    )
    values = {
        "lesson_id": lesson.id if lesson else None,
        "purpose": purpose,
        "type": model.type,
        "level": level,
        "position": position,
        "prompt": model.prompt,
        "content": model.content(),
        "accepted_answers": model.answers,
        "explanation": model.explanation,
        "status": "published",
        "source": "seed",
        "schema_version": SCHEMA_VERSION,
    }
    if row is None:
        session.add(Exercise(course_id=course.id, slug=model.id, **values))
        report.exercises_added += 1
    elif any(getattr(row, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        report.exercises_updated += 1


async def seed_course(session: AsyncSession, folder: Path = STARTER_COURSE) -> SeedReport:
    """Create or update a course from its folder (course.yaml, lessons/*.yaml, placement.yaml)."""
    meta = _read(folder / "course.yaml")
    course = await session.scalar(select(Course).where(Course.slug == meta["slug"]))
    if course is None:
        course = Course(
            slug=meta["slug"],
            title=meta["title"],
            target_language=meta["target_language"],
            native_language=meta["native_language"],
        )
        session.add(course)
    course.title = meta["title"]
    course.settings = {
        "levels": meta.get("levels", []),
        "placement_threshold_a2": meta.get("placement_threshold_a2", 7),
    }
    await session.flush()
    report = SeedReport(course=course.slug)
    for path in sorted((folder / "lessons").glob("*.yaml")):
        data = _read(path)
        lesson = await session.scalar(
            select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == data["slug"])
        )
        if lesson is None:
            lesson = Lesson(course_id=course.id, slug=data["slug"])
            session.add(lesson)
        lesson.position, lesson.level = int(data["position"]), data["level"]
        lesson.title, lesson.intro = data["title"], data["intro"].strip()
        await session.flush()
        report.lessons += 1
        terms = {w["term"]: w["translation"] for w in data.get("vocabulary", [])}
        await session.execute(
            delete(Vocabulary).where(
                Vocabulary.lesson_id == lesson.id, Vocabulary.term.not_in(list(terms))
            )
        )
        existing = {
            v.term: v
            for v in await session.scalars(
                select(Vocabulary).where(Vocabulary.lesson_id == lesson.id)
            )
        }
        for term, translation in terms.items():
            if term in existing:
                existing[term].translation = translation
            else:
                session.add(Vocabulary(lesson_id=lesson.id, term=term, translation=translation))
        report.vocabulary += len(terms)
        for position, exercise in enumerate(data.get("exercises", []), 1):
            await _upsert_exercise(
                session, course, lesson, exercise, position, "lesson", lesson.level, report
            )
            report.exercises += 1
    placement = folder / "placement.yaml"
    if placement.exists():
        for position, question in enumerate(_read(placement)["questions"], 1):
            await _upsert_exercise(
                session,
                course,
                None,
                question,
                position,
                "placement",
                question.get("level", "A1"),
                report,
            )
            report.placement += 1
    await session.flush()
    return report
