"""Grading the pending answer, then moving on: next exercise, or the end of the activity."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command
from sqlalchemy import select

from graphs.tutor.context import Context
from graphs.tutor.nodes.activity import REMOVED, present_next
from graphs.tutor.nodes.common import current_item, db, now_of, reply
from graphs.tutor.prompts import EXPLAIN
from graphs.tutor.state import Activity, State
from tools.course import ServedExercise, confusables, course_for, load_item
from tools.db.models import Attempt, LessonProgress
from tools.grading import Grade, grade_exercise, looks_like_an_answer
from tools.language import language_name
from tools.lexicon import lexicon_for
from tools.srs import record_review
from tools.streaks import record_activity

log = logging.getLogger(__name__)

NOT_AN_ANSWER = "That doesn't look like an answer. Type your answer, *hint* for a clue, or *skip*."


async def personal_explanation(
    runtime: Runtime[Context],
    learner: dict,
    prompt: str,
    expected: str,
    answer: str,
    verdict: str,
    explanation: str,
) -> str | None:
    """A model's explanation of this learner's own answer, or None without a working model."""
    model = runtime.context.tutor_llm()
    if model is None:
        return None
    text = EXPLAIN.format(
        target=language_name(learner.get("target_language")),
        native=language_name(learner.get("native_language")),
        level=learner.get("level") or "A1",
        prompt=prompt,
        expected=expected,
        answer=answer,
        verdict=verdict,
        explanation=explanation,
    )
    try:
        message = await model.ainvoke([("human", text)])
    except Exception:  # the static explanation is still a good answer
        log.exception("explanation model failed")
        return None
    return str(message.content).strip() or None


def feedback(grade: Grade, skipped: bool, explanation: str, brief: bool) -> str:
    """The learner-facing verdict with the correct answer and why."""
    if skipped:
        head = f"The answer is: *{grade.expected}*"
    elif grade.verdict == "correct":
        head = f"✅ Correct! *{grade.expected}*"
    elif grade.accepted:
        head = f"✅ Accepted. {grade.note}\nCorrect: *{grade.expected}*"
    elif grade.note:  # a real word in place of another: say what it is
        head = f"❌ Not quite. {grade.note}\nThe correct answer is: *{grade.expected}*"
    else:
        head = f"❌ Not quite. The correct answer is: *{grade.expected}*"
    return head if brief else f"{head}\n💡 {explanation}"


async def grade(state: State, runtime: Runtime[Context]) -> Command[Literal["advance", "finish"]]:
    """Grade the answer to the pending exercise and record it."""
    skipped = state.get("intent") == "skip"
    if not skipped and not looks_like_an_answer(state["text"]):
        return Command(goto="finish", update={"replies": [reply(NOT_AN_ANSWER)]})
    activity: Activity = state["activity"]
    async with db(runtime) as session:
        item = await load_item(session, **current_item(state))
        if item is None:
            moved = {**activity, "index": activity["index"] + 1}
            return Command(goto="advance", update={"activity": moved, "replies": [reply(REMOVED)]})
        result = await _verdict(session, state, item, skipped)
        verdict = "skipped" if skipped else result.verdict
        await _record_once(session, state, item, verdict, result.accepted)
    explanation = await _explanation(runtime, state, item, result, verdict)
    text = feedback(result, skipped, explanation, brief=activity["kind"] == "placement")
    return Command(goto="advance", update=_graded(state, activity, result, verdict, text))


async def _verdict(session, state: State, item: ServedExercise, skipped: bool) -> Grade:
    """The grade of this answer: slips of spelling accepted, real words of the language not."""
    if skipped:
        return Grade("wrong", item.model.answers[0])
    learner = state["learner"]
    course = await course_for(session, learner["target_language"], learner["native_language"])
    near_words = await confusables(session, course.id) if course else frozenset()
    # Loaded once per process, but reading it blocks: never on the event loop.
    lexicon = await asyncio.to_thread(lexicon_for, learner["target_language"])
    return grade_exercise(item.model, state["text"], confusables=near_words, lexicon=lexicon)


async def _record_once(
    session, state: State, item: ServedExercise, verdict: str, accepted: bool
) -> None:
    """Count the answer, unless this channel turn is a replay already counted."""
    turn_id = state.get("turn_id")
    turn_key = f"{turn_id}:{item.item_type}:{item.item_id}" if turn_id else None
    if not await _recorded(session, state["learner"]["id"], turn_key):
        await _record_attempt(session, state, item, verdict, accepted, turn_key)


async def _explanation(
    runtime: Runtime[Context], state: State, item: ServedExercise, result: Grade, verdict: str
) -> str:
    """The exercise's explanation; for a miss outside placement, a model's personal one if any."""
    explanation = item.model.explanation
    if result.accepted or state["activity"]["kind"] == "placement":
        return explanation
    personal = await personal_explanation(
        runtime,
        state["learner"],
        item.model.prompt,
        result.expected,
        state["text"],
        verdict,
        explanation,
    )
    return personal or explanation


def _graded(state: State, activity: Activity, result: Grade, verdict: str, text: str) -> dict:
    """The update after grading: the feedback, the activity one further, what was graded."""
    moved = {
        **activity,
        "answered": activity["answered"] + 1,
        "correct": activity["correct"] + int(result.accepted),
        "index": activity["index"] + 1,
    }
    ref = current_item(state)
    last = {"item": ref, "answer": state["text"], "verdict": verdict, "expected": result.expected}
    return {"replies": [reply(text)], "activity": moved, "last_graded": last}


async def _recorded(session, learner_id: int, turn_key: str | None) -> bool:
    """Whether this channel turn's answer was already counted (the turn is being replayed)."""
    if turn_key is None:
        return False
    query = select(Attempt.id).where(Attempt.learner_id == learner_id, Attempt.turn_key == turn_key)
    return await session.scalar(query) is not None


async def _record_attempt(
    session, state: State, item, verdict: str, accepted: bool, turn_key: str | None
) -> None:
    """Count an answer: the attempt, its review card, the streak day and lesson progress."""
    learner, activity, now = state["learner"], state["activity"], now_of(state)
    kind = activity["kind"]
    session.add(
        Attempt(
            learner_id=learner["id"],
            item_type=item.item_type,
            item_id=item.item_id,
            context=kind,
            answer=state["text"][:2000],
            verdict=verdict,
            correct=accepted,
            created_at=now,
            turn_key=turn_key,
        )
    )
    if kind != "placement":
        await record_review(
            session,
            learner["id"],
            item.item_type,
            item.item_id,
            verdict,
            now,
            create=not accepted,
        )
        await record_activity(session, learner["id"], now, learner.get("timezone") or "UTC")
    if kind == "lesson":
        progress = await session.get(LessonProgress, (learner["id"], activity["lesson_id"]))
        if progress is not None:
            progress.answered += 1
            progress.correct += int(accepted)


async def advance(state: State, runtime: Runtime[Context]) -> dict:
    """Present the next exercise, or close the lesson, review or placement quiz."""
    async with db(runtime) as session:
        return await present_next(session, state, state["activity"])
