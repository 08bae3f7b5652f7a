"""Course repository: lessons, exercises, vocabulary and placement questions from the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import Course, Exercise, Lesson, LessonProgress, Vocabulary
from tools.exercises import Translate, parse_exercise
from tools.text import normalize, plain, strip_accents

_ARTICLE = re.compile(r"^(el|la|los|las|un|una)\s+", re.IGNORECASE)
# Short real words that one-letter slips commonly turn into; never accepted as typos.
COMMON_WORDS = frozenset(
    "pero perro caro carro casa cosa cara coma como cama mesa misa peso pesa pelo pelota "
    "mucho mucha poco poca hola hora ahora todo toda tomo toma bien bueno buena".split()
)


@dataclass(frozen=True)
class ServedExercise:
    """An exercise as the tutor serves it: its row id, kind of item and validated model."""

    item_type: str  # exercise | vocab
    item_id: int
    level: str
    model: object  # one of the tools.exercises models

    @property
    def key(self) -> dict:
        """A small JSON-able reference, kept in graph state instead of the whole exercise."""
        return {"item_type": self.item_type, "item_id": self.item_id}


def exercise_from_row(row: Exercise) -> ServedExercise:
    """Validate a stored exercise into its schema model."""
    model = parse_exercise(
        {
            "id": row.slug,
            "type": row.type,
            "prompt": row.prompt,
            "answers": row.accepted_answers,
            "explanation": row.explanation,
            **row.content,
        }
    )
    return ServedExercise("exercise", row.id, row.level, model)


def vocab_exercise(word: Vocabulary, level: str) -> ServedExercise:
    """A translate-into-the-target-language card for a vocabulary word."""
    meanings = [m.strip() for m in word.translation.split("/") if m.strip()]
    answers = [word.term]
    bare = _ARTICLE.sub("", word.term)
    if bare != word.term:
        answers.append(bare)
    model = Translate(
        id=f"vocab-{word.id}",
        prompt=f"How do you say “{meanings[0]}”?",
        text=meanings[0],
        answers=answers,
        direction="to_target",
        explanation=f"*{word.term}* means “{word.translation}”.",
    )
    return ServedExercise("vocab", word.id, level, model)


async def course_for(
    session: AsyncSession, target: str | None, native: str | None
) -> Course | None:
    """The course teaching `target` to speakers of `native`."""
    if not target:
        return None
    query = select(Course).where(Course.target_language == target)
    if native:
        query = query.where(Course.native_language == native)
    return await session.scalar(query.order_by(Course.id).limit(1))


async def available_languages(session: AsyncSession) -> list[tuple[str, str]]:
    """(target, native) language pairs that have a course."""
    rows = await session.execute(select(Course.target_language, Course.native_language).distinct())
    return [tuple(r) for r in rows]


async def lessons(session: AsyncSession, course_id: int) -> list[Lesson]:
    """The course's lessons in order."""
    return list(
        await session.scalars(
            select(Lesson).where(Lesson.course_id == course_id).order_by(Lesson.position)
        )
    )


async def _published(session: AsyncSession, *conditions) -> list[ServedExercise]:
    rows = await session.scalars(
        select(Exercise)
        .where(Exercise.status == "published", *conditions)
        .order_by(Exercise.position, Exercise.id)
    )
    return [exercise_from_row(r) for r in rows]


async def lesson_exercises(session: AsyncSession, lesson_id: int) -> list[ServedExercise]:
    """A lesson's published exercises in teaching order."""
    return await _published(session, Exercise.lesson_id == lesson_id, Exercise.purpose == "lesson")


async def placement_questions(session: AsyncSession, course_id: int) -> list[ServedExercise]:
    """The course's placement quiz, easiest first."""
    return await _published(
        session, Exercise.course_id == course_id, Exercise.purpose == "placement"
    )


async def lesson_vocabulary(session: AsyncSession, lesson_id: int) -> list[Vocabulary]:
    """The words a lesson introduces."""
    return list(
        await session.scalars(
            select(Vocabulary).where(Vocabulary.lesson_id == lesson_id).order_by(Vocabulary.id)
        )
    )


async def load_item(session: AsyncSession, item_type: str, item_id: int) -> ServedExercise | None:
    """An exercise or vocabulary card by its reference."""
    if item_type == "exercise":
        row = await session.get(Exercise, item_id)
        return exercise_from_row(row) if row else None
    word = await session.get(Vocabulary, item_id)
    if word is None:
        return None
    lesson = await session.get(Lesson, word.lesson_id)
    return vocab_exercise(word, lesson.level if lesson else "A1")


async def next_lesson(
    session: AsyncSession, course_id: int, learner_id: int, level: str | None
) -> Lesson | None:
    """The first lesson at or above the learner's level that they have not completed."""
    done = set(
        await session.scalars(
            select(LessonProgress.lesson_id).where(
                LessonProgress.learner_id == learner_id, LessonProgress.completed_at.is_not(None)
            )
        )
    )
    all_lessons = await lessons(session, course_id)
    start_at = next((ls for ls in all_lessons if level and ls.level >= level), None)
    ordered = [ls for ls in all_lessons if start_at is None or ls.position >= start_at.position]
    ordered += [ls for ls in all_lessons if ls not in ordered]
    return next((ls for ls in ordered if ls.id not in done), None)


async def confusables(session: AsyncSession, course_id: int) -> frozenset[str]:
    """Real words of the course that a one-letter slip must not be mistaken for."""
    terms = await session.scalars(
        select(Vocabulary.term).join(Lesson).where(Lesson.course_id == course_id)
    )
    words = {strip_accents(w) for term in terms for w in normalize(term).split()}
    return frozenset(words | COMMON_WORDS)


async def lookup_word(session: AsyncSession, course_id: int, phrase: str) -> list[Vocabulary]:
    """Vocabulary entries whose term or translation matches a phrase (accents ignored)."""
    wanted = plain(phrase)
    if not wanted:
        return []
    rows = await session.scalars(
        select(Vocabulary).join(Lesson).where(Lesson.course_id == course_id)
    )
    matches = []
    for word in rows:
        terms = {
            plain(word.term),
            plain(_ARTICLE.sub("", word.term)),
        }
        meanings = {plain(m) for m in word.translation.split("/")}
        meanings |= {m.removeprefix("the ").removeprefix("to ") for m in meanings}
        if wanted in terms or wanted in meanings:
            matches.append(word)
    return matches


async def lesson_count(session: AsyncSession, course_id: int) -> int:
    """How many lessons the course has."""
    return (
        await session.scalar(
            select(func.count()).select_from(Lesson).where(Lesson.course_id == course_id)
        )
        or 0
    )
