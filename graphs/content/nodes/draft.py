"""Write one slot's exercise: generate, validate, retry with the findings, up to a limit."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graphs.content import prompts
from graphs.content.context import Context
from graphs.content.state import DraftTask, SlotResult
from tools.content.drafts import draft_slug, existing_fingerprints
from tools.content.schemas import schema_for
from tools.content.validator import Rules, validate_draft
from tools.db import session_scope


def reply_payload(output: dict[str, Any]) -> Any:
    """What the model answered: the parsed object, else its raw arguments or text."""
    if isinstance(output.get("parsed"), dict):
        return output["parsed"]
    raw = output.get("raw")
    if not isinstance(raw, AIMessage):
        return None
    if raw.tool_calls:
        return raw.tool_calls[0]["args"]
    if raw.invalid_tool_calls:
        return raw.invalid_tool_calls[0].get("args") or ""
    return raw.content if isinstance(raw.content, str) else str(raw.content)


def add_usage(total: dict[str, Any], raw: Any) -> None:
    """Add a reply's token counts (and cost, where the provider reports one) to a total."""
    usage = getattr(raw, "usage_metadata", None) or {}
    total["input_tokens"] = total.get("input_tokens", 0) + usage.get("input_tokens", 0)
    total["output_tokens"] = total.get("output_tokens", 0) + usage.get("output_tokens", 0)
    metadata = getattr(raw, "response_metadata", None) or {}
    cost = metadata.get("cost", (metadata.get("token_usage") or {}).get("cost"))
    if isinstance(cost, int | float):
        total["cost"] = total.get("cost", 0.0) + cost


async def draft(task: DraftTask, runtime: Runtime[Context]) -> dict:
    """Generate a slot's exercise until the validator passes it or the attempts run out."""
    async with runtime.context.writers():
        return await _write(task, runtime.context)


async def _write(task: DraftTask, context: Context) -> dict:
    brief, slot = task["brief"], task["slot"]
    async with session_scope(context.database_url) as session:
        existing = await existing_fingerprints(
            session, brief["course_id"], exclude_run=brief["run_id"]
        )
    rules = Rules(
        slot["type"],
        brief["level"],
        brief["target_language"],
        brief["native_language"],
        existing,
    )
    schema = schema_for(slot["type"]).draft_schema()
    method = context.structured_output
    options = {} if method == "auto" else {"method": method}
    writer = context.generator_llm().with_structured_output(schema, include_raw=True, **options)
    # json_mode only promises JSON: the schema itself has to be in the prompt.
    messages = prompts.draft_messages(brief, slot, schema if method == "json_mode" else None)
    usage: dict[str, Any] = {}
    findings: list[str] = []
    attempts = max(1, context.max_attempts)
    for attempt in range(1, attempts + 1):
        output = await writer.ainvoke(messages)
        add_usage(usage, output.get("raw"))
        payload = reply_payload(output)
        verdict = validate_draft(payload, rules, draft_slug(brief["run_id"], slot["index"]))
        if verdict.ok:
            exercise = verdict.exercise.model_dump(exclude={"id"})
            return {"results": [_result(slot, "valid", attempt, exercise, findings, usage)]}
        findings = verdict.findings
        messages += prompts.retry_messages(prompts.shown(payload), findings, slot["type"])
    return {"results": [_result(slot, "rejected", attempts, None, findings, usage)]}


def _result(
    slot: dict, status: str, attempts: int, exercise: dict | None, findings: list, usage: dict
) -> SlotResult:
    return {
        "slot": slot["index"],
        "type": slot["type"],
        "status": status,
        "attempts": attempts,
        "exercise": exercise,
        "findings": findings,
        "usage": usage,
    }
