"""Greeting, progress, settings, premium, help and opting out."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.nodes.common import MAIN_MENU, db, now_of, reply
from graphs.tutor.state import State
from tools.course import course_for
from tools.language import language_name
from tools.learners import get_learner, learner_profile
from tools.progress import learner_progress
from tools.srs import count_due
from tools.streaks import valid_timezone
from tools.text import normalize

LEVELS = ("A1", "A2")
_LEVEL = re.compile(r"\blevel\s+(?:to\s+|is\s+)?([abc][12])\b")
_TIMEZONE = re.compile(r"\btime ?zone\s+(?:to\s+|is\s+)?(\S+)", re.IGNORECASE)

HELP = """Here's what I can do:
• *lesson*: start or continue a lesson (*lesson 3* jumps to lesson 3)
• answer exercises by typing (or the option's number); *hint* and *skip* help
• *review*: practise words and items you missed (spaced repetition)
• *progress*: lessons done, accuracy, streak, words due
• *explain*: why your last answer was right or wrong
• ask a question, e.g. “what does *gato* mean?”
• *practice*: free conversation (needs a language model on the server)
• *settings*: level, timezone, reminders · *stop*: no more reminders"""


async def greet(state: State, runtime: Runtime[Context]) -> dict:
    """Welcome a returning learner and suggest what to do next."""
    learner = state["learner"]
    name = f", {learner['name']}" if learner.get("name") else ""
    async with db(runtime) as session:
        due = await count_due(session, learner["id"], now_of(state))
    nudge = f" You have {due} item{'s' if due != 1 else ''} to review." if due else ""
    return {
        "replies": [
            reply(
                f"¡Hola{name}! 👋 Ready to keep learning "
                f"{language_name(learner.get('target_language'))}?{nudge}",
                MAIN_MENU,
            )
        ],
        "offer": "review" if due else "lesson",
    }


async def progress(state: State, runtime: Runtime[Context]) -> dict:
    """Summarise lessons done, accuracy, streak and words due."""
    learner = state["learner"]
    async with db(runtime) as session:
        course = await course_for(
            session, learner.get("target_language"), learner.get("native_language")
        )
        stats = await learner_progress(
            session,
            learner["id"],
            course.id if course else None,
            now_of(state),
            learner.get("timezone") or "UTC",
        )
    accuracy = (
        f"{stats.accuracy:.0%} ({stats.correct}/{stats.answered} answers)"
        if stats.accuracy is not None
        else "no answers yet"
    )
    if stats.answered_week:
        accuracy += f" · last 7 days {stats.correct_week / stats.answered_week:.0%}"
    streak = stats.streak
    flame = "🔥" if streak.current else "💤"
    day_word = "day" if streak.current == 1 else "days"
    today = "" if streak.active_today or not streak.current else " (practise today to keep it!)"
    lines = [
        "📊 *Your progress*",
        f"Level: {learner.get('level') or '?'} · {language_name(learner.get('target_language'))}",
        f"Lessons: {stats.lessons_done}/{stats.lessons_total} done",
        f"Accuracy: {accuracy}",
        f"Streak: {flame} {streak.current} {day_word} (best {streak.longest}){today}",
        f"Review deck: {stats.in_deck} cards ({stats.words_learning} words) · "
        f"{stats.due_now} due for review",
    ]
    buttons = [("review", "Review")] if stats.due_now else []
    buttons.append(("lesson", "Continue lesson"))
    return {
        "replies": [reply("\n".join(lines), buttons)],
        "offer": "review" if stats.due_now else "lesson",
    }


async def settings(state: State, runtime: Runtime[Context]) -> dict:
    """Change level, timezone or reminders, or show the current settings."""
    said = normalize(state["text"])
    raw = state["text"].strip()
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        level = _LEVEL.search(said)
        zone = _TIMEZONE.search(raw)
        if level:
            wanted = level.group(1).upper()
            if wanted not in LEVELS:
                return {
                    "replies": [
                        reply(
                            f"The course covers levels {' and '.join(LEVELS)}; "
                            f"{wanted} is not available yet."
                        )
                    ]
                }
            learner.level = wanted
            text = f"Done: your level is now *{wanted}*. Your next lesson follows it."
        elif zone:
            name = zone.group(1)
            if not valid_timezone(name):
                return {
                    "replies": [
                        reply(
                            f"I don't know the timezone “{name}”. Use a name like "
                            "Europe/Madrid or America/Mexico_City."
                        )
                    ]
                }
            learner.timezone = name
            text = f"Done: your streak days now follow *{name}* time."
        else:
            reminders = "off" if learner.opted_out else "on"
            text = (
                f"⚙️ *Settings*\nLearning: {language_name(learner.target_language)} · "
                f"explanations in {language_name(learner.native_language)}\n"
                f"Level: {learner.level}\nTimezone: {learner.timezone}\n"
                f"Reminders: {reminders}\n\nChange with “level A2”, “timezone "
                "Europe/Madrid”, *start* (reminders on) or *stop*."
            )
            return {"replies": [reply(text, [("level A1", "Level A1"), ("level A2", "Level A2")])]}
        return {"replies": [reply(text)], "learner": learner_profile(learner)}


async def upgrade(state: State, runtime: Runtime[Context]) -> dict:
    """Tell the learner about the premium tier."""
    if state["learner"].get("premium"):
        return {"replies": [reply("You're already on Premium. Thank you! 💛")]}
    return {
        "replies": [
            reply(
                "💎 *Premium* adds unlimited conversation practice, voice notes and "
                "personalised explanations. Payments aren't set up on this server yet, so "
                "everything here is free: enjoy the full course!"
            )
        ]
    }


async def help_(state: State, runtime: Runtime[Context]) -> dict:
    """List what the tutor can do."""
    return {"replies": [reply(HELP, MAIN_MENU)]}


async def stop(state: State, runtime: Runtime[Context]) -> dict:
    """Opt the learner out of proactive messages (they can still chat)."""
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        learner.opted_out = True
        profile = learner_profile(learner)
    return {
        "replies": [
            reply(
                "Done: you won't get reminders or any other message you didn't ask for. Your "
                "progress is saved: write any time to carry on, and send *START* to get "
                "reminders again."
            )
        ],
        "learner": profile,
    }


async def opt_in(state: State, runtime: Runtime[Context]) -> dict:
    """Take the learner back into reminders after an opt-out."""
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        was_out = learner.opted_out
        learner.opted_out = False
        profile = learner_profile(learner)
    text = "Reminders are back on. 🔔" if was_out else "Reminders are on. 🔔"
    return {
        "replies": [reply(f"{text} Send *stop* any time to turn them off.", MAIN_MENU)],
        "learner": profile,
    }
