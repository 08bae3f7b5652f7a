"""A learner's progress: lessons done, accuracy, streak and words due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.course import lesson_count
from tools.db.models import Attempt, LessonProgress, ReviewCard
from tools.srs import count_due
from tools.streaks import Streak, learner_streak


@dataclass(frozen=True)
class Progress:
    """Everything the progress message shows."""

    lessons_done: int
    lessons_total: int
    answered: int
    correct: int
    answered_week: int
    correct_week: int
    streak: Streak
    words_learning: int
    due_now: int
    in_deck: int = 0  # every review card: words and missed exercises alike

    @property
    def accuracy(self) -> float | None:
        """Share of graded answers that were accepted, or None before the first answer."""
        return self.correct / self.answered if self.answered else None


async def _accuracy(
    session: AsyncSession, learner_id: int, since: datetime | None
) -> tuple[int, int]:
    query = select(
        func.count(), func.coalesce(func.sum(case((Attempt.correct, 1), else_=0)), 0)
    ).where(Attempt.learner_id == learner_id, Attempt.context != "placement")
    if since is not None:
        query = query.where(Attempt.created_at >= since)
    answered, correct = (await session.execute(query)).one()
    return int(answered), int(correct)


async def learner_progress(
    session: AsyncSession, learner_id: int, course_id: int | None, now: datetime, timezone: str
) -> Progress:
    """Compute the learner's progress as of `now`."""
    done = await session.scalar(
        select(func.count())
        .select_from(LessonProgress)
        .where(LessonProgress.learner_id == learner_id, LessonProgress.completed_at.is_not(None))
    )
    total = await lesson_count(session, course_id) if course_id else 0
    answered, correct = await _accuracy(session, learner_id, None)
    answered_week, correct_week = await _accuracy(session, learner_id, now - timedelta(days=7))
    words = await session.scalar(
        select(func.count())
        .select_from(ReviewCard)
        .where(ReviewCard.learner_id == learner_id, ReviewCard.item_type == "vocab")
    )
    cards = await session.scalar(
        select(func.count()).select_from(ReviewCard).where(ReviewCard.learner_id == learner_id)
    )
    return Progress(
        lessons_done=done or 0,
        lessons_total=total,
        answered=answered,
        correct=correct,
        answered_week=answered_week,
        correct_week=correct_week,
        streak=await learner_streak(session, learner_id, now, timezone),
        words_learning=words or 0,
        due_now=await count_due(session, learner_id, now),
        in_deck=cards or 0,
    )
