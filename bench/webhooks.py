"""Twilio webhooks end to end on PostgreSQL: throughput, arrival-to-send latency, dedupe.

N learners each send M messages through POST /channels/twilio/whatsapp, signed with the
twilio SDK, waiting for each reply like a person would; 30% of deliveries are repeated at
once (Twilio retries). Replies go to a fake Twilio API on 127.0.0.1; the chat model answers
instantly. The floor is the same tutor graph's bare `ainvoke` on InMemorySaver.

    .venv/bin/python bench/webhooks.py [--learners 20] [--messages 15] [--duplicates 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.migrate import setup_in_subprocess  # noqa: E402
from graphs.tutor.context import Context  # noqa: E402
from graphs.tutor.graph import builder  # noqa: E402
from tests.fake_provider import FakeProvider  # noqa: E402
from tests.fakes import ScriptedChatModel  # noqa: E402
from tests.integration.channel_support import (  # noqa: E402
    ChannelApp,
    channel_settings,
    twilio_form,
    twilio_signature,
)
from tools.db import dispose_engines, session_scope  # noqa: E402
from tools.db.models import InboxMessage, OutboxMessage  # noqa: E402
from tools.learners import resolve_identity  # noqa: E402

SCRIPT = [
    "hi",
    "es",
    "en",
    "scratch",
    "lesson",
    "2",
    "me llamo ana",
    "soy",
    "let's talk",
    "me gusta el café",
    "progress",
    "review",
    "1",
    "help",
    "lesson",
]
PATH = "/channels/twilio/whatsapp"


def instant_model() -> ScriptedChatModel:
    return ScriptedChatModel(respond=lambda messages: "¡Muy bien! ¿Y tú?")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_webhooks(
    url: str, learners: int, messages: int, dup_rate: float, queue: str = "procrastinate"
):
    latencies: list[float] = []
    deliveries = 0
    rng = random.Random(7)
    with FakeProvider() as fake:
        settings = channel_settings(
            url, fake.base_url, checkpoint_prune_every=10, worker_concurrency=8, job_queue=queue
        )
        async with ChannelApp(settings, chat_model=instant_model()) as app:

            async def post(params: dict) -> None:
                nonlocal deliveries
                deliveries += 1
                response = await app.client.post(
                    PATH,
                    content=urlencode(params),
                    headers={
                        "content-type": "application/x-www-form-urlencoded",
                        "x-twilio-signature": twilio_signature(PATH, params),
                    },
                )
                response.raise_for_status()

            loop = asyncio.get_running_loop()
            arrivals: dict[str, asyncio.Queue] = {}

            def on_send(request) -> None:
                if request.form and request.status < 300 and request.form.get("To") in arrivals:
                    loop.call_soon_threadsafe(arrivals[request.form["To"]].put_nowait, request)

            fake.listeners.append(on_send)

            async def turn_done(phone: str) -> bool:
                async with session_scope(url) as session:
                    waiting = await session.scalar(
                        select(func.count())
                        .select_from(OutboxMessage)
                        .where(
                            OutboxMessage.recipient == phone,
                            OutboxMessage.status.in_(("pending", "sending")),
                        )
                    )
                    unanswered = await session.scalar(
                        select(func.count())
                        .select_from(InboxMessage)
                        .where(
                            InboxMessage.payload["sender"].as_string() == phone,
                            InboxMessage.status.in_(("received", "processing")),
                        )
                    )
                return not waiting and not unanswered

            async def learner(n: int) -> None:
                phone = f"+3460{n:07d}{rng.randint(0, 99):02d}"
                replies = arrivals[f"whatsapp:{phone}"] = asyncio.Queue()
                for i in range(messages):
                    params = twilio_form("SM" + uuid.uuid4().hex, phone, SCRIPT[i % len(SCRIPT)])
                    start = time.monotonic()
                    posts = [post(params)]
                    if rng.random() < dup_rate:
                        posts.append(post(params))
                    await asyncio.gather(*posts)
                    first = await replies.get()
                    latencies.append((first.at - start) * 1000)
                    while not await turn_done(phone):  # noqa: ASYNC110 (rows written elsewhere)
                        await asyncio.sleep(0.05)
                    while not replies.empty():
                        replies.get_nowait()

            begin = time.monotonic()
            await asyncio.gather(*(learner(n) for n in range(learners)))
            wall = time.monotonic() - begin
            async with session_scope(url) as session:
                stored = await session.scalar(select(func.count()).select_from(InboxMessage))
            sends = len(fake.sent("Messages.json"))
    await dispose_engines()
    return latencies, wall, deliveries, stored, sends


async def run_floor(url: str, learners: int, messages: int) -> tuple[list[float], float]:
    graph = builder.compile(checkpointer=InMemorySaver())
    context = Context(database_url=url, tutor_model=None, chat_model=instant_model())
    latencies: list[float] = []

    async def learner(n: int) -> None:
        async with session_scope(url) as session:
            identity = await resolve_identity(session, "floor", f"floor-{n}-{uuid.uuid4().hex}")
        config = {"configurable": {"thread_id": identity.thread_id}}
        for i in range(messages):
            start = time.monotonic()
            await graph.ainvoke(
                {"text": SCRIPT[i % len(SCRIPT)], "learner_id": identity.learner_id},
                config,
                context=context,
            )
            latencies.append((time.monotonic() - start) * 1000)

    begin = time.monotonic()
    await asyncio.gather(*(learner(n) for n in range(learners)))
    wall = time.monotonic() - begin
    await dispose_engines()
    return latencies, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--messages", type=int, default=15)
    parser.add_argument("--duplicates", type=float, default=0.3)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "TEST_POSTGRES_URL", "postgresql://lingograph@127.0.0.1:5432/lingograph_test"
        ),
    )
    args = parser.parse_args()
    admin = make_url(args.postgres)
    name = f"lingograph_bench_{uuid.uuid4().hex[:8]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        setup_in_subprocess(url)
        total = args.learners * args.messages
        print(
            f"{args.learners} learners x {args.messages} messages, "
            f"{args.duplicates:.0%} duplicate deliveries, PostgreSQL, instant model\n"
        )
        floor, floor_wall = asyncio.run(run_floor(url, args.learners, args.messages))
        lat, wall, deliveries, stored, sends = asyncio.run(
            run_webhooks(url, args.learners, args.messages, args.duplicates)
        )
        print(f"{'run':<44} {'msgs':>6} {'p50 ms':>8} {'p99 ms':>8} {'msg/s':>8}")
        print(
            f"{'floor: graph.ainvoke, InMemorySaver':<44} {total:>6} "
            f"{statistics.median(floor):>8.1f} {pct(floor, 0.99):>8.1f} "
            f"{total / floor_wall:>8.1f}"
        )
        print(
            f"{'webhook arrival -> Twilio send (Postgres)':<44} {total:>6} "
            f"{statistics.median(lat):>8.1f} {pct(lat, 0.99):>8.1f} {total / wall:>8.1f}"
        )
        print(
            f"\ndeliveries {deliveries}, stored {stored}, duplicates suppressed "
            f"{deliveries - stored}, sends {sends}"
        )
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
