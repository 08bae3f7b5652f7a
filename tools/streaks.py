"""Daily streaks, counted in the learner's own timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import StreakDay


def valid_timezone(name: str) -> bool:
    """Whether `name` is an IANA timezone this machine knows."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_day(now: datetime, timezone: str) -> date:
    """The calendar day it is for the learner at `now` (an aware datetime)."""
    return now.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Streak:
    """A learner's streak: days in a row ending today (or yesterday), and the best run."""

    current: int
    longest: int
    active_today: bool


def compute_streak(days: set[date], today: date) -> Streak:
    """Streak figures from the days with activity; a streak lives until a whole day is missed."""
    anchor = today if today in days else today - timedelta(days=1)
    current = 0
    while anchor - timedelta(days=current) in days:
        current += 1
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return Streak(current=current, longest=longest, active_today=today in days)


async def record_activity(
    session: AsyncSession, learner_id: int, now: datetime, timezone: str
) -> None:
    """Count one learning activity on the learner's local day."""
    day = local_day(now, timezone)
    row = await session.get(StreakDay, (learner_id, day))
    if row is None:
        session.add(StreakDay(learner_id=learner_id, day=day, activities=1))
    else:
        row.activities += 1


async def learner_streak(
    session: AsyncSession, learner_id: int, now: datetime, timezone: str
) -> Streak:
    """The learner's streak as of `now` in their timezone."""
    days = set(
        await session.scalars(select(StreakDay.day).where(StreakDay.learner_id == learner_id))
    )
    return compute_streak(days, local_day(now, timezone))
