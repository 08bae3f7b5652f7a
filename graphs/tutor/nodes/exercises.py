"""Starting lessons and reviews, and hints for the exercise at hand."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.intents import lesson_number
from graphs.tutor.nodes.activity import REMOVED, next_available, present_next
from graphs.tutor.nodes.common import current_item, db, now_of, present, reply
from graphs.tutor.state import Activity, State
from tools.course import course_for, lesson_exercises, lessons, load_item, next_lesson
from tools.db.models import Lesson, LessonProgress
from tools.exercises import FillBlank, MultipleChoice, WordOrder
from tools.srs import due_cards, next_due

NO_COURSE = "There is no course for your languages yet. Send *settings* to pick another language."
COURSE_DONE = (
    "🎉 You've completed every lesson in the course! Keep your words "
    "fresh with *review*, or redo any lesson with *lesson 1*, …"
)
COURSE_DONE_BUTTONS = [("review", "Review"), ("progress", "Progress")]


def _new_activity(kind: str, queue: list[dict], **extra) -> Activity:
    return {"kind": kind, "queue": queue, "index": 0, "correct": 0, "answered": 0, **extra}


async def _resume(session, state: State, activity: Activity, note: str) -> dict:
    """Show the activity's exercise again; one removed from the course is skipped, as in advance."""
    moved, item = await next_available(session, activity)
    if item is None:
        return await present_next(session, state, moved)
    return {"replies": [reply(note), present(item, moved)], "activity": moved}


async def lesson(state: State, runtime: Runtime[Context]) -> dict:
    """Start the next (or a chosen) lesson, or continue the one in progress."""
    number = lesson_number(state["text"])
    learner = state["learner"]
    async with db(runtime) as session:
        if number is None and (resumed := await _resume_lesson(session, state)):
            return resumed
        course = await course_for(session, learner["target_language"], learner["native_language"])
        if course is None:
            return {"replies": [reply(NO_COURSE)]}
        if number is not None:
            chosen = await _numbered_lesson(session, course.id, number)
            if chosen is None:
                total = len(await lessons(session, course.id))
                text = f"There is no lesson {number}: the course has lessons 1 to {total}."
                return {"replies": [reply(text)]}
        else:
            chosen = await next_lesson(session, course.id, learner["id"], learner["level"])
            if chosen is None:
                return {"replies": [reply(COURSE_DONE, COURSE_DONE_BUTTONS)], "offer": "review"}
        return await _start_lesson(session, state, chosen)


async def _resume_lesson(session, state: State) -> dict | None:
    """Continue the lesson in progress, or the one a review paused; None when there is none."""
    activity = state.get("activity")
    if activity and activity["kind"] == "lesson" and current_item(state):
        return await _resume(session, state, activity, f"Let's continue *{activity['title']}*.")
    paused = state.get("paused_lesson")
    if paused:
        resumed = await _resume(session, state, paused, f"Back to *{paused['title']}*.")
        return {**resumed, "paused_lesson": None}
    return None


async def _numbered_lesson(session, course_id: int, number: int) -> Lesson | None:
    """The course's lesson at that position, if there is one."""
    return next((ls for ls in await lessons(session, course_id) if ls.position == number), None)


async def _start_lesson(session, state: State, chosen: Lesson) -> dict:
    """Begin a lesson: note it started, introduce it and show its first exercise."""
    exercises = await lesson_exercises(session, chosen.id)
    if not exercises:
        return {"replies": [reply(f"Lesson {chosen.position} has no exercises yet.")]}
    learner_id = state["learner"]["id"]
    if await session.get(LessonProgress, (learner_id, chosen.id)) is None:
        session.add(
            LessonProgress(learner_id=learner_id, lesson_id=chosen.id, started_at=now_of(state))
        )
    title = f"Lesson {chosen.position} · {chosen.title}"
    started = _new_activity("lesson", [e.key for e in exercises], lesson_id=chosen.id, title=title)
    intro = reply(f"📘 *{title}*\n\n{chosen.intro}")
    return {
        "replies": [intro, present(exercises[0], started)],
        "activity": started,
        "paused_lesson": None,
        "offer": None,
    }


def _when(due: datetime, now: datetime) -> str:
    seconds = (due - now).total_seconds()
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} minutes"
    if seconds < 36 * 3600:
        return f"in {round(seconds / 3600)} hours"
    return f"in {round(seconds / 86400)} days"


async def review(state: State, runtime: Runtime[Context]) -> dict:
    """Serve the learner's due review cards, pausing a lesson in progress."""
    activity = state.get("activity")
    now = now_of(state)
    async with db(runtime) as session:
        if activity and activity["kind"] == "review" and current_item(state):
            return await _resume(session, state, activity, "Let's carry on with your review.")
        cards = await due_cards(session, state["learner_id"], now)
        queue = [{"item_type": c.item_type, "item_id": c.item_id} for c in cards]
        started, first = await next_available(session, _new_activity("review", queue))
        if first is None:
            return await _nothing_due(session, state, now)
    paused = activity if activity and activity["kind"] == "lesson" else state.get("paused_lesson")
    intro = reply(f"🔁 Review time: {len(cards)} item{'s' if len(cards) != 1 else ''}.")
    return {
        "replies": [intro, present(first, started)],
        "activity": started,
        "paused_lesson": paused,
        "offer": None,
    }


async def _nothing_due(session, state: State, now: datetime) -> dict:
    """Say when the next review is due; an exercise still waiting for its answer shows again."""
    upcoming = await next_due(session, state["learner_id"])
    later = f" Your next review is due {_when(upcoming, now)}." if upcoming else ""
    replies = [
        reply(
            f"✨ Nothing to review right now.{later}",
            [("lesson", "Continue lesson"), ("progress", "Progress")],
        )
    ]
    waiting = current_item(state)
    if waiting:
        item = await load_item(session, **waiting)
        if item is not None:  # removed from the course: grading it will move on
            replies.append(present(item, state["activity"]))
        return {"replies": replies}
    return {"replies": replies, "offer": "lesson"}


def hint_for(model) -> str:
    """A nudge toward the answer that does not give it away."""
    answer = model.answers[0]
    if isinstance(model, FillBlank) and model.hint:
        return f"💡 Hint: {model.hint}"
    if isinstance(model, MultipleChoice):
        wrong = next(o for o in model.options if o != answer)
        return f"💡 Hint: it isn't “{wrong}”."
    if isinstance(model, WordOrder):
        return f"💡 Hint: the sentence starts with “{answer.split()[0]}”."
    words = answer.split()
    return (
        f"💡 Hint: {len(words)} word{'s' if len(words) != 1 else ''}, starting with “{answer[0]}”."
    )


async def hint(state: State, runtime: Runtime[Context]) -> dict:
    """Give a hint for the exercise waiting for an answer."""
    ref = current_item(state)
    if ref is None:
        return {"replies": [reply("There's no exercise waiting. Send *lesson* to start one.")]}
    async with db(runtime) as session:
        item = await load_item(session, **ref)
        if item is None:  # as grading does: say so, and move on to the next exercise
            activity = state["activity"]
            moved = {**activity, "index": activity["index"] + 1}
            after = await present_next(session, state, moved)
            return {**after, "replies": [reply(REMOVED), *after["replies"]]}
    # The exercise again, so its buttons are at hand under the hint.
    return {"replies": [reply(hint_for(item.model)), present(item, state["activity"])]}
