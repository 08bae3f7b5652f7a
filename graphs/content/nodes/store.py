"""Drop duplicates (of the course and within the batch), then store the rest as drafts."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graphs.content.context import Context
from graphs.content.state import State
from tools.content.drafts import existing_fingerprints, store_drafts
from tools.content.runs import tally, update_run
from tools.content.schemas import schema_for
from tools.content.validator import fingerprints
from tools.db import session_scope


def _model(result: dict):
    entry = schema_for(result["type"])
    return entry.model.model_validate({**result["exercise"], "id": f"slot-{result['slot']}"})


async def dedupe(state: State, runtime: Runtime[Context]) -> dict:
    """Keep the first of each exercise; later copies and repeats of the course are dropped."""
    brief = state["brief"]
    async with session_scope(runtime.context.database_url) as session:
        # Re-read: exercises may have been added since the slots were validated.
        seen = await existing_fingerprints(session, brief["course_id"], exclude_run=brief["run_id"])
    kept, duplicates = [], []
    for result in sorted(state.get("results", []), key=lambda r: r["slot"]):
        if result["status"] != "valid":
            continue
        keys = fingerprints(_model(result))
        clash = next((seen[k] for k in sorted(keys) if k in seen), None)
        if clash is not None:
            duplicates.append({"slot": result["slot"], "of": clash})
            continue
        seen.update(dict.fromkeys(keys, f"slot {result['slot'] + 1}"))
        kept.append(result["slot"])
    return {"kept": kept, "duplicates": duplicates}


def problems(state: State) -> list[str]:
    """Why slots produced nothing: rejected drafts with their findings, and duplicates."""
    lines = [
        f"slot {r['slot'] + 1} ({r['type']}): rejected after {r['attempts']} attempts: "
        + "; ".join(r["findings"])
        for r in sorted(state.get("results", []), key=lambda r: r["slot"])
        if r["status"] == "rejected"
    ]
    lines += [f"slot {d['slot'] + 1}: dropped, duplicates {d['of']}" for d in state["duplicates"]]
    return lines


async def store(state: State, runtime: Runtime[Context]) -> dict:
    """Store unique exercises as drafts and open the run for review (or fail it if none)."""
    brief = state["brief"]
    by_slot = {r["slot"]: r for r in state.get("results", [])}
    exercises = [(slot, by_slot[slot]["exercise"]) for slot in state["kept"]]
    counts = {
        **tally(state.get("results", [])),
        "duplicates": len(state["duplicates"]),
        "stored": len(exercises),
        "done": len(by_slot),
    }
    async with session_scope(runtime.context.database_url) as session:
        ids = await store_drafts(
            session,
            brief["run_id"],
            course_id=brief["course_id"],
            lesson_id=brief["lesson_id"],
            level=brief["level"],
            exercises=exercises,
        )
        errors = problems(state)
        if not ids:
            errors.append("no draft passed validation; nothing to review")
        await update_run(
            session,
            brief["run_id"],
            status="review" if ids else "failed",
            counts=counts,
            errors=errors,
        )
    return {"draft_ids": ids}
