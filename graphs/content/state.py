"""What a content run's thread holds: the spec's brief, one result per exercise slot, review."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict


def merge_results(current: list[dict] | None, new: list[dict] | None) -> list[dict]:
    """Collect slot results as tasks finish; `None` starts an empty batch."""
    if new is None:
        return []
    return [*(current or []), *new]


class InputState(TypedDict):
    """What starts a run: the curriculum spec to generate for."""

    spec_id: int


class Brief(TypedDict):
    """What the writer needs to know about the spec, its course and lesson."""

    run_id: str
    spec_id: int
    course_id: int
    course_title: str
    lesson_id: int
    lesson_title: str
    lesson_intro: str
    level: str
    target_language: str
    native_language: str
    topic: str
    vocabulary_focus: list[str]
    notes: str
    existing_prompts: list[str]


class Slot(TypedDict):
    """One exercise to write: its place in the batch and its type."""

    index: int
    type: str
    nth: int  # 1-based among the spec's exercises of this type
    of: int
    focus: NotRequired[str]  # a vocabulary item to build the exercise around


class SlotResult(TypedDict):
    """How a slot ended: a valid exercise, or rejected with the last findings."""

    slot: int
    type: str
    status: str  # valid | rejected
    attempts: int
    exercise: dict | None
    findings: list[str]  # problems of the last failed attempt (of the last attempt if rejected)
    usage: dict[str, Any]


class DraftTask(TypedDict):
    """The payload of one `draft` task, sent per slot."""

    brief: Brief
    slot: Slot


class State(InputState, total=False):
    """A content run's thread."""

    brief: Brief
    slots: list[Slot]
    results: Annotated[list[SlotResult], merge_results]
    kept: list[int]  # slots whose exercise is unique, in slot order
    duplicates: list[dict]  # {"slot": 4, "of": "<slug or slot>"}
    draft_ids: list[int]
    review_errors: list[str]
    review_left: int
    published: int
