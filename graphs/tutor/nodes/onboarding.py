"""Onboarding: target language, native language, then a placement quiz or a start at A1."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graphs.tutor.context import Context
from graphs.tutor.intents import classify, looks_like_question
from graphs.tutor.nodes.common import current_item, db, now_of, present, reply
from graphs.tutor.nodes.conversation import notes_answer
from graphs.tutor.state import State
from tools.course import available_languages, course_for, load_item, placement_questions
from tools.language import language_name
from tools.learners import get_learner, learner_profile
from tools.text import normalize, words

LANGUAGE_WORDS = {
    "es": {"es", "spanish", "español", "espanol", "castellano"},
    "en": {"en", "english", "inglés", "ingles"},
    "fr": {"fr", "french", "français", "francais"},
    "de": {"de", "german", "deutsch"},
    "pt": {"pt", "portuguese", "português", "portugues"},
    "it": {"it", "italian", "italiano"},
}
TAKE_QUIZ = {
    "quiz",
    "take the quiz",
    "placement",
    "test",
    "yes",
    "y",
    "1",
    "sure",
    "ok",
    "sí",
    "si",
}
FROM_SCRATCH = {
    "scratch",
    "start from scratch",
    "beginner",
    "no",
    "n",
    "2",
    "a1",
    "skip",
    "skip quiz",
    "skip test",
    "from scratch",
}
SKIP_PLACEMENT = {"skip quiz", "skip test", "stop quiz", "skip placement"}


def parse_language(text: str, choices: list[str]) -> str | None:
    """The language code a learner's answer names, among `choices` (also by number)."""
    said = normalize(text)
    if said.isdigit() and 1 <= int(said) <= len(choices):
        return choices[int(said) - 1]
    words = set(said.split())
    for code in choices:
        if said in LANGUAGE_WORDS.get(code, {code}) or words & LANGUAGE_WORDS.get(code, {code}):
            return code
    return None


def named_language(text: str, choices: list[str]) -> str | None:
    """The one language among `choices` a free message names in full ("I want Spanish")."""
    said = set(words(text))
    named = [c for c in choices if said & {w for w in LANGUAGE_WORDS.get(c, ()) if len(w) > 2}]
    return named[0] if len(named) == 1 else None


def _choose_target(learner, code: str, pairs: list[tuple[str, str]]) -> dict:
    learner.target_language = code
    natives = sorted({n for t, n in pairs if t == code})
    return {
        "replies": [
            reply(
                f"Great, {language_name(code)}! And which language do you "
                "speak? I'll explain things in it.",
                _buttons(natives),
            )
        ],
        "onboarding_step": "native",
        "learner": learner_profile(learner),
    }


def _buttons(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in codes]


async def _ask_target(session) -> dict:
    targets = sorted({t for t, _ in await available_languages(session)})
    names = ", ".join(language_name(t) for t in targets) or "no language yet"
    return {
        "replies": [
            reply(f"Which language would you like to learn? I teach: {names}.", _buttons(targets))
        ],
        "onboarding_step": "target",
    }


async def _start_at_a1(session, learner, now, note: str) -> dict:
    learner.level = "A1"
    learner.onboarded_at = now
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


async def onboarding(state: State, runtime: Runtime[Context]) -> dict:
    """Move the learner one step through onboarding; a grammar question on the way is answered."""
    aside = await _grammar_aside(state, runtime)
    result = await _step(state, runtime, understood=aside is not None)
    if aside:
        # A first message gets the welcome before the answer.
        at = 1 if state.get("onboarding_step") is None else 0
        result["replies"].insert(at, reply(aside))
    return result


async def _grammar_aside(state: State, runtime: Runtime[Context]) -> str | None:
    text = state["text"]
    if not looks_like_question(text) or classify(text, exercise_pending=False) != "question":
        return None
    return await notes_answer(state, runtime)


async def _step(state: State, runtime: Runtime[Context], understood: bool) -> dict:
    step = state.get("onboarding_step")
    said = normalize(state["text"])
    now = now_of(state)
    async with db(runtime) as session:
        learner = await get_learner(session, state["learner_id"])
        activity = state.get("activity")
        if activity and activity["kind"] == "placement":
            if said in SKIP_PLACEMENT:
                return await _start_at_a1(session, learner, now, "No problem. ")
            item = await load_item(session, **current_item(state))
            note = reply(
                "Let's finish the placement quiz first: answer the question, "
                "or send *skip quiz* to start at A1."
            )
            return {"replies": [note, present(item, activity)]}
        pairs = await available_languages(session)
        targets = sorted({t for t, _ in pairs})
        if step is None:
            welcome = reply(
                "👋 Hi! I'm Lingo, your language tutor. I'll teach you with short "
                "lessons, exercises with instant feedback and reviews of what you "
                "miss."
            )
            # "I want to learn Spanish" as a first message already answers the first question.
            code = named_language(state["text"], targets)
            chosen = _choose_target(learner, code, pairs) if code else await _ask_target(session)
            return {**chosen, "replies": [welcome, *chosen["replies"]]}
        if step == "target":
            code = parse_language(state["text"], targets)
            if code is None:
                asked = await _ask_target(session)
                named = any(said in words for words in LANGUAGE_WORDS.values())
                sorry = "I don't teach that language yet." if named else "I didn't catch that."
                if named or not understood:
                    asked["replies"].insert(0, reply(f"Sorry, {sorry}"))
                return asked
            return _choose_target(learner, code, pairs)
        if step == "native":
            natives = sorted({n for t, n in pairs if t == learner.target_language})
            code = parse_language(state["text"], natives)
            if code is None:
                names = ", ".join(language_name(n) for n in natives)
                return {
                    "replies": [
                        reply(
                            f"For now I can explain {language_name(learner.target_language)} "
                            f"in: {names}. Which one suits you?",
                            _buttons(natives),
                        )
                    ]
                }
            learner.native_language = code
            course = await course_for(session, learner.target_language, code)
            count = len(await placement_questions(session, course.id)) if course else 0
            return {
                "replies": [
                    reply(
                        f"Do you know some already? A quick placement quiz ({count} questions, "
                        f"about {max(1, round(count / 5))} minutes) finds your level. Or start "
                        "from scratch at A1.",
                        [("quiz", "Take the quiz"), ("scratch", "Start from scratch")],
                    )
                ],
                "onboarding_step": "placement_offer",
                "learner": learner_profile(learner),
            }
        if step == "placement_offer":
            if said in FROM_SCRATCH:
                return await _start_at_a1(session, learner, now, "")
            if said in TAKE_QUIZ or "quiz" in said:
                course = await course_for(session, learner.target_language, learner.native_language)
                questions = await placement_questions(session, course.id) if course else []
                if not questions:
                    return await _start_at_a1(
                        session, learner, now, "There is no placement quiz for this course. "
                    )
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
            return {
                "replies": [
                    reply(
                        "Would you like the placement quiz, or start from scratch?",
                        [("quiz", "Take the quiz"), ("scratch", "Start from scratch")],
                    )
                ]
            }
        # Unknown step (e.g. a thread from an older version): start over, keeping answers.
        return await _ask_target(session)
