"""The tutor graph on its own: a whole first session, with and without a model."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from graphs.tutor.context import Context
from graphs.tutor.graph import builder
from tests.conversation import Learner, six_steps, texts
from tests.fakes import ScriptedChatModel, intent_call, system_text
from tools.db import session_scope
from tools.learners import resolve_identity


def tutor_reply(messages) -> AIMessage | str:
    system = system_text(messages)
    if system.startswith("You route messages"):
        return intent_call("practice")
    if "answered an exercise" in system:
        return "Personal note: you wrote something else; the rule is the one above."
    if system.startswith("You are Lingo, a warm"):
        return "✏️ *Me gusta el café.*\n¡Qué bien! ¿Tomas café cada día?"
    return "¿Qué?"


async def graph_learner(database_url: str, model=None) -> Learner:
    async with session_scope(database_url) as session:
        identity = await resolve_identity(session, "test", "learner-1")
    graph = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": identity.thread_id}}
    context = Context(
        database_url=database_url, tutor_model=None, router_model=None, chat_model=model
    )

    async def send(text: str) -> list[dict]:
        result = await graph.ainvoke(
            {"text": text, "learner_id": identity.learner_id}, config, context=context
        )
        return result["replies"]

    return Learner(send)


async def test_first_session_without_a_model(sqlite_url):
    learner = await graph_learner(sqlite_url)
    await six_steps(learner)
    replies = await learner.say("let's talk")
    assert "needs a language model" in texts(replies)
    assert "LINGOGRAPH_MODEL" in texts(replies)


async def test_first_session_with_a_scripted_model(sqlite_url):
    model = ScriptedChatModel(respond=tutor_reply)
    learner = await graph_learner(sqlite_url, model)
    await six_steps(learner, model=True)
    replies = await learner.say("me gusta el cafe mucho")  # the semantic router is sure: practice
    assert "¿Tomas café cada día?" in texts(replies)
    assert "Me gusta el café" in texts(replies)
    assert not any(system_text(call).startswith("You route messages") for call in model.calls)
    # Nothing like any intent: the model decides.
    replies = await learner.say("the purple elephant sings loudly in the fridge")
    assert system_text(model.calls[-2]).startswith("You route messages")
    assert "¿Tomas café cada día?" in texts(replies)


async def test_a_model_failure_is_told_plainly_and_nothing_breaks(sqlite_url):
    model = ScriptedChatModel(respond=tutor_reply, fail=True)
    learner = await graph_learner(sqlite_url, model)
    for text in ("hi", "es", "en", "scratch"):
        await learner.say(text)
    replies = await learner.say("let's talk")
    assert "couldn't reach the language model" in texts(replies)
    replies = await learner.say("lesson")
    assert "*Exercise 1/10*" in texts(replies)


@pytest.mark.parametrize("command", ["progress", "help", "what does hola mean?"])
async def test_side_questions_keep_the_pending_exercise(sqlite_url, command):
    learner = await graph_learner(sqlite_url)
    for text in ("hi", "es", "en", "scratch"):
        await learner.say(text)
    first = await learner.say("lesson")
    replies = await learner.say(command)
    assert replies[-1]["text"].startswith("↩️ Back to your exercise")
    assert first[-1]["text"] in replies[-1]["text"]


@pytest.mark.parametrize(
    ("question", "note"),
    [("how does gustar work?", "Gustar"), ("¿cuándo uso ser y cuándo estar?", "Ser vs estar")],
)
async def test_a_grammar_question_mid_exercise_is_answered_not_graded(sqlite_url, question, note):
    learner = await graph_learner(sqlite_url)
    for text in ("hi", "es", "en", "scratch"):
        await learner.say(text)
    first = await learner.say("lesson")
    replies = await learner.say(question)
    assert replies[0]["text"].startswith(f"From the course notes — *{note}")
    assert "Not quite" not in texts(replies)
    assert first[-1]["text"] in replies[-1]["text"]  # still exercise 1, shown again
    graded = await learner.say("Buenos días")
    assert "Exercise 2/10" in texts(graded)


async def test_a_grammar_question_during_onboarding_is_answered_then_onboarding_goes_on(
    sqlite_url,
):
    learner = await graph_learner(sqlite_url)
    replies = await learner.say("¿cuándo uso ser y cuándo estar?")
    assert replies[0]["text"].startswith("👋 Hi! I'm Lingo")
    assert replies[1]["text"].startswith("From the course notes — *Ser vs estar")
    assert "Sorry" not in texts(replies)
    assert "Which language would you like to learn?" in replies[-1]["text"]
    for text in ("es", "en"):
        await learner.say(text)
    replies = await learner.say("how does gustar work?")
    assert replies[0]["text"].startswith("From the course notes — *Gustar")
    assert replies[-1]["text"] == "Would you like the placement quiz, or start from scratch?"
    replies = await learner.say("scratch")
    assert "level *A1*" in texts(replies)


async def test_a_first_message_naming_the_language_skips_that_question(sqlite_url):
    learner = await graph_learner(sqlite_url)
    replies = await learner.say("Hola! I want to learn Spanish")
    assert replies[0]["text"].startswith("👋 Hi! I'm Lingo")
    assert replies[-1]["text"].startswith("Great, Spanish! And which language do you speak?")
    replies = await learner.say("English")
    assert "placement quiz" in texts(replies)
