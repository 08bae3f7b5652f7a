"""Context fields whose defaults come from the settings, so Studio and tests can override them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field, fields
from typing import Any, TypeVar

from tools.settings import Settings, get_settings

C = TypeVar("C")
SETTING = "setting"  # field metadata key: how to read the field's value from a Settings
NESTED = "context"  # field metadata key: the field is itself a context built from the settings


def from_settings(read: str | Callable[[Settings], Any], description: str) -> Any:
    """A dataclass field defaulting to a setting (by name, or computed from the settings)."""
    getter = read if callable(read) else (lambda settings: getattr(settings, read))
    return field(
        default_factory=lambda: getter(get_settings()),
        metadata={"description": description, SETTING: getter},
    )


def nested(cls: type, description: str) -> Any:
    """A dataclass field holding another context (e.g. the retrieval graph's in the tutor's)."""
    return field(default_factory=cls, metadata={"description": description, NESTED: cls})


def context_from(cls: type[C], settings: Settings, **overrides: Any) -> C:
    """A context whose settings-backed fields read `settings` (not the process's); `overrides` win.

    This is how the service passes its own Settings object to a run instead of rebuilding
    every field by hand.
    """
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name in overrides:
            continue
        if SETTING in f.metadata:
            values[f.name] = f.metadata[SETTING](settings)
        elif NESTED in f.metadata:
            values[f.name] = context_from(f.metadata[NESTED], settings)
    return cls(**values, **overrides)
