"""Context fields whose defaults come from the settings, so Studio and tests can override them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

from api.settings import Settings, get_settings


def from_settings(read: str | Callable[[Settings], Any], description: str) -> Any:
    """A dataclass field defaulting to a setting (by name, or computed from the settings)."""
    getter = read if callable(read) else (lambda settings: getattr(settings, read))
    return field(
        default_factory=lambda: getter(get_settings()), metadata={"description": description}
    )
