"""Spaced repetition with FSRS-6: missed items and new words become review cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tools.db.models import ReviewCard

# Like Anki's learn-ahead limit: a just-missed card (due in a minute) is served now rather
# than making the learner wait; shorter than the 10-minute step of a card answered right,
# so a review does not serve the same item again straight away.
LEARN_AHEAD = timedelta(minutes=5)
REVIEW_SESSION_SIZE = 10

RATING_FOR_VERDICT = {
    "correct": Rating.Good,
    "accent": Rating.Hard,
    "typo": Rating.Hard,
    "wrong": Rating.Again,
    "skipped": Rating.Again,
}


def make_scheduler(*, fuzz: bool = True) -> Scheduler:
    """An FSRS-6 scheduler with the default parameters (fuzzing spreads reviews over days)."""
    return Scheduler(enable_fuzzing=fuzz)


_scheduler = make_scheduler()


@dataclass(frozen=True)
class Scheduled:
    """A card's FSRS state after a review."""

    fsrs: dict
    due: datetime


def schedule(
    fsrs_state: dict | None, verdict: str, now: datetime, scheduler: Scheduler | None = None
) -> Scheduled:
    """Apply one review with the rating a grading verdict earns; a missing state is a new card."""
    card = Card.from_dict(fsrs_state) if fsrs_state else Card(due=now)
    card, _log = (scheduler or _scheduler).review_card(card, RATING_FOR_VERDICT[verdict], now)
    return Scheduled(card.to_dict(), card.due)


async def _card(
    session: AsyncSession, learner_id: int, item_type: str, item_id: int
) -> ReviewCard | None:
    return await session.scalar(
        select(ReviewCard).where(
            ReviewCard.learner_id == learner_id,
            ReviewCard.item_type == item_type,
            ReviewCard.item_id == item_id,
        )
    )


async def record_review(
    session: AsyncSession,
    learner_id: int,
    item_type: str,
    item_id: int,
    verdict: str,
    now: datetime,
    *,
    create: bool,
) -> ReviewCard | None:
    """Schedule the item's card after an answer; with `create`, a first miss makes a card."""
    card = await _card(session, learner_id, item_type, item_id)
    if card is None:
        if not create:
            return None
        card = ReviewCard(
            learner_id=learner_id,
            item_type=item_type,
            item_id=item_id,
            reason="missed",
            fsrs={},
            due=now,
            reps=0,
            lapses=0,
        )
        session.add(card)
    scheduled = schedule(card.fsrs or None, verdict, now)
    card.fsrs, card.due, card.last_review = scheduled.fsrs, scheduled.due, now
    card.reps += 1
    if verdict in ("wrong", "skipped"):
        card.lapses += 1
    return card


async def add_new_words(
    session: AsyncSession, learner_id: int, vocab_ids: list[int], now: datetime
) -> int:
    """Make review cards, due now, for words the learner has just met; returns how many."""
    existing = set(
        await session.scalars(
            select(ReviewCard.item_id).where(
                ReviewCard.learner_id == learner_id,
                ReviewCard.item_type == "vocab",
                ReviewCard.item_id.in_(vocab_ids),
            )
        )
    )
    fresh = [vid for vid in vocab_ids if vid not in existing]
    for vid in fresh:
        session.add(
            ReviewCard(
                learner_id=learner_id,
                item_type="vocab",
                item_id=vid,
                reason="new_word",
                fsrs=Card(due=now).to_dict(),
                due=now,
            )
        )
    return len(fresh)


async def due_cards(
    session: AsyncSession, learner_id: int, now: datetime, limit: int = REVIEW_SESSION_SIZE
) -> list[ReviewCard]:
    """Cards due now (or within the learn-ahead limit), missed items before new words."""
    rows = await session.scalars(
        select(ReviewCard)
        .where(ReviewCard.learner_id == learner_id, ReviewCard.due <= now + LEARN_AHEAD)
        .order_by((ReviewCard.reason == "new_word"), ReviewCard.due, ReviewCard.id)
        .limit(limit)
    )
    return list(rows)


async def count_due(session: AsyncSession, learner_id: int, now: datetime) -> int:
    """How many cards a review would serve now, across all sessions."""
    return (
        await session.scalar(
            select(func.count())
            .select_from(ReviewCard)
            .where(ReviewCard.learner_id == learner_id, ReviewCard.due <= now + LEARN_AHEAD)
        )
        or 0
    )


async def next_due(session: AsyncSession, learner_id: int) -> datetime | None:
    """When the learner's next card falls due."""
    return await session.scalar(
        select(func.min(ReviewCard.due)).where(ReviewCard.learner_id == learner_id)
    )
