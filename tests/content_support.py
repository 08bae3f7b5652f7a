"""Shared pieces of the content-generation tests: a spec, a batch plan and its expected outcome."""

from __future__ import annotations

from sqlalchemy import select

from tests.fake_generator import DraftPlan
from tools.content.specs import SpecIn, create_spec
from tools.db import session_scope
from tools.db.models import ContentRun, CurriculumSpec, Exercise

FOUR_TYPES = {"multiple_choice": 3, "fill_blank": 3, "translate": 3, "word_order": 3}

# Slots are interleaved by type: 0 MC, 1 FB, 2 TR, 3 WO, 4 MC, 5 FB, 6 TR, 7 WO, 8 MC, ...
MIXED_BATCH = {
    1: ["broken_json", "valid"],
    2: ["wrong_language", "valid"],
    3: ["wrong_answer"],  # rejected: the tokens never rebuild the answer
    4: ["wrong_answer", "valid"],  # answer not among the options, then fixed
    5: ["missing_field", "valid"],
    6: ["existing_duplicate", "valid"],
    8: ["copy:0"],  # valid, but the same exercise as slot 0: dropped at dedupe
    10: ["wrong_language"],  # rejected: the answer is always English
}


def mixed_plan(offset: int) -> DraftPlan:
    """The 12-slot batch with every kind of bad draft (see MIXED_BATCH)."""
    return DraftPlan(plan=dict(MIXED_BATCH), offset=offset)


async def make_spec(
    database_url: str, exercises: dict[str, int] | None = None, lesson: str = "food-gustar"
) -> int:
    """A pending spec for the starter course's lesson; its id."""
    spec = SpecIn(
        language="es",
        level="A1",
        topic="Food and gustar",
        lesson=lesson,
        exercises=exercises or FOUR_TYPES,
        vocabulary_focus=["el pan", "el queso", "la fruta"],
        notes="Use gusta with one thing.",
    )
    async with session_scope(database_url) as session:
        return (await create_spec(session, spec)).id


async def run_row(database_url: str, run_id: str) -> ContentRun | None:
    """A run's row as stored."""
    async with session_scope(database_url) as session:
        return await session.get(ContentRun, run_id)


async def spec_status(database_url: str, spec_id: int) -> str:
    """A spec's status as stored."""
    async with session_scope(database_url) as session:
        return (await session.get(CurriculumSpec, spec_id)).status


async def run_exercises(database_url: str, run_id: str) -> list[Exercise]:
    """Every exercise row a run stored, in slot order."""
    async with session_scope(database_url) as session:
        return list(
            await session.scalars(
                select(Exercise).where(Exercise.content_run_id == run_id).order_by(Exercise.slug)
            )
        )
