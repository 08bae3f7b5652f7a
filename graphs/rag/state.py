"""What the retrieval graph takes, keeps and returns."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from langchain_core.messages import AnyMessage


class RagInput(TypedDict):
    """A question and where to look for its answer."""

    question: str
    tenant: NotRequired[str]
    knowledge_bases: NotRequired[list[str]]
    level: NotRequired[str | None]
    answer_language: NotRequired[str]
    target_language: NotRequired[str]
    history: NotRequired[list[AnyMessage]]


class RagOutput(TypedDict):
    """The answer, the passages it rests on and how they are cited."""

    answer: str
    citations: list[dict]
    passages: list[dict]
    generated: bool
    found: bool


class RagState(RagInput, RagOutput, total=False):
    """Everything the nodes read and write."""

    query: str
