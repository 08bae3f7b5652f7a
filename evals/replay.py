"""Replay recorded conversations into fresh threads of the real tutor graph and check them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.memory import InMemorySaver

from api.runner import Runner
from channels.base import InboundMessage
from evals.dataset import Conversation, Dataset, Expect
from evals.judge import Judge
from graphs.tutor.context import Context
from graphs.tutor.graph import builder
from tools.db import session_scope
from tools.db.models import Learner
from tools.db.types import utcnow
from tools.language import guess_language
from tools.learners import resolve_identity

CHANNEL = "eval"


@dataclass
class TurnOutcome:
    """What one scored turn did, and which of its expectations held."""

    user: str
    expect: Expect
    intent: str | None
    nodes: list[str]
    verdict: str | None
    reply: str
    latency_ms: float
    checks: dict[str, bool] = field(default_factory=dict)
    judge: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Every expectation of the turn held."""
        return all(self.checks.values())


@dataclass
class ConversationOutcome:
    """A replayed conversation."""

    id: str
    dataset: str
    tags: list[str]
    turns: list[TurnOutcome]
    error: str | None = None

    @property
    def passed(self) -> bool:
        """No error and every turn passed."""
        return self.error is None and all(t.passed for t in self.turns)

    @property
    def failures(self) -> int:
        """How many checks failed."""
        return sum(not ok for t in self.turns for ok in t.checks.values()) + bool(self.error)


def follows(expected: list[str], visited: list[str], exact: bool) -> bool:
    """Whether the visited nodes match the expected ones (in order; all of them if exact)."""
    if exact:
        return visited == expected
    remaining = iter(visited)
    return all(node in remaining for node in expected)


def check(
    expect: Expect, intent: str | None, nodes: list[str], verdict: str | None, reply: str
) -> dict[str, bool]:
    """The pass/fail of each expectation a turn carries."""
    checks: dict[str, bool] = {}
    if expect.intent is not None:
        checks["intent"] = intent == expect.intent
    if expect.nodes is not None:
        checks["trajectory"] = follows(expect.nodes, nodes, expect.nodes_match == "exact")
    if expect.grade is not None:
        checks["grade"] = verdict == expect.grade
    if expect.contains or expect.not_contains:
        lowered = reply.casefold()
        checks["contains"] = all(s.casefold() in lowered for s in expect.contains) and not any(
            s.casefold() in lowered for s in expect.not_contains
        )
    if expect.language is not None:
        checks["language"] = guess_language(reply) == expect.language
    return checks


async def _new_learner(database_url: str, conversation: Conversation) -> tuple[str, int]:
    sender = f"{conversation.id}-{uuid.uuid4().hex[:8]}"
    profile = conversation.profile
    async with session_scope(database_url) as session:
        identity = await resolve_identity(session, CHANNEL, sender, timezone=profile.timezone)
        await session.flush()
        if profile.onboarded:
            learner = await session.get(Learner, identity.learner_id)
            learner.target_language = profile.target_language
            learner.native_language = profile.native_language
            learner.level = profile.level
            learner.onboarded_at = utcnow()
    return sender, identity.learner_id


async def replay(
    runner: Runner,
    database_url: str,
    dataset: str,
    conversation: Conversation,
    judge: Judge | None = None,
) -> ConversationOutcome:
    """Replay one conversation into a fresh learner's thread."""
    sender, learner_id = await _new_learner(database_url, conversation)
    outcome = ConversationOutcome(conversation.id, dataset, conversation.tags, [])

    async def say(text: str, media: list | None = None):
        message = InboundMessage(channel=CHANNEL, sender=sender, text=text, media=media or [])
        _, thread_id = await runner.identify(message)
        return await runner.run_turn(thread_id, learner_id, [message])

    try:
        for text in conversation.profile.setup:
            await say(text)
        for turn in conversation.turns:
            result = await say(turn.user, turn.media)
            reply = "\n\n".join(r.text for r in result.replies)
            scored = TurnOutcome(
                turn.user,
                turn.expect,
                result.intent,
                result.nodes,
                result.verdict,
                reply,
                result.latency_ms,
            )
            scored.checks = check(turn.expect, result.intent, result.nodes, result.verdict, reply)
            if judge is not None and turn.expect.rubric:
                scored.judge = await judge.score(conversation, turn, reply)
            outcome.turns.append(scored)
    except Exception as exc:  # one broken conversation must not hide the others' results
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome


async def replay_all(
    datasets: list[Dataset],
    database_url: str,
    *,
    model: BaseChatModel | None = None,
    model_spec: str | None = None,
    judge: Judge | None = None,
) -> list[ConversationOutcome]:
    """Replay every conversation of the datasets, each in a fresh thread."""
    graph = builder.compile(checkpointer=InMemorySaver())

    def context() -> Context:
        return Context(
            database_url=database_url, tutor_model=model_spec, router_model=None, chat_model=model
        )

    runner = Runner(graph, database_url, context_factory=context)
    outcomes = []
    for dataset in datasets:
        for conversation in dataset.conversations:
            outcomes.append(await replay(runner, database_url, dataset.name, conversation, judge))
    return outcomes
