"""Wall time of a content batch against the ideal, at several concurrencies (fake model).

A scripted writer answers every structured-output call after `--latency` seconds (an async
sleep, like a remote model); 20% of first drafts are in the wrong language and are retried
with the validator's findings. Each batch runs the real content graph through the service the
API and CLI use, on a fresh SQLite database with its checkpointer, up to the review interrupt.
The ideal is what perfect overlap would take: model calls × latency / concurrency.

    .venv/bin/python bench/content.py [--n 200] [--latency 1.0] [--concurrency 1 5 20]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.content import open_content  # noqa: E402
from api.migrate import setup_in_subprocess  # noqa: E402
from tests.fake_generator import DraftPlan, FakeWriter  # noqa: E402
from tools.content.specs import SpecIn, create_spec  # noqa: E402
from tools.db import dispose_engines, session_scope  # noqa: E402
from tools.settings import Settings  # noqa: E402

TYPES = ("multiple_choice", "fill_blank", "translate", "word_order")


def batch_counts(n: int) -> dict[str, int]:
    """n exercises spread over the four types."""
    return {kind: n // 4 + (i < n % 4) for i, kind in enumerate(TYPES) if n // 4 + (i < n % 4)}


async def run_batch(url: str, n: int, latency: float, concurrency: int) -> dict:
    plan = DraftPlan(plan={slot: ["wrong_language", "valid"] for slot in range(0, n, 5)})
    settings = Settings(database_url=url, lingograph_model=None, content_max_attempts=3)
    spec = SpecIn(
        language="es", level="A1", topic="Food", lesson="food-gustar", exercises=batch_counts(n)
    )
    async with session_scope(url) as session:
        spec_id = (await create_spec(session, spec)).id
    async with open_content(settings, chat_model=FakeWriter(script=plan, latency=latency)) as runs:
        view = await runs.start(spec_id, concurrency)
        began = time.perf_counter()
        final = await runs.run(view["id"], {"spec_id": spec_id})
        wall = time.perf_counter() - began
    await dispose_engines()
    return {"wall": wall, "calls": len(plan.calls), **final["counts"], "status": final["status"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="exercises per batch (up to 400)")
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model call")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 5, 20])
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lingograph-bench-content-"))
    template = tmp / "template.db"
    setup_in_subprocess(f"sqlite:///{template}")
    print(
        f"batch of {args.n} exercises, model latency {args.latency:.2f} s, 20% invalid first "
        "drafts, SQLite app data and checkpoints\n"
    )
    header = (
        f"{'concurrency':>11} {'wall s':>8} {'ideal s':>8} {'wall/ideal':>10} "
        f"{'n×lat/c s':>9} {'calls':>6} {'retried':>7} {'rejected':>8} {'valid rate':>10}"
    )
    print(header)
    try:
        for concurrency in args.concurrency:
            database = tmp / f"c{concurrency}.db"
            shutil.copy(template, database)
            result = asyncio.run(
                run_batch(f"sqlite:///{database}", args.n, args.latency, concurrency)
            )
            ideal = result["calls"] * args.latency / concurrency
            print(
                f"{concurrency:>11} {result['wall']:>8.1f} {ideal:>8.1f} "
                f"{result['wall'] / ideal:>10.2f} {args.n * args.latency / concurrency:>9.1f} "
                f"{result['calls']:>6} {result['retried']:>7} {result['rejected']:>8} "
                f"{result['stored'] / args.n:>10.1%}",
                flush=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
