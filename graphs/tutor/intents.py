"""The tutor's intents, and the rules that classify a message (commands, then patterns)."""

from __future__ import annotations

import re

from graphs.intents import Intent, registry
from tools.text import normalize, words

# The tutor's intents, declared once: the router, the graph's wiring, the finish node's reminder
# and the model classifier's schema and prompt all derive from this.
TUTOR = registry(
    [
        Intent("attachment", "attachment", "sends a picture, voice note or file", side=True),
        Intent("greeting", "greet", "says hello", side=True, model=True, title="Just saying hi"),
        Intent("onboarding", "onboarding", "is choosing languages or a starting level"),
        Intent(
            "lesson",
            "lesson",
            "wants to start or continue a lesson",
            model=True,
            title="A lesson",
        ),
        Intent(
            "answer",
            "grade",
            "answers the exercise waiting for an answer",
            title="Grade my answer",
        ),
        Intent(
            "skip",
            "grade",
            "gives up on the waiting exercise and wants its answer",
            title="Show the answer",
        ),
        Intent("hint", "hint", "asks for a clue to the waiting exercise", title="A hint"),
        Intent(
            "explain",
            "explain",
            "asks why their last answer was right or wrong",
            side=True,
            title="Explain my answer",
        ),
        Intent(
            "review",
            "review",
            "wants to review words or past mistakes",
            model=True,
            title="Review",
        ),
        Intent(
            "progress",
            "progress",
            "asks about their progress, stats or streak",
            side=True,
            model=True,
            title="My progress",
        ),
        Intent(
            "practice",
            "practice",
            "wants free conversation, or writes to chat in {target}",
            side=True,
            model=True,
            title="Chat practice",
        ),
        Intent(
            "question",
            "question",
            "asks about grammar, vocabulary, meaning or usage",
            side=True,
            model=True,
            title="A language question",
        ),
        Intent(
            "settings",
            "settings",
            "wants to change level, language or timezone",
            side=True,
            model=True,
            title="Settings",
        ),
        Intent(
            "upgrade",
            "upgrade",
            "asks about premium or paying",
            side=True,
            model=True,
            title="Premium",
        ),
        Intent("help", "help", "asks what the bot can do", side=True, model=True, title="Help"),
        Intent("stop", "stop", "wants no more messages", model=True, title="Stop messages"),
        Intent(
            "opt_in",
            "opt_in",
            "wants reminders and messages again",
            side=True,
            model=True,
            title="Reminders on",
        ),
        # The router turns a bare "yes" into what the last reply offered (a lesson by default).
        Intent("affirm", None, "says yes to what the last reply offered", side=True),
        # Unsure what a message means: ask, with the likeliest intents as buttons.
        Intent(
            "unknown",
            "clarify",
            "none of these (off-topic, abusive or unreadable)",
            model=True,
        ),
    ]
)
# The intents a message sent while an exercise waits may mean instead of an attempt.
EXERCISE_ASIDES = frozenset(
    {"stop", "opt_in", "help", "progress", "review", "settings", "upgrade", "hint", "skip"}
    | {"lesson", "question", "explain", "greeting"}
)

# Exact commands: recognised whatever else is going on (except mid-onboarding, see route).
COMMANDS: dict[str, str] = {
    **dict.fromkeys(["help", "menu", "commands", "ayuda", "?"], "help"),
    **dict.fromkeys(["stop", "unsubscribe", "stopall", "cancel reminders"], "stop"),
    **dict.fromkeys(["progress", "stats", "my progress", "progreso", "streak"], "progress"),
    **dict.fromkeys(["review", "repasar", "repaso", "review words"], "review"),
    **dict.fromkeys(
        [
            "lesson",
            "next lesson",
            "continue",
            "start lesson",
            "next",
            "lección",
            "leccion",
            "continue lesson",
            "resume",
        ],
        "lesson",
    ),
    **dict.fromkeys(["upgrade", "premium", "subscribe", "pricing", "plans"], "upgrade"),
    **dict.fromkeys(
        [
            "settings",
            "level",
            "change level",
            "timezone",
            "language",
            "change language",
        ],
        "settings",
    ),
    **dict.fromkeys(
        ["practice", "conversation", "chat", "let's talk", "lets talk", "free practice"], "practice"
    ),
}
# While an exercise waits for an answer, these words are about the exercise, not answers.
EXERCISE_COMMANDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "skip",
            "pass",
            "i don't know",
            "i dont know",
            "no idea",
            "no sé",
            "no se",
            "idk",
            "show answer",
            "paso",
            "me rindo",
            "no lo sé",
            "no lo se",
            "ni idea",
        ],
        "skip",
    ),
    **dict.fromkeys(["hint", "clue", "pista"], "hint"),
    **dict.fromkeys(
        [
            "explain",
            "explain my answer",
            "explain that",
            "explain please",
            "why?",
            "why is that",
            "why?!",
        ],
        "explain",
    ),
}
_LESSON_NUMBER = re.compile(r"^(?:lesson|lección|leccion)\s+(\d{1,3})$")
_SETTINGS = re.compile(
    r"^(?:(?:set|change)\s+(?:my\s+)?)?(?:level|timezone|time zone|native language|language)"
    r"(?:\s+(?:to|is))?\s+\S+"
)
# Whole-message questions about the session itself, safe to take while an exercise waits.
_PENDING_ASIDES: list[tuple[str, re.Pattern[str]]] = [
    ("progress", re.compile(r"^(?:how am i doing|show (?:me )?my progress)\b")),
    ("help", re.compile(r"^(?:how does this work|what can you do)\b")),
]
_EXPLAIN = re.compile(r"^(?:explain|why|por qué|por que)\b")
_QUESTION_MARK_PREFIX = re.compile(r"^(?:\?|question:|q:)")
# Phrases that open a question about the language (and no answer to an A1-A2 exercise).
_MID_EXERCISE_QUESTION = re.compile(
    r"^(?:what does|what do|what is the meaning|what's the meaning|how do you say|how do i say|"
    r"what's the difference|what is the difference|qué significa|que significa|can you explain|"
    r"cómo se dice|como se dice)\b"
)

# Unmistakable questions about the language, whatever else is going on.
_LANGUAGE_QUESTION = re.compile(
    r"^(?:what (?:does|do) \S.{0,40}\bmean\b|what is the meaning|what's the meaning|"
    r"how do you say|how do i say|what's the difference|what is the difference|"
    r"qué significa|que significa|cómo se dice|como se dice)"
)

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("stop", re.compile(r"\b(?:unsubscribe|stop (?:sending|messaging|reminders))\b")),
    ("help", re.compile(r"\b(?:help|what can you do|how does this work|how do i use)\b")),
    (
        "progress",
        re.compile(
            r"\b(?:how am i doing|my (?:progress|stats|streak|score)|how (?:far|well) "
            r"(?:am i|have i)|show (?:me )?(?:my )?progress|how many (?:lessons|words))\b"
        ),
    ),
    (
        "review",
        re.compile(
            r"\b(?:review|revise|go over my mistakes|practi[cs]e my mistakes|"
            r"flashcards?|repasar)\b"
        ),
    ),
    ("upgrade", re.compile(r"\b(?:premium|upgrade|subscription|paid plan|pricing)\b")),
    ("settings", re.compile(r"\b(?:change|set|switch) (?:my )?(?:level|language|timezone)\b")),
    (
        "lesson",
        re.compile(
            r"\b(?:(?:start|begin|continue|next|another|new) (?:a |the |my )?lesson|teach me|"
            r"let'?s (?:learn|study|start)|i want to learn|ready to learn)\b"
        ),
    ),
    (
        "practice",
        re.compile(
            r"\b(?:let'?s (?:talk|chat|practi[cs]e)|conversation practice|practi[cs]e "
            r"(?:speaking|conversation|spanish|chatting)|talk to me in|chat in spanish|"
            r"hablemos|conversar)\b"
        ),
    ),
    (
        "question",
        re.compile(
            r"(?:\?|¿)|^(?:what|how|why|when|where|which|who|is|are|does|do|can|should|could|"
            r"qué|que|cómo|como|cuándo|cuando|dónde|donde|cuál|cual|por qué)\b|"
            r"\b(?:what does|how do you say|difference between|meaning of|mean in)\b"
        ),
    ),
    (
        "greeting",
        re.compile(
            r"^(?:hi|hello|hey|hiya|yo|hola|buenas|buenos días|buenos dias|buenas tardes|"
            r"buenas noches|good (?:morning|afternoon|evening)|qué tal|que tal)\b"
        ),
    ),
]
TUTOR.check(
    [
        *COMMANDS.values(),
        *EXERCISE_COMMANDS.values(),
        *dict(_PENDING_ASIDES),
        *dict(PATTERNS),
        *EXERCISE_ASIDES,
    ]
)
GREETING = dict(PATTERNS)["greeting"]
AFFIRMATIONS = frozenset(
    "yes y yeah yep sure ok okay k go sí si vale claro dale 👍 ok!".split()
    + ["let's go", "lets go", "sounds good", "of course", "why not"]
)


def lesson_number(text: str) -> int | None:
    """The lesson asked for by number ("lesson 3"), if any."""
    match = _LESSON_NUMBER.match(normalize(text))
    return int(match.group(1)) if match else None


def is_affirmation(text: str) -> bool:
    """Whether the text just says yes."""
    raw = text.strip().casefold()
    return raw in AFFIRMATIONS or normalize(text) in AFFIRMATIONS


def rule_intent(text: str, *, exercise_pending: bool) -> str | None:
    """The intent of an exact command, button payload or unmistakable phrase; None otherwise."""
    norm = normalize(text)
    raw = text.strip().casefold()
    if norm in COMMANDS or raw in COMMANDS:
        return COMMANDS.get(norm) or COMMANDS[raw]
    if lesson_number(text) is not None:
        return "lesson"
    if _SETTINGS.match(norm):
        return "settings"
    if exercise_pending:
        if norm in EXERCISE_COMMANDS or raw in EXERCISE_COMMANDS:
            return EXERCISE_COMMANDS.get(norm) or EXERCISE_COMMANDS[raw]
        if _QUESTION_MARK_PREFIX.match(raw) or _MID_EXERCISE_QUESTION.match(raw.lstrip("¿¡")):
            return "question"
        return None
    if _LANGUAGE_QUESTION.match(raw.lstrip("¿¡")):
        return "question"
    if norm in EXERCISE_COMMANDS and EXERCISE_COMMANDS[norm] in ("hint", "skip"):
        return "hint"  # answered with "there's no exercise waiting"
    if norm in ("explain", "explain my answer", "why", "por qué", "por que") or raw in ("why?",):
        return "explain"
    if is_affirmation(text):
        return "affirm"
    if len(norm.split()) <= 3 and GREETING.match(norm):
        return "greeting"
    return None


def classify(text: str, *, exercise_pending: bool) -> str:
    """The rules alone: the exact rules, then the phrase patterns; "answer" or "unknown" else.

    The semantic router replaced the patterns; onboarding's grammar aside and the router
    benchmark's baseline still read them.
    """
    rule = rule_intent(text, exercise_pending=exercise_pending)
    if rule is not None:
        return rule
    norm = normalize(text)
    raw = text.strip().casefold()
    if exercise_pending:
        for intent, pattern in _PENDING_ASIDES:
            if pattern.match(raw):
                return intent
        if _EXPLAIN.match(norm) and len(norm.split()) > 1:
            return "question"
        return "answer"
    if _EXPLAIN.match(norm) and re.search(r"\b(?:wrong|right|answer|mistake)\b", norm):
        return "explain"
    if len(norm.split()) <= 4 and GREETING.search(norm):
        return "greeting"  # "hola, ¿qué tal?" is a hello, not a question
    for intent, pattern in PATTERNS:
        if pattern.search(raw) or pattern.search(norm):
            return intent
    return "unknown"


QUESTION = dict(PATTERNS)["question"]


def looks_like_question(text: str) -> bool:
    """Whether a message of three words or more is shaped like a question."""
    raw = text.strip().casefold()
    return len(raw.split()) >= 3 and QUESTION.search(raw) is not None


def asks_instead_of_answering(text: str, expected: list[str]) -> bool:
    """Whether a message sent while an exercise waits is a question rather than an attempt.

    It is when it is shaped like a question, has three words or more, shares no word with any
    accepted answer or option, and the exercise does not itself ask for a question.
    """
    if not looks_like_question(text):
        return False
    if any(QUESTION.search(answer.casefold()) for answer in expected):
        return False
    said = set(words(text))
    return not any(said.intersection(words(answer)) for answer in expected)
