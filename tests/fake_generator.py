"""A scripted exercise writer for the content graph: valid drafts, and each kind of bad one.

It reads the slot and attempt from the graph's prompt and answers from a plan, e.g.
`{0: ["valid"], 1: ["broken_json", "valid"], 2: ["wrong_language"]}` (the last kind repeats).
Kinds: valid, broken_json, missing_field, wrong_answer, wrong_language, existing_duplicate,
copy:<slot> (slot <slot>'s valid exercise again). It works in-process (`FakeWriter`, via
`with_structured_output`) and behind tests/fake_openai.py (`openai_responder`).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from tests.conversation import course_exercises

SLOT = re.compile(r"Write slot (\d+) of this batch: exercise type (\w+)")
RETRY = "A reviewer found these problems"
USAGE = {"input_tokens": 120, "output_tokens": 60, "total_tokens": 180}

PRONOUNS = [
    ("Me", "I like", "I don't like"),
    ("Te", "You like", "You don't like"),
    ("Le", "She likes", "She doesn't like"),
    ("Nos", "We like", "We don't like"),
    ("Les", "They like", "They don't like"),
]
FOODS = [
    ("el pan", "bread"),
    ("el queso", "cheese"),
    ("la fruta", "fruit"),
    ("el café", "coffee"),
    ("la carne", "meat"),
    ("el agua", "water"),
    ("la leche", "milk"),
    ("el arroz", "rice"),
    ("la sopa", "soup"),
    ("el pescado", "fish"),
    ("el pollo", "chicken"),
    ("la ensalada", "salad"),
    ("el té", "tea"),
    ("el chocolate", "chocolate"),
    ("la pizza", "pizza"),
    ("el jamón", "ham"),
    ("la tortilla", "omelette"),
    ("el helado", "ice cream"),
    ("la paella", "paella"),
    ("el zumo", "juice"),
]


def sentence_pair(variant: int) -> tuple[str, str]:
    """A distinct (Spanish, English) A1 sentence for each variant below 400."""
    pronoun, likes, dislikes = PRONOUNS[variant % 5]
    food, meaning = FOODS[(variant // 5) % 20]
    negative, today = (variant // 100) % 2, (variant // 200) % 2
    spanish = f"No {pronoun.lower()} gusta {food}" if negative else f"{pronoun} gusta {food}"
    english = f"{dislikes if negative else likes} {meaning}"
    # Always a place or time, so no variant repeats an exercise of the starter course.
    spanish += " hoy" if today else " en casa"
    english += " today" if today else " at home"
    return spanish + ".", english + "."


def valid_draft(kind: str, variant: int) -> dict:
    """A correct exercise of a type, different for every variant."""
    spanish, english = sentence_pair(variant)
    blanked = spanish.replace(" gusta ", " ___ ", 1)
    why = "One thing is liked, so the verb is *gusta*."
    if kind == "multiple_choice":
        return {
            "type": kind,
            "prompt": f"Choose the right word: {blanked} ({english})",
            "options": ["gusta", "gustan", "gusto", "gustas"],
            "answers": ["gusta"],
            "explanation": why,
        }
    if kind == "fill_blank":
        return {
            "type": kind,
            "prompt": f"Fill in the blank: {blanked} ({english})",
            "sentence": blanked,
            "translation": english,
            "answers": ["gusta"],
            "explanation": why,
        }
    if kind == "translate":
        return {
            "type": kind,
            "prompt": f"Translate into Spanish: {english}",
            "text": english,
            "direction": "to_target",
            "answers": [spanish],
            "explanation": f"*{spanish}* says it: the thing liked is the subject.",
        }
    return {
        "type": kind,
        "prompt": f"Put the words in order: {english}",
        "tokens": list(reversed(spanish.rstrip(".").split())),
        "translation": english,
        "answers": [spanish],
        "explanation": f"The order is *{spanish}*: the pronoun comes before *gusta*.",
    }


def wrong_answer(kind: str, variant: int) -> dict:
    """A draft a schema accepts in shape but a reviewer rejects (answer, blank, tokens)."""
    draft = valid_draft(kind, variant)
    if kind == "multiple_choice":
        draft["answers"] = ["encanta"]  # not among the options
    elif kind == "fill_blank":
        draft["sentence"] = draft["sentence"].replace("___", "gusta")  # no blank
    elif kind == "word_order":
        draft["tokens"] = draft["tokens"][1:]  # a word missing
    else:
        draft["answers"] = [draft["text"]]  # "translated" into English
    return draft


def wrong_language(kind: str, variant: int) -> dict:
    """A draft whose target-language part is in English."""
    draft = valid_draft(kind, variant)
    _, english = sentence_pair(variant)
    if kind == "fill_blank":
        draft["sentence"] = english.replace(" like", " ___", 1)
        draft["answers"] = ["like"]
    elif kind == "multiple_choice":
        draft["explanation"] = "Es el verbo *gustar* y la forma es para una cosa."
    else:
        draft["answers"] = [english]
        if kind == "word_order":
            draft["tokens"] = list(reversed(english.rstrip(".").split()))
    return draft


def existing_duplicate(kind: str) -> dict:
    """A copy of the starter course's food lesson exercise of the type."""
    item = next(e for e in course_exercises() if e["type"] == kind and e["lesson"] == 8)
    return {k: v for k, v in item.items() if k not in ("id", "lesson", "level")}


@dataclass
class Call:
    """One model call: which slot, which attempt, what kind of answer it got."""

    slot: int
    attempt: int
    kind: str
    prompt: str


@dataclass
class DraftPlan:
    """Decides each answer from the slot and attempt; records every call (thread-safe)."""

    plan: dict[int, list[str]] = field(default_factory=dict)
    default: str = "valid"
    offset: int = 0  # added to slot numbers to pick sentences, so tests sharing a database differ
    crash_after: int | None = None  # calls answered before every further call raises
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def kind_for(self, slot: int, attempt: int) -> str:
        kinds = self.plan.get(slot, [self.default])
        return kinds[min(attempt, len(kinds)) - 1]

    def answer(self, conversation: list[str]) -> tuple[str, dict | str]:
        """(exercise type, the draft as a dict or raw text) for a request's message texts."""
        text = "\n".join(conversation)
        found = SLOT.search(text)
        assert found, f"not a content-graph prompt: {text[:200]!r}"
        slot, kind = int(found.group(1)) - 1, found.group(2)
        attempt = 1 + sum(c.startswith(RETRY) for c in conversation)
        what = self.kind_for(slot, attempt)
        with self.lock:
            if self.crash_after is not None and len(self.calls) >= self.crash_after:
                raise ConnectionError("the model provider went away")
            self.calls.append(Call(slot, attempt, what, text))
        variant = slot + self.offset
        if what == "broken_json":
            return kind, '{"prompt": "Choose the right word: Me ___ el pan", "options": ['
        if what == "missing_field":
            draft = valid_draft(kind, variant)
            draft.pop("explanation")
            return kind, draft
        if what == "wrong_answer":
            return kind, wrong_answer(kind, variant)
        if what == "wrong_language":
            return kind, wrong_language(kind, variant)
        if what == "existing_duplicate":
            return kind, existing_duplicate(kind)
        if what.startswith("copy:"):
            return kind, valid_draft(kind, int(what.removeprefix("copy:")) + self.offset)
        return kind, valid_draft(kind, variant)

    def calls_per_slot(self) -> Counter:
        """How many times each slot was generated."""
        return Counter(c.slot for c in self.calls)


class FakeWriter(BaseChatModel):
    """A chat model answering structured-output calls from a DraftPlan, after `latency` s."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: Any  # a DraftPlan
    latency: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "fake-writer"

    def _message(self, messages: list[BaseMessage]) -> AIMessage:
        kind, draft = self.script.answer([str(m.content) for m in messages])
        if isinstance(draft, str):
            invalid = {"name": kind, "args": draft, "id": "call-1", "error": "bad JSON"}
            return AIMessage(content="", invalid_tool_calls=[invalid], usage_metadata=USAGE)
        call = {"name": kind, "args": draft, "id": "call-1", "type": "tool_call"}
        return AIMessage(content="", tool_calls=[call], usage_metadata=USAGE)

    def _generate(self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._message(messages))])

    async def _agenerate(
        self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any
    ) -> ChatResult:
        if self.latency:
            await asyncio.sleep(self.latency)
        return self._generate(messages, stop)

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeWriter:
        return self


def openai_responder(script: DraftPlan, latency: float = 0.0):
    """A tests/fake_openai.py responder answering from a DraftPlan, in content or a tool call."""
    import time

    def respond(body: dict) -> tuple[int, dict]:
        if latency:
            time.sleep(latency)
        texts = [str(m.get("content") or "") for m in body["messages"]]
        _, draft = script.answer(texts)
        content = draft if isinstance(draft, str) else json.dumps(draft, ensure_ascii=False)
        message = {"role": "assistant", "content": content}
        if body.get("tools"):  # function calling: the draft comes back as the tool's arguments
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_1", "type": "function"}
            call["function"] = {"name": name, "arguments": content}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
        return 200, {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 60, "total_tokens": 180},
        }

    return respond
