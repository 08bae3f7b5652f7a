"""Two API processes on one PostgreSQL database never run the same thread at once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import psycopg
import pytest

from api.runner import Runner
from api.thread_locks import KEY_PREFIX, ThreadLocks
from tests.integration.test_runner import message, slow_echo, wait_until
from tools.db.url import libpq_conninfo
from tools.learners import thread_id_for


@asynccontextmanager
async def lock_waiters(postgres_url: str) -> AsyncIterator[Callable[[str], Awaitable[int]]]:
    """A probe: how many sessions PostgreSQL shows waiting for a thread's advisory lock."""
    async with await psycopg.AsyncConnection.connect(
        libpq_conninfo(postgres_url), autocommit=True
    ) as conn:

        async def count(thread_id: str) -> int:
            # A bigint advisory key shows in pg_locks as classid (high 32 bits), objid (low).
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_locks, hashtextextended(%s, 0) AS key"
                " WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND classid::bigint = (key >> 32) & 4294967295"
                " AND objid::bigint = key & 4294967295",
                (KEY_PREFIX + thread_id,),
            )
            return (await cursor.fetchone())[0]

        yield count


async def poll(condition: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    """Poll an async condition until it holds (TimeoutError after `seconds`)."""
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_a_second_process_waits_for_the_first_to_finish_the_thread(postgres_url):
    release, seen, active = asyncio.Event(), [], []
    sender = f"+1555{uuid.uuid4().int % 10**7:07d}"
    thread_id = thread_id_for("test", sender)
    async with (
        ThreadLocks(postgres_url) as locks_a,
        ThreadLocks(postgres_url) as locks_b,
        lock_waiters(postgres_url) as waiters,
    ):
        # Each runner has its own in-process lanes, as two API servers would.
        first, second = (
            Runner(
                slow_echo(release, seen, active),
                postgres_url,
                context_factory=lambda: None,
                thread_locks=locks,
            )
            for locks in (locks_a, locks_b)
        )
        one = asyncio.create_task(first.handle(message("m0", sender=sender)))
        await wait_until(lambda: seen)
        two = asyncio.create_task(second.handle(message("m1", sender=sender)))

        async def second_blocked_or_through() -> bool:
            return two.done() or seen != ["m0"] or await waiters(thread_id) == 1

        # Until the second is queued on the lock in PostgreSQL, it could still be on its way.
        await poll(second_blocked_or_through)
        assert seen == ["m0"] and not two.done(), "the second process ran while the first held it"
        assert await waiters(thread_id) == 1
        release.set()
        results = await asyncio.gather(one, two)
    assert seen == ["m0", "m1"]
    assert [r.replies[0].text for r in results] == ["got: m0", "got: m1"]


async def test_other_threads_are_not_held_up(postgres_url):
    async with (
        ThreadLocks(postgres_url) as locks_a,
        ThreadLocks(postgres_url) as locks_b,
        ThreadLocks(postgres_url) as locks_c,
        lock_waiters(postgres_url) as waiters,
    ):
        taken = asyncio.Event()

        async def take_a() -> None:
            async with locks_b.hold("thread-a"):
                taken.set()

        async with locks_a.hold("thread-a"):
            async with asyncio.timeout(10), locks_b.hold("thread-b"):
                pass
            waiting = asyncio.create_task(take_a())

            async def blocked_or_taken() -> bool:
                return taken.is_set() or await waiters("thread-a") == 1

            await poll(blocked_or_taken)
            assert not taken.is_set(), "took a lock another process holds"
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
        # Released by the first process, and not left to the second's abandoned wait.
        async with asyncio.timeout(10), locks_c.hold("thread-a"):
            pass
