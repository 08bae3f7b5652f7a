"""What a learner notices from the smaller commands: hints, skips, settings, stop, help."""

from __future__ import annotations

from sqlalchemy import select

from tests.conversation import Learner, shown_exercise, texts
from tests.integration.test_tutor_graph import graph_learner
from tools.db import session_scope
from tools.db.models import Attempt
from tools.db.models import Learner as LearnerRow


async def onboarded(database_url: str) -> Learner:
    learner = await graph_learner(database_url)
    for text in ("hi", "es", "en", "scratch"):
        await learner.say(text)
    return learner


async def test_unclear_onboarding_answers_are_asked_again(sqlite_url):
    learner = await graph_learner(sqlite_url)
    await learner.say("hello")
    replies = await learner.say("klingon")
    assert "Sorry, I didn't catch that" in texts(replies)
    replies = await learner.say("french")
    assert "I don't teach that language yet" in texts(replies)
    replies = await learner.say("1")
    assert "which language do you speak" in texts(replies)


async def test_skip_shows_the_answer_and_counts_as_a_miss(sqlite_url):
    learner = await onboarded(sqlite_url)
    replies = await learner.say("lesson")
    item = shown_exercise(replies)
    replies = await learner.say("skip")
    assert f"The answer is: *{item['answers'][0]}*" in replies[0]["text"]
    assert "*Exercise 2/10*" in texts(replies)
    async with session_scope(sqlite_url) as session:
        attempt = await session.scalar(select(Attempt))
    assert (attempt.verdict, attempt.correct) == ("skipped", False)


async def test_hint_does_not_give_the_answer_away_and_the_exercise_stays(sqlite_url):
    learner = await onboarded(sqlite_url)
    replies = await learner.say("lesson")
    item = shown_exercise(replies)
    replies = await learner.say("hint")
    assert replies[0]["text"].startswith("💡 Hint")
    assert item["answers"][0] not in replies[0]["text"]
    _, replies = await learner.answer(replies, correct=True)
    assert replies[0]["text"].startswith("✅")


async def test_explain_without_a_model_gives_the_reference_and_says_what_needs_one(sqlite_url):
    learner = await onboarded(sqlite_url)
    replies = await learner.say("lesson")
    item, replies = await learner.answer(replies, correct=False)
    replies = await learner.say("explain")
    assert item["explanation"] in texts(replies)
    assert "needs a language model" in texts(replies)


async def test_settings_change_level_and_timezone(sqlite_url):
    learner = await onboarded(sqlite_url)
    replies = await learner.say("settings")
    assert "Level: A1" in texts(replies) and "Timezone: UTC" in texts(replies)
    assert "your level is now *A2*" in texts(await learner.say("level A2"))
    replies = await learner.say("lesson")
    assert "Lesson 9 ·" in texts(replies), "an A2 learner starts with the first A2 lesson"
    assert "don't know the timezone" in texts(await learner.say("timezone Mars/Olympus"))
    await learner.say("timezone Europe/Madrid")
    async with session_scope(sqlite_url) as session:
        row = await session.scalar(select(LearnerRow))
    assert (row.level, row.timezone) == ("A2", "Europe/Madrid")


async def test_stop_opts_out_and_reminders_on_opts_back_in(sqlite_url):
    learner = await onboarded(sqlite_url)
    assert "won't get reminders" in texts(await learner.say("STOP"))
    async with session_scope(sqlite_url) as session:
        assert (await session.scalar(select(LearnerRow))).opted_out
    assert "Reminders are back on" in texts(await learner.say("reminders on"))
    async with session_scope(sqlite_url) as session:
        assert not (await session.scalar(select(LearnerRow))).opted_out


async def test_jumping_to_a_lesson_by_number_and_a_missing_one(sqlite_url):
    learner = await onboarded(sqlite_url)
    assert "Lesson 4 ·" in texts(await learner.say("lesson 4"))
    assert "There is no lesson 42" in texts(await learner.say("lesson 42"))


async def test_nothing_to_review_says_when_the_next_review_is(sqlite_url):
    learner = await onboarded(sqlite_url)
    assert "Nothing to review right now" in texts(await learner.say("review"))


async def test_help_and_upgrade_answer_plainly(sqlite_url):
    learner = await onboarded(sqlite_url)
    assert "*review*" in texts(await learner.say("help"))
    assert "Premium" in texts(await learner.say("upgrade"))
