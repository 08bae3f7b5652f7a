"""Free practice, open questions and "explain my answer": model-backed, with honest fallbacks."""

from __future__ import annotations

import logging
import re

from langchain_core.messages import SystemMessage
from langgraph.runtime import Runtime

from graphs.rag.graph import graph as rag_graph
from graphs.tutor.context import Context
from graphs.tutor.nodes.common import NO_MODEL, db, reply
from graphs.tutor.nodes.grading import personal_explanation
from graphs.tutor.prompts import PRACTICE, QUESTION
from graphs.tutor.state import State
from tools.course import course_for, load_item, lookup_word
from tools.language import language_name

log = logging.getLogger(__name__)

_WORD_QUESTIONS = [
    re.compile(r"what (?:does|is) [\"'“‘]?(?P<w>[^\"'”’?]+?)[\"'”’]? mean"),
    re.compile(r"(?:qué|que) (?:significa|quiere decir) [\"'“‘]?(?P<w>[^\"'”’?]+?)[\"'”’]?\s*\??$"),
    re.compile(r"how do (?:you|i) say [\"'“‘]?(?P<w>[^\"'”’?]+?)[\"'”’]?(?: in \w+)?\s*\??$"),
    re.compile(r"(?:meaning of|translate) [\"'“‘]?(?P<w>[^\"'”’?]+?)[\"'”’]?\s*\??$"),
]


def _system(template: str, learner: dict) -> str:
    return template.format(
        target=language_name(learner.get("target_language")),
        native=language_name(learner.get("native_language")),
        level=learner.get("level") or "A1",
    )


async def _model_reply(runtime: Runtime[Context], messages: list) -> str | None:
    model = runtime.context.tutor_llm()
    if model is None:
        return None
    try:
        answer = await model.ainvoke(messages)
    except Exception:
        log.exception("tutor model failed")
        return (
            "Sorry, I couldn't reach the language model just now. Try again in a moment, "
            "or carry on with *lesson* or *review*."
        )
    return str(answer.content).strip()


async def practice(state: State, runtime: Runtime[Context]) -> dict:
    """Chat in the target language at the learner's level, correcting mistakes."""
    system = SystemMessage(_system(PRACTICE, state["learner"]))
    answer = await _model_reply(runtime, [system, *state.get("messages", [])])
    if answer is None:
        return {
            "replies": [
                reply(
                    NO_MODEL.format(what="Free conversation practice"),
                    [("lesson", "Lesson"), ("review", "Review"), ("progress", "Progress")],
                )
            ]
        }
    return {"replies": [reply(answer)]}


async def word_answer(state: State, runtime: Runtime[Context]) -> str | None:
    """Answer "what does X mean" / "how do you say X" from the course vocabulary."""
    text = state["text"].strip().casefold()
    learner = state["learner"]
    for pattern in _WORD_QUESTIONS:
        match = pattern.search(text)
        if not match:
            continue
        async with db(runtime) as session:
            course = await course_for(
                session, learner.get("target_language"), learner.get("native_language")
            )
            words = await lookup_word(session, course.id, match.group("w")) if course else []
        if words:
            return "\n".join(f"📖 *{w.term}* = {w.translation}" for w in words[:5])
    return None


async def notes_answer(state: State, runtime: Runtime[Context]) -> str | None:
    """Answer from the course's knowledge base through the retrieval subgraph, if it knows."""
    learner = state["learner"]
    target = learner.get("target_language") or "es"
    question = {
        "question": state["text"],
        "tenant": runtime.context.tenant,
        "knowledge_bases": [f"{target}-grammar"],
        "level": learner.get("level"),
        "answer_language": learner.get("native_language") or "en",
        "target_language": target,
        "history": state.get("messages", [])[-7:-1],
    }
    try:
        result = await rag_graph.ainvoke(question, context=runtime.context.knowledge)
    except Exception:
        log.exception("knowledge lookup failed")
        return None
    return result["answer"] if result.get("found") else None


async def question(state: State, runtime: Runtime[Context]) -> dict:
    """Answer a question about the language: vocabulary, then the course notes, then the model."""
    found = await word_answer(state, runtime) or await notes_answer(state, runtime)
    if found:
        return {"replies": [reply(found)]}
    system = SystemMessage(_system(QUESTION, state["learner"]))
    answer = await _model_reply(runtime, [system, *state.get("messages", [])[-6:]])
    if answer is None:
        return {
            "replies": [
                reply(
                    "I couldn't find that in the course notes. "
                    + NO_MODEL.format(what="Answering other questions")
                    + "\nI can look up course words and grammar: try “what does hola mean?” "
                    "or “when do I use ser or estar?”"
                )
            ]
        }
    return {"replies": [reply(answer)]}


async def explain(state: State, runtime: Runtime[Context]) -> dict:
    """Explain the learner's last graded answer, personally when a model is configured."""
    last = state.get("last_graded")
    if not last:
        return {"replies": [reply("There's no answer to explain yet. Send *lesson* to start.")]}
    async with db(runtime) as session:
        item = await load_item(session, **last["item"])
    if item is None:
        return {"replies": [reply("That exercise is no longer in the course.")]}
    personal = await personal_explanation(
        runtime,
        state["learner"],
        item.model.prompt,
        last["expected"],
        last["answer"],
        last["verdict"],
        item.model.explanation,
    )
    if personal:
        return {"replies": [reply(personal)]}
    said = (
        "You skipped this one"
        if last["verdict"] == "skipped"
        else f"You answered “{last['answer']}”"
    )
    text = (
        f"*{item.model.prompt}*\n{said}; the answer is "
        f"*{last['expected']}*.\n💡 {item.model.explanation}\n\n"
        "(An explanation of your own answer needs a language model, which this server "
        "doesn't have configured.)"
    )
    return {"replies": [reply(text)]}


ATTACHMENT_REPLIES = {
    "audio": "🎙️ I got your voice note, but I can't listen to voice notes yet. Please type "
    "your message or answer.",
    "image": "📷 Thanks for the picture! I can only read text for now, so please type it.",
}


async def attachment(state: State, runtime: Runtime[Context]) -> dict:
    """Acknowledge media the tutor cannot read yet, and say what works instead."""
    kinds = {a.get("kind") for a in state.get("attachments") or []}
    kind = "audio" if "audio" in kinds else "image" if "image" in kinds else None
    text = ATTACHMENT_REPLIES.get(kind) or (
        "📎 I got your file, but I can only read text messages for now. Please type it."
    )
    return {"replies": [reply(text)]}
