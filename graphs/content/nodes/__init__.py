"""The content graph's nodes: plan the batch, draft each slot, store, review, publish."""

from graphs.content.nodes.draft import draft
from graphs.content.nodes.plan import fan_out, load_spec
from graphs.content.nodes.review import after_review, after_store, publish, review
from graphs.content.nodes.store import dedupe, store

__all__ = [
    "after_review",
    "after_store",
    "dedupe",
    "draft",
    "fan_out",
    "load_spec",
    "publish",
    "review",
    "store",
]
