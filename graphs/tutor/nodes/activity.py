"""Moving through an activity: the next exercise still in the course, or the activity's end."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from graphs.tutor.nodes.common import MAIN_MENU, current_item, now_of, present, reply
from graphs.tutor.state import Activity, State
from tools.course import ServedExercise, course_for, lesson_vocabulary, load_item
from tools.db.models import Course, LessonProgress
from tools.learners import get_learner, learner_profile
from tools.srs import add_new_words, count_due

REMOVED = "That exercise is no longer available; let's move on."


async def next_available(
    session: AsyncSession, activity: Activity
) -> tuple[Activity, ServedExercise | None]:
    """The activity moved past exercises removed from the course since it began, and its
    current exercise (None when none is left)."""
    while (ref := current_item({"activity": activity})) is not None:
        item = await load_item(session, **ref)
        if item is not None:
            return activity, item
        activity = {**activity, "index": activity["index"] + 1}
    return activity, None


async def present_next(session: AsyncSession, state: State, activity: Activity) -> dict:
    """Present the activity's next available exercise, or close it when none is left."""
    activity, item = await next_available(session, activity)
    if item is not None:
        return {"replies": [present(item, activity)], "activity": activity}
    if activity["kind"] == "lesson":
        return await _finish_lesson(session, state, activity)
    if activity["kind"] == "placement":
        return await _finish_placement(session, state, activity)
    return _finish_review(state, activity)


async def _finish_lesson(session: AsyncSession, state: State, activity: Activity) -> dict:
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


async def _finish_placement(session: AsyncSession, state: State, activity: Activity) -> dict:
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


def _finish_review(state: State, activity: Activity) -> dict:
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
