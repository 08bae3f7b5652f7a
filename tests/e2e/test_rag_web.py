"""A learner asks grammar questions in the web chat and gets answers citing the course notes."""

from __future__ import annotations

from tests.conversation import texts
from tests.e2e.test_web_api import Server, web_learner


async def test_grammar_question_is_answered_from_the_notes_without_a_model(database_url):
    server = Server(database_url)
    await server.start()
    try:
        learner = web_learner(server, "curious")
        for text in ("hi", "es", "en", "scratch"):
            await learner.say(text)
        replies = texts(await learner.say("¿cuándo uso ser y cuándo estar?"))
        assert replies.startswith("From the course notes — *Ser vs estar")
        assert "estar" in replies and "**" not in replies
        other = texts(await learner.say("how does gustar work?"))
        assert "*Gustar and verbs like it" in other
        off_topic = texts(await learner.say("what is the capital of france?"))
        assert "not sure what you mean" in off_topic  # asked back, never a grammar quote
        assert "course notes" not in off_topic
    finally:
        await server.stop()
