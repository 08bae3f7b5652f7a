"""Two API processes on one PostgreSQL database never run the same thread at once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from api.runner import Runner
from api.thread_locks import ThreadLocks
from tests.integration.test_runner import message, slow_echo, wait_until


async def test_a_second_process_waits_for_the_first_to_finish_the_thread(postgres_url):
    release, seen, active = asyncio.Event(), [], []
    sender = f"+1555{uuid.uuid4().int % 10**7:07d}"
    async with ThreadLocks(postgres_url) as locks_a, ThreadLocks(postgres_url) as locks_b:
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
        await asyncio.sleep(0.3)
        assert seen == ["m0"], "the second process started while the first was running"
        release.set()
        results = await asyncio.gather(one, two)
    assert seen == ["m0", "m1"]
    assert [r.replies[0].text for r in results] == ["got: m0", "got: m1"]


async def test_other_threads_are_not_held_up(postgres_url):
    async with (
        ThreadLocks(postgres_url) as locks_a,
        ThreadLocks(postgres_url) as locks_b,
        ThreadLocks(postgres_url) as locks_c,
    ):
        async with locks_a.hold("thread-a"):
            async with asyncio.timeout(10), locks_b.hold("thread-b"):
                pass
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3), locks_b.hold("thread-a"):
                    raise AssertionError("took a lock another process holds")
        # Released by the first process, and not left to the second's abandoned wait.
        async with asyncio.timeout(10), locks_c.hold("thread-a"):
            pass
