"""Per-turn latency of POST /v1/web/messages on SQLite and PostgreSQL (no model).

Each learner goes through onboarding, then answers lesson exercises; every request is timed
end to end through the ASGI app. The same tutor graph on InMemorySaver, invoked bare, is the
floor in the same run.

    .venv/bin/python bench/web_turns.py [--learners 20] [--turns 30] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.migrate import setup_in_subprocess  # noqa: E402
from graphs.tutor.context import Context  # noqa: E402
from graphs.tutor.graph import builder  # noqa: E402
from tools.db import dispose_engines, session_scope  # noqa: E402
from tools.learners import resolve_identity  # noqa: E402
from tools.settings import Settings  # noqa: E402

SCRIPT = ["hi", "es", "en", "scratch", "lesson"]


def turn_texts(turns: int) -> list[str]:
    answers = ["1", "soy", "me llamo ana", "2", "hola", "3"]
    return (SCRIPT + [answers[i % len(answers)] for i in range(turns)])[:turns]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_http(url: str, learners: int, turns: int) -> tuple[list[float], float]:
    app = create_app(Settings(database_url=url, lingograph_model=None))
    latencies: list[float] = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client,
    ):

        async def learner(n: int) -> None:
            user = f"bench-{uuid.uuid4().hex[:8]}-{n}"
            for text in turn_texts(turns):
                start = time.perf_counter()
                response = await client.post("/v1/web/messages", json={"user": user, "text": text})
                latencies.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()

        begin = time.perf_counter()
        await asyncio.gather(*(learner(n) for n in range(learners)))
        wall = time.perf_counter() - begin
    await dispose_engines()
    return latencies, wall


async def run_floor(url: str, learners: int, turns: int) -> tuple[list[float], float]:
    graph = builder.compile(checkpointer=InMemorySaver())
    context = Context(database_url=url, tutor_model=None)
    latencies: list[float] = []

    async def learner(n: int) -> None:
        async with session_scope(url) as session:
            identity = await resolve_identity(session, "floor", f"floor-{uuid.uuid4().hex}-{n}")
        config = {"configurable": {"thread_id": identity.thread_id}}
        for text in turn_texts(turns):
            start = time.perf_counter()
            await graph.ainvoke(
                {"text": text, "learner_id": identity.learner_id}, config, context=context
            )
            latencies.append((time.perf_counter() - start) * 1000)

    begin = time.perf_counter()
    await asyncio.gather(*(learner(n) for n in range(learners)))
    wall = time.perf_counter() - begin
    await dispose_engines()
    return latencies, wall


def report(name: str, latencies: list[float], wall: float) -> None:
    print(
        f"{name:<34} {len(latencies):>6} {statistics.median(latencies):>9.1f} "
        f"{pct(latencies, 0.99):>9.1f} {len(latencies) / wall:>9.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql://lingograph@127.0.0.1:5432/lingograph_test"
        ),
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lingograph-bench-")
    sqlite_url = f"sqlite:///{tmp}/bench.db"
    admin = make_url(args.postgres)
    pg_name = f"lingograph_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{pg_name}"')
    pg_url = admin.set(database=pg_name).render_as_string(hide_password=False)
    try:
        setup_in_subprocess(sqlite_url)
        setup_in_subprocess(pg_url)
        print(f"{args.learners} learners x {args.turns} turns, concurrent learners, no model\n")
        print(f"{'run':<34} {'turns':>6} {'p50 ms':>9} {'p99 ms':>9} {'turns/s':>9}")
        report(
            "floor: graph.ainvoke, InMemorySaver",
            *asyncio.run(run_floor(sqlite_url, args.learners, args.turns)),
        )
        report(
            "HTTP /v1/web/messages, SQLite",
            *asyncio.run(run_http(sqlite_url, args.learners, args.turns)),
        )
        report(
            "HTTP /v1/web/messages, Postgres",
            *asyncio.run(run_http(pg_url, args.learners, args.turns)),
        )
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"\npeak RSS of the benchmark process: {peak_kb / 1024:.0f} MB")
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
