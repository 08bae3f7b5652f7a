"""Checks a reviewer would make of an exercise draft; findings are sentences fed back to the model.

Schema validity first (the tutor's own models: the blank appears once, word-order tokens rebuild
the answer, the answer is among the options), then what a schema cannot see: the language of
each part, sentence length for the level, ambiguous options, duplicates of existing exercises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from tools.content.schemas import REGISTRY
from tools.exercises import FillBlank, MultipleChoice, Translate, WordOrder
from tools.language import DETECTABLE, guess_language, language_counts
from tools.text import normalize, words

# Longest target-language sentence per CEFR level, in words.
MAX_WORDS = {"A1": 10, "A2": 14, "B1": 20, "B2": 28, "C1": 40, "C2": 40}
_QUOTED = re.compile(r"\*[^*]+\*|“[^”]*”|\"[^\"]*\"|'[^']*'")


@dataclass(frozen=True)
class Rules:
    """What a draft must satisfy besides its schema."""

    exercise_type: str
    level: str
    target_language: str
    native_language: str
    existing: Mapping[str, str] = field(default_factory=dict)  # fingerprint -> existing slug


@dataclass
class Verdict:
    """A validated exercise, or the findings that keep a draft from being one."""

    exercise: BaseModel | None
    findings: list[str]

    @property
    def ok(self) -> bool:
        """Whether the draft passed every check."""
        return self.exercise is not None and not self.findings


def fingerprints(model: BaseModel) -> set[str]:
    """Keys under which two exercises count as the same one (normalised prompt and content)."""
    keys = {f"prompt:{normalize(model.prompt)}"}
    if isinstance(model, FillBlank):
        keys.add(f"sentence:{normalize(model.sentence)}")
    elif isinstance(model, Translate):
        keys.add(f"text:{model.direction}:{normalize(model.text)}")
    elif isinstance(model, WordOrder):
        keys.add(f"order:{normalize(model.answers[0])}")
    return keys


def schema_findings(errors: list[dict]) -> list[str]:
    """Pydantic errors as sentences: `field: problem`."""
    findings = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        findings.append(f"{where}: {message}" if where else message)
    return findings


def parse_draft(data: Any, rules: Rules, slug: str) -> Verdict:
    """Schema validity only: the draft as the tutor's model, or why it is not one."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            return Verdict(None, [f"the reply is not valid JSON ({exc.msg} at char {exc.pos})"])
    if not isinstance(data, dict):
        return Verdict(None, ["the reply is not a JSON object with the exercise's fields"])
    given = data.get("type", rules.exercise_type)
    if given != rules.exercise_type:
        return Verdict(None, [f"expected a {rules.exercise_type} exercise, got {given!r}"])
    entry = REGISTRY[rules.exercise_type]
    try:
        model = entry.model.model_validate({**data, "id": slug, "type": rules.exercise_type})
    except ValidationError as exc:
        return Verdict(None, schema_findings(exc.errors()))
    return Verdict(model, [])


def _outside_quotes(text: str, quoted: list[str] = ()) -> str:
    # Instructions and explanations quote target-language words and sentences; judge the rest.
    for part in sorted(quoted, key=len, reverse=True):
        text = text.replace(part, " ")
    return _QUOTED.sub(" ", text)


def _shown_content(model: BaseModel) -> list[str]:
    """The exercise's own material, which a prompt may quote in any language."""
    content = [*model.answers]
    for name in ("text", "sentence", "translation"):
        content.append(getattr(model, name, None) or "")
    content += getattr(model, "options", []) + getattr(model, "tokens", [])
    return [c for c in content if c]


def _language_parts(model: BaseModel, rules: Rules) -> list[tuple[str, str, str]]:
    """(what, text, expected language) for each part whose language is fixed."""
    target, native = rules.target_language, rules.native_language
    parts = [("the explanation", _outside_quotes(model.explanation), native)]
    if isinstance(model, Translate):
        source, result = (native, target) if model.direction == "to_target" else (target, native)
        parts += [
            ("the text to translate", model.text, source),
            ("the answer", model.answers[0], result),
        ]
    elif isinstance(model, FillBlank):
        parts.append(("the sentence", model.filled(model.answers[0]), target))
        if model.translation:
            parts.append(("the translation", model.translation, native))
    elif isinstance(model, WordOrder):
        parts.append(("the sentence", model.answers[0], target))
        if model.translation:
            parts.append(("the translation", model.translation, native))
    return parts


def language_findings(model: BaseModel, rules: Rules) -> list[str]:
    """Parts written in the wrong language (only for languages the detector knows)."""
    if not {rules.target_language, rules.native_language} <= DETECTABLE:
        return []
    findings = []
    # A prompt may be a target-language sentence, but it needs some words the learner reads.
    counts = language_counts(_outside_quotes(model.prompt, _shown_content(model)))
    if counts[rules.native_language] == 0 and counts[rules.target_language] > 0:
        findings.append(
            f"the prompt is all in {rules.target_language}; give the instruction (or a "
            f"translation) in {rules.native_language}, the learner's language"
        )
    for what, text, expected in _language_parts(model, rules):
        guessed = guess_language(text)
        if guessed is not None and guessed != expected:
            findings.append(f"{what} is in {guessed}, expected {expected}: {text.strip()!r}")
    return findings


def _target_sentences(model: BaseModel) -> list[str]:
    if isinstance(model, Translate):
        return [model.answers[0] if model.direction == "to_target" else model.text]
    if isinstance(model, FillBlank):
        return [model.sentence]
    if isinstance(model, WordOrder):
        return [model.answers[0]]
    if isinstance(model, MultipleChoice):
        return list(model.options)
    return []


def length_findings(model: BaseModel, rules: Rules) -> list[str]:
    """Target-language sentences longer than the level allows."""
    limit = MAX_WORDS.get(rules.level)
    if limit is None:
        return []
    return [
        f"{sentence!r} has {len(words(sentence))} words; keep {rules.level} sentences to "
        f"{limit} words or fewer"
        for sentence in _target_sentences(model)
        if len(words(sentence)) > limit
    ]


def ambiguity_findings(model: BaseModel) -> list[str]:
    """Multiple-choice options that are also accepted answers make two options right."""
    if not isinstance(model, MultipleChoice):
        return []
    right = [o for o in model.options if normalize(o) in {normalize(a) for a in model.answers}]
    if len(right) > 1:
        return [f"only one option may be right, but {right} are all accepted answers"]
    return []


def duplicate_findings(model: BaseModel, rules: Rules) -> list[str]:
    """Whether the draft repeats an existing exercise."""
    for key in sorted(fingerprints(model)):
        if key in rules.existing:
            return [
                f"it duplicates the existing exercise {rules.existing[key]!r} "
                f"({key.split(':', 1)[0]}); write a different one"
            ]
    return []


def validate_draft(data: Any, rules: Rules, slug: str) -> Verdict:
    """Every check a draft must pass before a reviewer sees it."""
    verdict = parse_draft(data, rules, slug)
    if verdict.exercise is None:
        return verdict
    model = verdict.exercise
    findings = [
        *language_findings(model, rules),
        *length_findings(model, rules),
        *ambiguity_findings(model),
        *duplicate_findings(model, rules),
    ]
    return Verdict(model, findings)
