"""Exercise schemas shared by the course data, the tutor and content generation."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

SCHEMA_VERSION = 1
BLANK = "___"
_BLANK_RUN = re.compile(r"_{3,}")


class _Exercise(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable slug, unique in a course.")
    prompt: str = Field(min_length=1, description="The instruction shown to the learner.")
    answers: list[str] = Field(min_length=1, description="Accepted answers, the first is shown.")
    explanation: str = Field(min_length=1, description="Why the answer is right, for feedback.")

    @field_validator("answers")
    @classmethod
    def _answers_not_blank(cls, answers: list[str]) -> list[str]:
        cleaned = [a.strip() for a in answers]
        if any(not a for a in cleaned):
            raise ValueError("accepted answers must not be empty")
        return cleaned

    def content(self) -> dict:
        """Type-specific fields, stored as the exercise's JSON content."""
        common = {"id", "type", "prompt", "answers", "explanation"}
        return self.model_dump(exclude=common)


class MultipleChoice(_Exercise):
    """Pick one of several options; the learner may answer with its number, letter or text."""

    type: Literal["multiple_choice"] = "multiple_choice"
    options: list[str] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> MultipleChoice:
        if self.answers[0] not in self.options:
            raise ValueError(f"answer {self.answers[0]!r} is not among the options")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options must be distinct")
        return self


class Translate(_Exercise):
    """Translate a sentence between the learner's language and the target language."""

    type: Literal["translate"] = "translate"
    text: str = Field(min_length=1, description="The sentence to translate.")
    direction: Literal["to_target", "to_native"] = "to_target"


class FillBlank(_Exercise):
    """Complete a sentence with one missing word or phrase, marked ___."""

    type: Literal["fill_blank"] = "fill_blank"
    sentence: str
    translation: str | None = None
    hint: str | None = None

    @field_validator("sentence")
    @classmethod
    def _one_blank(cls, sentence: str) -> str:
        blanks = _BLANK_RUN.findall(sentence)
        if len(blanks) != 1:
            raise ValueError(
                f"the sentence must contain exactly one blank ___ (found {len(blanks)})"
            )
        return _BLANK_RUN.sub(BLANK, sentence)

    def filled(self, answer: str) -> str:
        """The sentence with the blank replaced by an answer."""
        return self.sentence.replace(BLANK, answer)


class WordOrder(_Exercise):
    """Put shuffled words back in order to make the sentence."""

    type: Literal["word_order"] = "word_order"
    tokens: list[str] = Field(min_length=2)
    translation: str | None = None

    @model_validator(mode="after")
    def _tokens_rebuild_answer(self) -> WordOrder:
        from tools.text import words

        if sorted(words(" ".join(self.tokens))) != sorted(words(self.answers[0])):
            raise ValueError("the tokens do not rebuild the first answer")
        return self


Exercise = Annotated[
    MultipleChoice | Translate | FillBlank | WordOrder, Field(discriminator="type")
]
exercise_adapter: TypeAdapter[MultipleChoice | Translate | FillBlank | WordOrder] = TypeAdapter(
    Exercise
)


def parse_exercise(data: dict) -> MultipleChoice | Translate | FillBlank | WordOrder:
    """Validate one exercise given as a dict (from YAML, the database or a generator)."""
    return exercise_adapter.validate_python(data)
