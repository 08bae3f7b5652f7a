"""Recorded provider payloads and text checks shared by the channel tests."""

from __future__ import annotations

import json
import socket
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "channels"


def load(provider: str, name: str) -> dict:
    """A recorded webhook payload from tests/fixtures/channels/<provider>/<name>.json."""
    return json.loads((FIXTURES / provider / f"{name}.json").read_text())


def words(*texts: str) -> list[str]:
    """The words of texts in order, to check chunking lost or reordered nothing."""
    return [w for t in texts for w in t.split()]


def long_text(paragraphs: int, words_each: int = 60) -> str:
    """Distinct numbered words in paragraphs, so any loss or reordering shows."""
    return "\n\n".join(" ".join(f"p{p}w{w}" for w in range(words_each)) for p in range(paragraphs))


def closed_port_url() -> str:
    """An http://127.0.0.1 URL where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
