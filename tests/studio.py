"""Blocking-call detection as `langgraph dev` (Studio) applies it, for tests of the graphs.

LangGraph's dev server fails a run that makes a blocking call on the event loop; these are its
settings (langgraph_runtime_inmem's `_enable_blockbuster`), minus the parts about its own code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from blockbuster import BlockBuster

# What the dev server lets through anyway.
ALLOWED = [
    "os.stat",
    "os.listdir",
    "os.remove",
    "io.BufferedReader.read",
    "io.BufferedWriter.write",
    "io.TextIOWrapper.read",
    "io.TextIOWrapper.write",
    "threading.Lock.acquire",
]


@contextlib.contextmanager
def studio_blocking_checks() -> Iterator[None]:
    """Raise BlockingError on a blocking call in the event loop, as Studio's server does."""
    buster = BlockBuster(excluded_modules=[])
    buster.functions["os.path.abspath"].can_block_in("inspect.py", "getmodule")
    for name in ALLOWED + [f for f in buster.functions if f.startswith("os.path.")]:
        function = buster.functions.pop(name, None)
        if function:
            function.deactivate()
    buster.activate()
    try:
        yield
    finally:
        buster.deactivate()
