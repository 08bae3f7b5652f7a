"""Each onboarding step alone, against a seeded SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from graphs.tutor.nodes.onboarding_steps import STEPS, Turn, placement, restart, step_for
from tools.db import session_scope
from tools.db.models import Learner
from tools.db.types import utcnow
from tools.learners import get_learner, resolve_identity


@asynccontextmanager
async def turn(
    url: str, text: str, *, understood: bool = False, **learner_fields
) -> AsyncIterator[Turn]:
    """A turn of a new learner (with `learner_fields` set) saying `text`."""
    async with session_scope(url) as session:
        identity = await resolve_identity(session, "test", "learner-1")
    async with session_scope(url) as session:
        learner = await get_learner(session, identity.learner_id)
        for name, value in learner_fields.items():
            setattr(learner, name, value)
        state = {"text": text, "learner_id": learner.id}
        yield Turn(
            state=state, session=session, learner=learner, now=utcnow(), understood=understood
        )


async def learner_row(url: str) -> Learner:
    async with session_scope(url) as session:
        identity = await resolve_identity(session, "test", "learner-1")
        return await get_learner(session, identity.learner_id)


def texts(result: dict) -> list[str]:
    return [r["text"] for r in result["replies"]]


async def test_the_target_step_takes_a_language_it_teaches(sqlite_url):
    async with turn(sqlite_url, "Spanish") as t:
        result = await STEPS["target"](t)
    assert texts(result) == [
        "Great, Spanish! And which language do you speak? I'll explain things in it."
    ]
    assert result["replies"][0]["buttons"] == [{"id": "en", "title": "English"}]
    assert result["onboarding_step"] == "native"
    assert result["learner"]["target_language"] == "es"
    assert (await learner_row(sqlite_url)).target_language == "es"


async def test_the_target_step_asks_again_for_a_language_it_does_not_know(sqlite_url):
    async with turn(sqlite_url, "Klingon") as t:
        result = await STEPS["target"](t)
    assert texts(result) == [
        "Sorry, I didn't catch that.",
        "Which language would you like to learn? I teach: Spanish.",
    ]
    assert result["onboarding_step"] == "target"
    assert "learner" not in result


async def test_the_target_step_says_when_it_does_not_teach_a_known_language(sqlite_url):
    async with turn(sqlite_url, "French") as t:
        result = await STEPS["target"](t)
    assert texts(result)[0] == "Sorry, I don't teach that language yet."


async def test_the_target_step_skips_the_sorry_after_answering_a_question(sqlite_url):
    async with turn(sqlite_url, "how does gustar work?", understood=True) as t:
        result = await STEPS["target"](t)
    assert texts(result) == ["Which language would you like to learn? I teach: Spanish."]


async def test_the_native_step_offers_the_placement_quiz(sqlite_url):
    async with turn(sqlite_url, "English", target_language="es") as t:
        result = await STEPS["native"](t)
    assert texts(result) == [
        "Do you know some already? A quick placement quiz (10 questions, about 2 minutes) "
        "finds your level. Or start from scratch at A1."
    ]
    assert [b["id"] for b in result["replies"][0]["buttons"]] == ["quiz", "scratch"]
    assert result["onboarding_step"] == "placement_offer"
    assert result["learner"]["native_language"] == "en"


async def test_the_native_step_lists_the_languages_it_explains_in(sqlite_url):
    async with turn(sqlite_url, "Klingon", target_language="es") as t:
        result = await STEPS["native"](t)
    assert texts(result) == ["For now I can explain Spanish in: English. Which one suits you?"]
    assert "onboarding_step" not in result


async def test_the_placement_offer_starts_the_quiz(sqlite_url):
    async with turn(sqlite_url, "quiz", target_language="es", native_language="en") as t:
        result = await STEPS["placement_offer"](t)
    assert texts(result)[0].startswith("Placement quiz: answer each question")
    assert texts(result)[1].startswith("*Question 1/10*")
    assert result["onboarding_step"] == "placement"
    assert result["activity"]["kind"] == "placement"
    assert len(result["activity"]["queue"]) == 10


async def test_the_placement_offer_starts_from_scratch_at_a1(sqlite_url):
    async with turn(sqlite_url, "scratch", target_language="es", native_language="en") as t:
        result = await STEPS["placement_offer"](t)
    assert texts(result) == ["You're set up for *Spanish* at level *A1*. Ready for lesson 1?"]
    assert result["replies"][0]["buttons"] == [{"id": "lesson", "title": "Start lesson 1"}]
    assert result["offer"] == "lesson" and result["onboarding_step"] is None
    assert result["learner"]["onboarded"] is True
    assert (await learner_row(sqlite_url)).level == "A1"


async def test_the_placement_offer_asks_again_for_anything_else(sqlite_url):
    async with turn(sqlite_url, "maybe later", target_language="es", native_language="en") as t:
        result = await STEPS["placement_offer"](t)
    assert texts(result) == ["Would you like the placement quiz, or start from scratch?"]


async def test_the_first_message_is_welcomed_and_may_already_name_the_language(sqlite_url):
    async with turn(sqlite_url, "I want to learn Spanish") as t:
        result = await STEPS[None](t)
    assert texts(result)[0].startswith("👋 Hi! I'm Lingo")
    assert texts(result)[1].startswith("Great, Spanish!")
    assert result["onboarding_step"] == "native"


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ({}, STEPS[None]),
        ({"onboarding_step": "native"}, STEPS["native"]),
        ({"onboarding_step": "from-an-old-version"}, restart),
        ({"onboarding_step": "native", "activity": {"kind": "placement"}}, placement),
    ],
    ids=["first-message", "recorded-step", "unknown-step", "quiz-in-progress"],
)
def test_the_step_is_chosen_by_the_table(state, step):
    assert step_for(state) is step
