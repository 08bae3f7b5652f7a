"""Cost of understanding one message: the router on every dev and test message, per stage.

Baseline in the same run: the embedding of the message alone (the floor the semantic stage
cannot go under), and the rules alone (what understanding cost before the semantic router).

    .venv/bin/python bench/router.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.routing import load_split, split_path  # noqa: E402
from graphs.tutor.intents import classify  # noqa: E402
from graphs.tutor.understanding import embed, tutor_understander  # noqa: E402


def percentiles(samples: list[float]) -> str:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):6.2f} ms   p99 {p99:6.2f} ms"


def timed(call, items) -> list[float]:
    """Milliseconds per call, one sample per item."""
    samples = []
    for item in items:
        started = time.perf_counter()
        call(item)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    """Print the router's cost per message against its baselines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    messages = load_split(split_path("dev")) + load_split(split_path("test"))
    started = time.perf_counter()
    understand = tutor_understander()
    embed(["warm up"])
    print(f"startup (examples, vectors, model): {(time.perf_counter() - started) * 1000:.0f} ms")
    items = messages * args.repeat

    rules = timed(lambda m: classify(m.text, exercise_pending=m.exercise is not None), items)
    embedding = timed(lambda m: embed([m.text]), items)
    router = timed(lambda m: understand(m.text, exercise=m.expected()), items)
    total = sum(router) / 1000
    print(f"{len(items)} messages ({len(messages)} distinct, {args.repeat} rounds)")
    print(f"rules alone (before)     {percentiles(rules)}")
    print(f"embedding alone (floor)  {percentiles(embedding)}")
    print(f"router                   {percentiles(router)}   {len(items) / total:.0f} msg/s")
    overhead = statistics.median(router) - statistics.median(embedding)
    print(f"router over the floor    {overhead:+.2f} ms at p50")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory              {peak_mb} MB")


if __name__ == "__main__":
    main()
