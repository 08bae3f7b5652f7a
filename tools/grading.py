"""Deterministic grading: forgiving about case, punctuation, accents and one-letter typos,
but not about a real word in place of another (a wrong person, tense, gender or number)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.edits import damerau_distance
from tools.exercises import BLANK, FillBlank, MultipleChoice, Translate, WordOrder
from tools.lexicon import Lexicon
from tools.text import normalize, plain, strip_accents, words
from tools.wrong_forms import Kind, explain

Verdict = Literal["correct", "accent", "typo", "wrong"]

MIN_TYPO_WORD_LENGTH = 5
_LETTER_CHOICE = re.compile(r"^[a-f]$")
_NUMBERS = re.compile(r"^\d+(\s+\d+)*$")


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one answer."""

    verdict: Verdict
    expected: str
    note: str | None = None
    reason: Kind | None = None  # for a real word given in place of another: what was wrong

    @property
    def accepted(self) -> bool:
        """Whether the answer counts as right."""
        return self.verdict != "wrong"


def _one_word_apart(given: str, expected: str) -> tuple[int, str, list[str]] | None:
    """(position, typed word, expected words) when the two differ in one word, accents aside."""
    given_words, expected_words = given.split(), expected.split()
    if len(given_words) != len(expected_words):
        return None
    diffs = [
        i
        for i, (g, e) in enumerate(zip(given_words, expected_words, strict=True))
        if strip_accents(g) != strip_accents(e)
    ]
    return (diffs[0], given_words[diffs[0]], expected_words) if len(diffs) == 1 else None


def _is_slip(typed: str, intended: str, confusables: frozenset[str]) -> bool:
    """Whether a bare typed word is one slip of one letter from a long enough intended one."""
    if len(intended) < MIN_TYPO_WORD_LENGTH or typed in confusables:
        return False
    return damerau_distance(typed, intended) == 1


def grade_text(
    answer: str,
    accepted: list[str],
    *,
    confusables: frozenset[str] = frozenset(),
    lexicon: Lexicon | None = None,
    before: tuple[str, ...] = (),
) -> Grade:
    """Grade text against accepted answers; `confusables` and the `lexicon`'s forms are real
    words, so never typos: a real word in place of another is wrong, with the reason.

    `before`: the words leading up to the answer (a blank's sentence), which can tell a
    verb's person ("me ___").
    """
    expected = accepted[0]
    given = normalize(answer)
    candidates = [normalize(a) for a in accepted]
    if given in candidates:
        return Grade("correct", expected)
    bare_given = strip_accents(given)
    for original, candidate in zip(accepted, candidates, strict=True):
        if bare_given == strip_accents(candidate):
            return Grade("accent", original, _accent_note(given, candidate, original))
    wrong_form = None
    for original, candidate in zip(accepted, candidates, strict=True):
        apart = _one_word_apart(given, candidate)
        if apart is None:
            continue
        index, typed, expected_words = apart
        found = None
        if lexicon:
            found = explain(typed, [*before, *expected_words], len(before) + index, lexicon)
        if found:
            # An inflection explained beats "a different word" against another accepted answer.
            if wrong_form is None or wrong_form.reason == "word":
                wrong_form = Grade("wrong", original, found.note, found.kind)
        elif _is_slip(strip_accents(typed), strip_accents(expected_words[index]), confusables):
            intended_display = _display_word(original, strip_accents(expected_words[index]))
            note = f"Watch the spelling: *{intended_display}* (you wrote “{typed}”)."
            return Grade("typo", original, note)
    return wrong_form or Grade("wrong", expected)


def _display_word(original: str, bare_word: str) -> str:
    """The word as the accepted answer writes it (case and accents kept)."""
    for word in original.split():
        if plain(word) == bare_word:
            return normalize(word) if word.isupper() else word.strip(".,;:!?¡¿\"'()")
    return bare_word


def _accent_note(given: str, candidate: str, original: str) -> str:
    words = [w for w, g in zip(candidate.split(), given.split(), strict=False) if w != g]
    shown = ", ".join(f"*{w}*" for w in words) or f"*{original}*"
    if any("ñ" in w for w in words):
        return f"Mind the ñ: {shown}. In Spanish ñ is its own letter."
    return f"Mind the accents: {shown}."


def resolve_choice(answer: str, options: list[str]) -> str:
    """Map a typed choice ("2", "b", or the option's text) to the option it names."""
    given = normalize(answer)
    if given.isdigit() and 1 <= int(given) <= len(options):
        return options[int(given) - 1]
    if _LETTER_CHOICE.match(given) and ord(given) - ord("a") < len(options):
        return options[ord(given) - ord("a")]
    return answer


def resolve_word_order(answer: str, tokens: list[str]) -> str:
    """Map a numbered ordering ("3 1 2") to the sentence those tokens make."""
    given = normalize(answer)
    if _NUMBERS.match(given):
        picks = [int(n) for n in given.split()]
        if all(1 <= n <= len(tokens) for n in picks):
            return " ".join(tokens[n - 1] for n in picks)
    return answer


def resolve_fill_blank(answer: str, exercise: FillBlank) -> str:
    """The words the learner put in the blank: alone, in the whole sentence, or in part of it.

    "soy", "Yo soy estudiante." and "soy estudiante" all fill "Yo ___ estudiante." with "soy".
    """
    given = words(answer)
    before, _, after = normalize(exercise.sentence.replace("___", " BLANKMARK ")).partition(
        "blankmark"
    )
    before, after = before.split(), after.split()
    # The most context first: the whole sentence, then shorter windows around the blank.
    windows = sorted(
        ((i, j) for i in range(len(before) + 1) for j in range(len(after) + 1) if i or j),
        key=lambda w: -(w[0] + w[1]),
    )
    for i, j in windows:
        if i + j >= len(given):
            continue  # no room left for the blank's words
        lead, tail = before[len(before) - i :], after[:j]
        if given[:i] == lead and given[len(given) - j :] == tail:
            return " ".join(given[i : len(given) - j])
    return answer


def grade_exercise(
    exercise,
    answer: str,
    *,
    confusables: frozenset[str] = frozenset(),
    lexicon: Lexicon | None = None,
) -> Grade:
    """Grade an answer to any exercise type; `lexicon` is the target language's word list."""
    if lexicon is not None and not _in_target_language(exercise, lexicon):
        lexicon = None
    if isinstance(exercise, MultipleChoice):
        chosen = resolve_choice(answer, exercise.options)
        grade = grade_text(chosen, exercise.answers, confusables=confusables, lexicon=lexicon)
        # A near-miss on an option's text is fine, but picking another option never is.
        if grade.verdict != "correct" and chosen in exercise.options:
            return Grade("wrong", exercise.answers[0])
        return grade
    if isinstance(exercise, WordOrder):
        answer = resolve_word_order(answer, exercise.tokens)
    elif isinstance(exercise, FillBlank):
        answer = resolve_fill_blank(answer, exercise)
        before = tuple(words(exercise.sentence.partition(BLANK)[0]))
        return grade_text(
            answer, exercise.answers, confusables=confusables, lexicon=lexicon, before=before
        )
    return grade_text(answer, exercise.answers, confusables=confusables, lexicon=lexicon)


def _in_target_language(exercise, lexicon: Lexicon) -> bool:
    """Whether the answers are in the lexicon's language (a translation may be into English)."""
    if isinstance(exercise, Translate):
        return exercise.direction == "to_target"
    if isinstance(exercise, MultipleChoice):
        return all(word in lexicon for word in words(exercise.answers[0]))
    return True


def looks_like_an_answer(text: str) -> bool:
    """Whether the text has any letters or digits left to grade (emoji alone are not an answer)."""
    return bool(normalize(text))
