"""Context fields whose defaults come from the settings, so Studio and tests can override them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field, fields
from typing import Any, TypeVar

from tools.settings import Settings, get_settings

C = TypeVar("C")
SETTING = "setting"  # field metadata key: how to read the field's value from a Settings


def from_settings(read: str | Callable[[Settings], Any], description: str) -> Any:
    """A dataclass field defaulting to a setting (by name, or computed from the settings)."""
    getter = read if callable(read) else (lambda settings: getattr(settings, read))
    return field(
        default_factory=lambda: getter(get_settings()),
        metadata={"description": description, SETTING: getter},
    )


def context_from(cls: type[C], settings: Settings, **overrides: Any) -> C:
    """A context whose settings-backed fields read `settings` (not the process's); `overrides` win.

    This is how the service passes its own Settings object to a run instead of rebuilding
    every field by hand.
    """
    values = {
        f.name: f.metadata[SETTING](settings)
        for f in fields(cls)
        if SETTING in f.metadata and f.name not in overrides
    }
    return cls(**values, **overrides)
