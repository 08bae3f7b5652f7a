"""Human review through an interrupt (approve, edit, reject each draft), then publishing."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import TypeAdapter, ValidationError

from graphs.content.context import Context
from graphs.content.state import State
from tools.content.drafts import Decision, apply_decisions, draft_view, run_drafts
from tools.content.drafts import publish as publish_run
from tools.content.runs import update_run
from tools.db import session_scope
from tools.db.models import ContentRun

INSTRUCTIONS = (
    'Resume with {"decisions": [{"id": <draft id>, "action": "approve" | "reject"}, '
    '{"id": <draft id>, "action": "edit", "exercise": {<fields to change>}}]}. '
    "Drafts left without a decision wait for the next review."
)
_decisions = TypeAdapter(list[Decision])


def parse_decisions(answer: Any) -> tuple[list[Decision], list[str]]:
    """Decisions from a resume value (a list, or {"decisions": [...]}), or what is wrong."""
    if isinstance(answer, dict) and "decisions" in answer:
        answer = answer["decisions"]
    try:
        return _decisions.validate_python(answer), []
    except ValidationError as exc:
        return [], [
            f"decisions.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        ]


def after_store(state: State) -> Literal["review", "__end__"]:
    """Review when drafts were stored; a run without any ends failed."""
    return "review" if state.get("draft_ids") else END


def after_review(state: State) -> Literal["review", "publish"]:
    """Ask again while drafts wait for a decision; publish once every draft has one."""
    return "review" if state.get("review_left") else "publish"


async def review(state: State, runtime: Runtime[Context]) -> dict:
    """Show the waiting drafts and wait for decisions; apply them all, or none if any is bad."""
    run_id = state["brief"]["run_id"]
    database_url = runtime.context.database_url
    async with session_scope(database_url) as session:
        waiting = [draft_view(row) for row in await run_drafts(session, run_id, ("draft",))]
    if not waiting:
        return {"review_left": 0, "review_errors": []}
    answer = interrupt(
        {
            "run_id": run_id,
            "drafts": waiting,
            "errors": state.get("review_errors") or [],
            "instructions": INSTRUCTIONS,
        }
    )
    decisions, errors = parse_decisions(answer)
    async with session_scope(database_url) as session:
        if not errors:
            errors, done = await apply_decisions(session, run_id, decisions)
        if errors:
            return {"review_errors": errors, "review_left": len(waiting)}
        run = await session.get(ContentRun, run_id)
        counts = {k: run.counts.get(k, 0) + v for k, v in done.items()}
        await update_run(session, run_id, counts=counts)
        left = len(await run_drafts(session, run_id, ("draft",)))
    return {"review_errors": [], "review_left": left}


async def publish(state: State, runtime: Runtime[Context]) -> dict:
    """Publish the approved drafts into the spec's lesson, so the tutor serves them."""
    run_id = state["brief"]["run_id"]
    async with session_scope(runtime.context.database_url) as session:
        published = await publish_run(session, run_id)
        await update_run(session, run_id, status="published", counts={"published": published})
    return {"published": published}
