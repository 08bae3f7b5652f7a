"""A scripted chat model: answers from a function of the prompt, and records every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


def system_text(messages: list[BaseMessage]) -> str:
    """The system prompt of a call (or the first message when there is none)."""
    for message in messages:
        if message.type == "system":
            return str(message.content)
    return str(messages[0].content) if messages else ""


def intent_call(intent: str) -> AIMessage:
    """The tool call a structured-output classifier answers with."""
    return AIMessage(
        content="",
        tool_calls=[
            {
                "name": "IntentChoice",
                "args": {"intent": intent},
                "id": "call-1",
                "type": "tool_call",
            }
        ],
    )


class ScriptedChatModel(BaseChatModel):
    """Replies with `respond(messages)`; `bind_tools` returns itself so structured output works."""

    respond: Callable[[list[BaseMessage]], AIMessage | str]
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    fail: bool = False

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.calls.append(list(messages))
        if self.fail:
            raise RuntimeError("scripted model failure")
        answer = self.respond(messages)
        message = answer if isinstance(answer, AIMessage) else AIMessage(content=answer)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        return self
