"""Understanding through the web API: asking back, opting out mid-lesson, greetings never graded."""

from __future__ import annotations

import pytest

from tests.conversation import texts
from tests.e2e.test_web_api import Server, web_learner


@pytest.fixture
async def learner(sqlite_url):
    server = Server(sqlite_url)
    await server.start()
    learner = web_learner(server, "understood")
    for text in ("hi", "es", "en", "scratch"):
        await learner.say(text)
    yield learner
    await server.stop()


async def test_an_unsure_message_mid_exercise_is_asked_about_then_graded(learner):
    first = await learner.say("lesson")
    asked = await learner.say("gracias, that was fun")
    assert "Is that your answer" in texts(asked)
    buttons = {b["id"]: b["title"] for b in asked[-1]["buttons"]}
    assert buttons["answer"] == "Grade my answer" and len(buttons) >= 2
    graded = await learner.say("answer")
    assert texts(graded).startswith("❌ Not quite")
    assert "*Exercise 2/10*" in texts(graded) and first[-1]["text"] not in texts(graded)


async def test_off_topic_is_asked_about_and_a_button_routes_it(learner):
    asked = await learner.say("who is going to win the election in my country")
    assert "not sure what you mean" in texts(asked)
    choice = asked[-1]["buttons"][0]["id"]
    picked = await learner.say(choice)
    assert "not sure what you mean" not in texts(picked)


async def test_asking_to_stop_mid_exercise_opts_out_and_grades_nothing(learner):
    await learner.say("lesson")
    stopped = await learner.say("ugh please stop sending me all these messages")
    assert "you won't get reminders" in texts(stopped) and "*START*" in texts(stopped)
    assert "Not quite" not in texts(stopped)
    assert "Reminders: off" in texts(await learner.say("settings"))
    assert "no answers yet" in texts(await learner.say("progress"))
    back = await learner.say("START")
    assert "Reminders are back on" in texts(back)


async def test_a_greeting_mid_exercise_is_not_an_attempt(learner):
    await learner.say("lesson")
    second = await learner.say("Buenos días")  # exercise 1 asks for a greeting: an answer
    assert texts(second).startswith("✅") and "*Exercise 2/10*" in texts(second)
    replies = await learner.say("hola!! 😊")  # exercise 2 does not: a hello
    assert "Not quite" not in texts(replies)
    assert second[-1]["text"] in replies[-1]["text"]  # the same exercise, shown again


async def test_explain_after_skip_does_not_quote_the_word_skip(learner):
    await learner.say("lesson")
    await learner.say("skip")
    explained = texts(await learner.say("explain"))
    assert "You skipped this one" in explained and "“skip”" not in explained


async def test_the_progress_line_counts_every_card_in_the_deck(learner):
    await learner.say("lesson")
    await learner.say("el perro es muy grande")  # wrong: the exercise joins the deck
    report = texts(await learner.say("progress"))
    deck = int(report.split("Review deck: ")[1].split(" cards")[0])
    due = int(report.split(" due for review")[0].rsplit(" ", 1)[1])
    assert deck >= due >= 1
