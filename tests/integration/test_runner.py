"""The runner: one run per thread, mid-run messages batched in order, interrupts resumed."""

from __future__ import annotations

import asyncio
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import interrupt

from api.runner import Runner
from channels.base import InboundMessage


class EchoState(TypedDict, total=False):
    text: str
    learner_id: int
    now: str
    replies: list[dict]


def slow_echo(release: asyncio.Event, seen: list[str], active: list[int]):
    async def echo(state: EchoState) -> dict:
        active.append(1)
        assert len(active) == 1, "two runs of one thread overlapped"
        seen.append(state["text"])
        await release.wait()
        active.pop()
        return {"replies": [{"text": f"got: {state['text']}"}]}

    builder = StateGraph(EchoState)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    return builder.compile(checkpointer=InMemorySaver())


async def wait_until(condition) -> None:
    """Poll until `condition()` holds (runs are started by other tasks)."""
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def message(text: str, sender: str = "+10000000001") -> InboundMessage:
    return InboundMessage(channel="test", sender=sender, text=text)


async def test_messages_during_a_run_are_batched_in_order(sqlite_url):
    release, seen, active = asyncio.Event(), [], []
    runner = Runner(slow_echo(release, seen, active), sqlite_url, context_factory=lambda: None)
    identified: list[str] = []
    identify = runner.identify

    async def identify_and_note(message: InboundMessage) -> tuple[int, str]:
        # Once identified, a message goes straight to its thread's lane lock.
        found = await identify(message)
        identified.append(message.text)
        return found

    runner.identify = identify_and_note
    first = asyncio.create_task(runner.handle(message("m0")))
    await wait_until(lambda: seen)
    rest = []
    for i in range(1, 21):
        rest.append(asyncio.create_task(runner.handle(message(f"m{i}"))))
        await asyncio.sleep(0)
    await wait_until(lambda: len(identified) == 21)
    assert seen == ["m0"], "a message arriving mid-run started a run of its own"
    release.set()
    results = await asyncio.gather(first, *rest)
    assert seen == ["m0", "\n".join(f"m{i}" for i in range(1, 21))]
    assert results[0].replies[0].text == "got: m0" and results[0].messages == 1
    assert all(r.messages == 20 and r.replies == results[1].replies for r in results[1:])


async def test_different_threads_run_side_by_side(sqlite_url):
    release = asyncio.Event()
    started: list[str] = []

    async def wait(state: EchoState) -> dict:
        started.append(state["text"])
        await release.wait()
        return {"replies": [{"text": state["text"]}]}

    builder = StateGraph(EchoState)
    builder.add_node("wait", wait)
    builder.add_edge(START, "wait")
    runner = Runner(
        builder.compile(checkpointer=InMemorySaver()), sqlite_url, context_factory=lambda: None
    )
    tasks = [
        asyncio.create_task(runner.handle(message(f"t{i}", sender=f"+1000000000{i}")))
        for i in range(3)
    ]
    await wait_until(lambda: len(started) == 3)
    release.set()
    assert [r.replies[0].text for r in await asyncio.gather(*tasks)] == ["t0", "t1", "t2"]


async def test_an_interrupted_thread_is_resumed_with_the_next_message(sqlite_url):
    def ask(state: EchoState) -> dict:
        name = interrupt({"text": "What's your name?", "buttons": []})
        return {"replies": [{"text": f"Nice to meet you, {name}!"}]}

    builder = StateGraph(EchoState)
    builder.add_node("ask", ask)
    builder.add_edge(START, "ask")
    runner = Runner(
        builder.compile(checkpointer=InMemorySaver()), sqlite_url, context_factory=lambda: None
    )
    asked = await runner.handle(message("hello"))
    assert [r.text for r in asked.replies] == ["What's your name?"]
    answered = await runner.handle(message("Ana"))
    assert [r.text for r in answered.replies] == ["Nice to meet you, Ana!"]


async def test_a_failed_turn_reports_to_every_waiting_message(sqlite_url):
    def boom(state: EchoState) -> dict:
        raise RuntimeError("graph broke")

    builder = StateGraph(EchoState)
    builder.add_node("boom", boom)
    builder.add_edge(START, "boom")
    runner = Runner(
        builder.compile(checkpointer=InMemorySaver()), sqlite_url, context_factory=lambda: None
    )
    results = await asyncio.gather(
        runner.handle(message("a")), runner.handle(message("b")), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    assert runner._lanes == {}


async def test_a_thread_is_pruned_every_n_turns(tmp_path, sqlite_url):
    from api.checkpointer import open_checkpointer

    def echo(state: EchoState) -> dict:
        return {"replies": [{"text": state["text"]}]}

    builder = StateGraph(EchoState)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    async with open_checkpointer(f"sqlite:///{tmp_path}/checkpoints.db") as saver:
        runner = Runner(
            builder.compile(checkpointer=saver),
            sqlite_url,
            context_factory=lambda: None,
            prune_every=5,
        )

        async def stored() -> int:
            await runner.drain()
            config = {"configurable": {"thread_id": result.thread_id}}
            return len([c async for c in saver.alist(config)])

        for turn in range(1, 5):
            result = await runner.handle(message(f"turn {turn}"))
        assert await stored() == 4
        result = await runner.handle(message("turn 5"))
        assert await stored() == 1
        for turn in range(6, 9):
            result = await runner.handle(message(f"turn {turn}"))
        assert await stored() == 4
        assert [r.text for r in result.replies] == ["turn 8"]
