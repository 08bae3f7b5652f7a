"""Grading the pending answer, then moving on: next exercise, or the end of the activity."""

from __future__ import annotations

import logging
from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command
from sqlalchemy import select

from graphs.tutor.context import Context
from graphs.tutor.nodes.common import (
    MAIN_MENU,
    current_item,
    db,
    now_of,
    present,
    reply,
)
from graphs.tutor.prompts import EXPLAIN
from graphs.tutor.state import Activity, State
from tools.course import confusables, course_for, lesson_vocabulary, load_item
from tools.db.models import Attempt, Course, LessonProgress
from tools.grading import Grade, grade_exercise, looks_like_an_answer
from tools.language import language_name
from tools.learners import get_learner, learner_profile
from tools.srs import add_new_words, count_due, record_review
from tools.streaks import record_activity

log = logging.getLogger(__name__)


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
    else:
        head = f"❌ Not quite. The correct answer is: *{grade.expected}*"
    return head if brief else f"{head}\n💡 {explanation}"


async def grade(state: State, runtime: Runtime[Context]) -> Command[Literal["advance", "finish"]]:
    """Grade the answer to the pending exercise and record it."""
    activity: Activity = dict(state["activity"])
    ref = current_item(state)
    learner = state["learner"]
    skipped = state.get("intent") == "skip"
    if not skipped and not looks_like_an_answer(state["text"]):
        return Command(
            goto="finish",
            update={
                "replies": [
                    reply(
                        "That doesn't look like an answer. Type your answer, *hint* for a "
                        "clue, or *skip*."
                    )
                ]
            },
        )
    async with db(runtime) as session:
        item = await load_item(session, **ref)
        if item is None:
            activity["index"] += 1
            return Command(
                goto="advance",
                update={
                    "activity": activity,
                    "replies": [reply("That exercise is no longer available; let's move on.")],
                },
            )
        course = await course_for(session, learner["target_language"], learner["native_language"])
        near_words = await confusables(session, course.id) if course else frozenset()
        result = (
            Grade("wrong", item.model.answers[0])
            if skipped
            else grade_exercise(item.model, state["text"], confusables=near_words)
        )
        verdict = "skipped" if skipped else result.verdict
        kind = activity["kind"]
        turn_id = state.get("turn_id")
        turn_key = f"{turn_id}:{item.item_type}:{item.item_id}" if turn_id else None
        if not await _recorded(session, learner["id"], turn_key):
            await _record_attempt(session, state, item, verdict, result.accepted, turn_key)
    explanation = item.model.explanation
    if not result.accepted and kind != "placement":
        explanation = (
            await personal_explanation(
                runtime,
                learner,
                item.model.prompt,
                result.expected,
                state["text"],
                verdict,
                explanation,
            )
            or explanation
        )
    activity["answered"] += 1
    activity["correct"] += int(result.accepted)
    activity["index"] += 1
    text = feedback(result, skipped, explanation, brief=kind == "placement")
    last = {"item": ref, "answer": state["text"], "verdict": verdict, "expected": result.expected}
    return Command(
        goto="advance", update={"replies": [reply(text)], "activity": activity, "last_graded": last}
    )


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


async def _finish_lesson(session, state: State, activity: Activity) -> dict:
    learner, now = state["learner"], now_of(state)
    progress = await session.get(LessonProgress, (learner["id"], activity["lesson_id"]))
    if progress is not None and progress.completed_at is None:
        progress.completed_at = now
    words = await lesson_vocabulary(session, activity["lesson_id"])
    added = await add_new_words(session, learner["id"], [w.id for w in words], now)
    due = await count_due(session, learner["id"], now)
    lines = [
        f"🎉 *{activity['title']}* complete: {activity['correct']}/{activity['answered']} correct."
    ]
    if added:
        lines.append(f"{added} new words went into your review deck.")
    if due:
        lines.append(f"You have {due} item{'s' if due != 1 else ''} to review.")
    buttons = [("lesson", "Next lesson"), ("review", "Review"), ("progress", "Progress")]
    return {
        "replies": [reply("\n".join(lines), buttons)],
        "activity": None,
        "offer": "review" if due else "lesson",
    }


async def _finish_placement(session, state: State, activity: Activity) -> dict:
    learner = await get_learner(session, state["learner_id"])
    course = await session.get(
        Course, (await course_for(session, learner.target_language, learner.native_language)).id
    )
    threshold = (course.settings or {}).get("placement_threshold_a2", 7)
    learner.level = "A2" if activity["correct"] >= threshold else "A1"
    learner.onboarded_at = now_of(state)
    text = (
        f"Placement done: {activity['correct']}/{activity['answered']} correct. Your level "
        f"is *{learner.level}*. "
        + (
            "We'll start with lessons for A2; earlier ones are there with *lesson 1*, …"
            if learner.level == "A2"
            else "Let's begin with lesson 1!"
        )
    )
    return {
        "replies": [reply(text, [("lesson", "Start lesson")])],
        "activity": None,
        "onboarding_step": None,
        "offer": "lesson",
        "learner": learner_profile(learner),
    }


async def advance(state: State, runtime: Runtime[Context]) -> dict:
    """Present the next exercise, or close the lesson, review or placement quiz."""
    activity = state["activity"]
    async with db(runtime) as session:
        while (ref := current_item({"activity": activity})) is not None:
            item = await load_item(session, **ref)
            if item is not None:
                return {"replies": [present(item, activity)], "activity": activity}
            # Removed from the course since the activity began: skip it.
            activity = {**activity, "index": activity["index"] + 1}
        if activity["kind"] == "lesson":
            return await _finish_lesson(session, state, activity)
        if activity["kind"] == "placement":
            return await _finish_placement(session, state, activity)
        paused = state.get("paused_lesson")
        text = f"🔁 Review done: {activity['correct']}/{activity['answered']} correct."
        if paused:
            return {
                "replies": [
                    reply(
                        f"{text} Ready to get back to *{paused['title']}*?",
                        [("lesson", "Continue lesson"), ("progress", "Progress")],
                    )
                ],
                "activity": None,
                "offer": "lesson",
            }
        return {"replies": [reply(text, MAIN_MENU)], "activity": None, "offer": "lesson"}
