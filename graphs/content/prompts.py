"""Prompts of the content graph's writer."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from graphs.content.state import Brief, Slot
from tools.content.validator import MAX_WORDS
from tools.language import language_name

WRITER = """You write exercises for the course "{course}": speakers of {native} learning \
{target}, level {level}. Each call, you write exactly one exercise of the requested type and \
return it in the given schema.
Rules a reviewer will check:
- The prompt (the instruction the learner reads) is in {native}. Sentences the learner reads \
or writes in {target} are correct, natural {target}.
- Keep {target} sentences to at most {max_words} words and to vocabulary a {level} learner knows.
- multiple_choice: `options` are 3 or 4 distinct choices; `answers[0]` is exactly one of them \
and no other option is also right.
- fill_blank: `sentence` is in {target} with exactly one blank written ___; `answers` fill it.
- translate: `text` is the sentence to translate; `direction` is to_target ({native} → \
{target}) or to_native; `answers` lists accepted translations.
- word_order: `tokens` are exactly the words of `answers[0]`, shuffled.
- `explanation`: one or two sentences in {native} saying why the answer is right; quote \
{target} words in *asterisks*.
- Do not repeat an exercise the lesson already has."""

DRAFT = """Lesson: {lesson} (level {level})
{intro}
Topic: {topic}
Vocabulary focus: {vocabulary}
Notes from the content team: {notes}
Exercises the lesson already has (do not repeat them):
{existing}

Write slot {number} of this batch: exercise type {type}, number {nth} of {of} of that type.
{focus}"""

RETRY = """A reviewer found these problems with that draft:
{findings}
Write the {type} exercise again, fixing every problem, in the same schema."""


def draft_messages(brief: Brief, slot: Slot, schema: dict | None = None) -> list[BaseMessage]:
    """The first request for a slot's exercise (with the JSON Schema spelled out, if given)."""
    system = WRITER.format(
        course=brief["course_title"],
        native=language_name(brief["native_language"]),
        target=language_name(brief["target_language"]),
        level=brief["level"],
        max_words=MAX_WORDS.get(brief["level"], 40),
    )
    if schema is not None:
        system += "\n\nAnswer with one JSON object, nothing else, valid against this JSON " + (
            f"Schema:\n{json.dumps(schema, ensure_ascii=False)}"
        )
    focus = f"Build it around: {slot['focus']}" if slot.get("focus") else ""
    human = DRAFT.format(
        lesson=brief["lesson_title"],
        level=brief["level"],
        intro=brief["lesson_intro"],
        topic=brief["topic"],
        vocabulary=", ".join(brief["vocabulary_focus"]) or "any from the lesson",
        notes=brief["notes"] or "none",
        existing="\n".join(f"- {p}" for p in brief["existing_prompts"]) or "- none",
        number=slot["index"] + 1,
        type=slot["type"],
        nth=slot["nth"],
        of=slot["of"],
        focus=focus,
    )
    return [SystemMessage(system), HumanMessage(human.strip())]


def retry_messages(previous: str, findings: list[str], exercise_type: str) -> list[BaseMessage]:
    """The failed draft and the validator's findings, appended before the next attempt."""
    listed = "\n".join(f"- {finding}" for finding in findings)
    return [
        AIMessage(previous or "(no answer)"),
        HumanMessage(RETRY.format(findings=listed, type=exercise_type)),
    ]


def shown(payload: object) -> str:
    """A draft as the model wrote it, for the retry conversation."""
    return payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
