"""How much a message sent while an exercise waits looks like an attempt at it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from tools.text import plain

_CHOICE = re.compile(r"^(?:\d|[a-f])$")
_ORDER = re.compile(r"^\d(?:\s+\d)+$")
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "primera": 1, "primero": 1, "segunda": 2, "segundo": 2, "tercera": 3, "tercero": 3,
    "cuarta": 4, "cuarto": 4, "quinta": 5, "quinto": 5,
}  # fmt: skip
# "option 2", "number 3 i think", "the second one", "la segunda": a choice named, not typed.
_OPTION_WORDS = re.compile(
    r"\b(?:option|opcion|number|numero|no|answer|respuesta|choice)\s*(\d)\b|"
    rf"\b({'|'.join(_ORDINALS)})\b(?:\s+(?:one|option|opcion|answer))?"
)


@dataclass(frozen=True)
class Expected:
    """What the waiting exercise accepts, as the router sees it."""

    answers: list[str]
    options: list[str] = field(default_factory=list)  # choices, or the words to put in order
    language: str | None = None  # the language an answer is written in ("es", "en")

    @classmethod
    def of(cls, exercise, target: str | None, native: str | None) -> Expected:
        """The expectation of a course exercise (tools.exercises models)."""
        options = [*getattr(exercise, "options", []), *getattr(exercise, "tokens", [])]
        to_native = getattr(exercise, "direction", "to_target") == "to_native"
        return cls(list(exercise.answers), options, native if to_native else target)


def attempt_likeness(text: str, expected: Expected) -> float:
    """From 0 (nothing like an answer) to 1 (an option's number, or an accepted answer)."""
    said = plain(text)
    if not said:
        return 0.0
    if _ORDER.match(said) and len(said.split()) == len(expected.options) > 1:
        return 1.0  # word order by numbers: "3 1 2"
    if _CHOICE.match(said) and expected.options:
        number = int(said) if said.isdigit() else ord(said) - ord("a") + 1
        return 1.0 if 1 <= number <= len(expected.options) else 0.5
    if expected.options and (named := _named_option(said)) is not None:
        return 1.0 if 1 <= named <= len(expected.options) else 0.5
    said_words = said.split()
    best = 0.0
    for candidate in map(plain, [*expected.answers, *expected.options]):
        if not candidate:
            continue
        shape = SequenceMatcher(None, said, candidate).ratio()
        shared = sum(word in candidate.split() for word in said_words) / len(said_words)
        best = max(best, shape, shared)
    return best


def _named_option(said: str) -> int | None:
    match = _OPTION_WORDS.search(said)
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else _ORDINALS[match.group(2)]
