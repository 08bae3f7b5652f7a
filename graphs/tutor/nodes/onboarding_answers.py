"""Reading a learner's onboarding answers: which language, and quiz or scratch."""

from __future__ import annotations

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
# Words that answer "quiz or scratch?" in a sentence: "start at A1", "let's do the test".
_QUIZ_WORDS = {"quiz", "test", "placement", "examen", "prueba", "level", "nivel"}
_SCRATCH_WORDS = {
    "scratch", "beginner", "beginning", "begin", "basics", "a1", "zero", "cero", "principio",
    "lesson", "lessons", "leccion", "lección", "start", "empezar", "comenzar", "principiante",
}  # fmt: skip
_NOT = {"skip", "no", "without", "sin", "don't", "dont", "not"}


def placement_choice(said: str) -> str | None:
    """ "quiz", "scratch" or None for an answer to the placement offer, in a word or a sentence."""
    if said in FROM_SCRATCH:
        return "scratch"
    if said in TAKE_QUIZ:
        return "quiz"
    words = set(said.split())
    quiz, scratch = words & _QUIZ_WORDS, words & _SCRATCH_WORDS
    if quiz:
        return "scratch" if words & _NOT else "quiz"
    return "scratch" if scratch else None


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


def names_a_language(said: str) -> bool:
    """Whether a normalised answer is the name of a language, taught here or not."""
    return any(said in names for names in LANGUAGE_WORDS.values())
