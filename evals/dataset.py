"""Recorded-conversation datasets: the YAML format described in evals/README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from channels.base import Media
from tools.resources import packaged

DATASETS_DIR = packaged("evals", "datasets")
THRESHOLDS_FILE = packaged("evals", "thresholds.yaml")


class Expect(BaseModel):
    """What a scored turn should produce."""

    model_config = ConfigDict(extra="forbid")

    intent: str | None = None
    nodes: list[str] | None = None
    nodes_match: Literal["subsequence", "exact"] = "subsequence"
    grade: Literal["correct", "accent", "typo", "wrong", "skipped"] | None = None
    contains: list[str] = Field(default_factory=list)
    not_contains: list[str] = Field(default_factory=list)
    language: Literal["en", "es"] | None = None
    rubric: str | None = None


class Turn(BaseModel):
    """One learner message and what it should produce."""

    model_config = ConfigDict(extra="forbid")

    user: str = ""
    media: list[Media] = Field(default_factory=list, description="Attachments (voice notes...).")
    expect: Expect = Field(default_factory=Expect)
    observed_reply: str | None = Field(
        default=None, description="What the tutor said when recorded (exports); not checked."
    )


class Profile(BaseModel):
    """The learner before the conversation starts."""

    model_config = ConfigDict(extra="forbid")

    onboarded: bool = True
    target_language: str = "es"
    native_language: str = "en"
    level: str = "A1"
    timezone: str = "UTC"
    setup: list[str] = Field(default_factory=list)


class Conversation(BaseModel):
    """A recorded conversation: a learner profile, then scored turns."""

    model_config = ConfigDict(extra="forbid")

    id: str
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    profile: Profile = Field(default_factory=Profile)
    turns: list[Turn] = Field(min_length=1)


class Dataset(BaseModel):
    """A named set of conversations with optional metric thresholds."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    thresholds: dict[str, float] = Field(default_factory=dict)
    conversations: list[Conversation]


def load_dataset(path: Path) -> Dataset:
    """Read and validate one dataset file (a ValueError names the problem and the file)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        dataset = Dataset.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    dataset.name = dataset.name or path.stem
    return dataset


def default_paths() -> list[Path]:
    """The shipped conversation datasets (retrieval and grading sets have their own evals)."""
    return sorted(
        p for p in DATASETS_DIR.glob("*.yaml") if not p.name.startswith(("rag_", "grading_"))
    )


def load_datasets(paths: list[Path]) -> list[Dataset]:
    """Load datasets, refusing duplicate conversation ids."""
    datasets = [load_dataset(p) for p in paths]
    seen: set[str] = set()
    for dataset in datasets:
        for conversation in dataset.conversations:
            if conversation.id in seen:
                raise ValueError(f"conversation id {conversation.id!r} appears twice")
            seen.add(conversation.id)
    return datasets


def thresholds_for(datasets: list[Dataset]) -> dict[str, float]:
    """Gated metrics: the shipped defaults, then each dataset's own (the strictest wins)."""
    merged: dict[str, float] = {}
    if THRESHOLDS_FILE.exists():
        merged.update(yaml.safe_load(THRESHOLDS_FILE.read_text(encoding="utf-8")) or {})
    for dataset in datasets:
        for metric, value in dataset.thresholds.items():
            merged[metric] = max(value, merged.get(metric, 0.0))
    return merged
