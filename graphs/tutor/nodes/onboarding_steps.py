"""Onboarding as a table of steps: each answers one message at one step, and is testable alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from graphs.tutor.nodes.common import current_item, present, reply
from graphs.tutor.nodes.onboarding_answers import (
    SKIP_PLACEMENT,
    named_language,
    names_a_language,
    parse_language,
    placement_choice,
)
from graphs.tutor.state import State
from tools.course import available_languages, course_for, load_item, placement_questions
from tools.db.models import Learner
from tools.language import language_name
from tools.learners import learner_profile
from tools.text import normalize

WELCOME = (
    "👋 Hi! I'm Lingo, your language tutor. I'll teach you with short "
    "lessons, exercises with instant feedback and reviews of what you "
    "miss."
)
QUIZ_OR_SCRATCH = [("quiz", "Take the quiz"), ("scratch", "Start from scratch")]


@dataclass(frozen=True)
class Turn:
    """What a step works with: the thread's state, the learner's row and an open session."""

    state: State
    session: AsyncSession
    learner: Learner
    now: datetime
    understood: bool = False  # the message was already answered as a grammar question

    @property
    def text(self) -> str:
        """The learner's message as sent."""
        return self.state["text"]

    @property
    def said(self) -> str:
        """The learner's message, normalised for matching."""
        return normalize(self.text)


Step = Callable[[Turn], Awaitable[dict]]


async def welcome(turn: Turn) -> dict:
    """A first message: welcome, then ask for the language (unless the message names it)."""
    pairs = await available_languages(turn.session)
    # "I want to learn Spanish" as a first message already answers the first question.
    code = named_language(turn.text, sorted({t for t, _ in pairs}))
    chosen = _choose_target(turn.learner, code, pairs) if code else await _ask_target(turn)
    return {**chosen, "replies": [reply(WELCOME), *chosen["replies"]]}


async def target(turn: Turn) -> dict:
    """The language to learn: taken, or asked again (saying sorry unless already answered)."""
    pairs = await available_languages(turn.session)
    code = parse_language(turn.text, sorted({t for t, _ in pairs}))
    if code is not None:
        return _choose_target(turn.learner, code, pairs)
    asked = await _ask_target(turn)
    named = names_a_language(turn.said)
    if named or not turn.understood:
        sorry = "I don't teach that language yet." if named else "I didn't catch that."
        asked["replies"].insert(0, reply(f"Sorry, {sorry}"))
    return asked


async def native(turn: Turn) -> dict:
    """The language to explain in: taken and the placement quiz offered, or asked again."""
    learner = turn.learner
    pairs = await available_languages(turn.session)
    natives = sorted({n for t, n in pairs if t == learner.target_language})
    code = parse_language(turn.text, natives)
    if code is None:
        names = ", ".join(language_name(n) for n in natives)
        text = (
            f"For now I can explain {language_name(learner.target_language)} "
            f"in: {names}. Which one suits you?"
        )
        return {"replies": [reply(text, _buttons(natives))]}
    learner.native_language = code
    course = await course_for(turn.session, learner.target_language, code)
    count = len(await placement_questions(turn.session, course.id)) if course else 0
    text = (
        f"Do you know some already? A quick placement quiz ({count} questions, "
        f"about {max(1, round(count / 5))} minutes) finds your level. Or start "
        "from scratch at A1."
    )
    return {
        "replies": [reply(text, QUIZ_OR_SCRATCH)],
        "onboarding_step": "placement_offer",
        "learner": learner_profile(learner),
    }


async def placement_offer(turn: Turn) -> dict:
    """Quiz or scratch: start the placement quiz, start at A1, or ask again."""
    choice = placement_choice(turn.said)
    if choice == "scratch":
        return await start_at_a1(turn, "")
    if choice == "quiz":
        return await _start_quiz(turn)
    text = "Would you like the placement quiz, or start from scratch?"
    return {"replies": [reply(text, QUIZ_OR_SCRATCH)]}


async def placement(turn: Turn) -> dict:
    """Mid-quiz, only an answer (graded elsewhere) or *skip quiz* moves on: say so."""
    activity = turn.state.get("activity")
    if not activity or activity["kind"] != "placement":
        return await restart(turn)
    if turn.said in SKIP_PLACEMENT:
        return await start_at_a1(turn, "No problem. ")
    item = await load_item(turn.session, **current_item(turn.state))
    note = reply(
        "Let's finish the placement quiz first: answer the question, "
        "or send *skip quiz* to start at A1."
    )
    return {"replies": [note, present(item, activity)]}


async def restart(turn: Turn) -> dict:
    """An unknown step (e.g. a thread from an older version): start over, keeping answers."""
    return await _ask_target(turn)


STEPS: dict[str | None, Step] = {
    None: welcome,
    "target": target,
    "native": native,
    "placement_offer": placement_offer,
    "placement": placement,
}


def step_for(state: State) -> Step:
    """The step a message answers: a placement quiz in progress outranks the recorded step."""
    activity = state.get("activity")
    if activity and activity["kind"] == "placement":
        return placement
    return STEPS.get(state.get("onboarding_step"), restart)


async def start_at_a1(turn: Turn, note: str) -> dict:
    """Finish onboarding at level A1 and offer lesson 1."""
    learner = turn.learner
    learner.level = "A1"
    learner.onboarded_at = turn.now
    text = (
        f"{note}You're set up for *{language_name(learner.target_language)}* at level "
        "*A1*. Ready for lesson 1?"
    )
    return {
        "replies": [reply(text, [("lesson", "Start lesson 1")])],
        "onboarding_step": None,
        "activity": None,
        "offer": "lesson",
        "learner": learner_profile(learner),
    }


async def _start_quiz(turn: Turn) -> dict:
    learner = turn.learner
    course = await course_for(turn.session, learner.target_language, learner.native_language)
    questions = await placement_questions(turn.session, course.id) if course else []
    if not questions:
        return await start_at_a1(turn, "There is no placement quiz for this course. ")
    activity = {
        "kind": "placement",
        "queue": [q.key for q in questions],
        "index": 0,
        "correct": 0,
        "answered": 0,
    }
    intro = reply(
        "Placement quiz: answer each question with its number or the "
        "answer itself. Don't worry about mistakes!"
    )
    return {
        "replies": [intro, present(questions[0], activity)],
        "activity": activity,
        "onboarding_step": "placement",
    }


def _choose_target(learner: Learner, code: str, pairs: list[tuple[str, str]]) -> dict:
    learner.target_language = code
    natives = sorted({n for t, n in pairs if t == code})
    text = (
        f"Great, {language_name(code)}! And which language do you speak? I'll explain things in it."
    )
    return {
        "replies": [reply(text, _buttons(natives))],
        "onboarding_step": "native",
        "learner": learner_profile(learner),
    }


async def _ask_target(turn: Turn) -> dict:
    targets = sorted({t for t, _ in await available_languages(turn.session)})
    names = ", ".join(language_name(t) for t in targets) or "no language yet"
    text = f"Which language would you like to learn? I teach: {names}."
    return {"replies": [reply(text, _buttons(targets))], "onboarding_step": "target"}


def _buttons(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in codes]
