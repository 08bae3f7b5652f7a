"""Load the spec into a brief and split it into one slot per exercise to write."""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import Send
from sqlalchemy import select

from graphs.content.context import Context
from graphs.content.state import Brief, Slot, State
from tools.content.runs import create_run, new_run_id, update_run
from tools.db import session_scope
from tools.db.models import ContentRun, Course, CurriculumSpec, Exercise, Lesson

EXISTING_SHOWN = 30  # existing prompts shown to the writer; the validator checks them all


def run_id_of(runtime: Runtime) -> str:
    """The run id: the thread id (a fresh id when the graph runs without a checkpointer)."""
    info = runtime.execution_info
    return (info.thread_id if info else None) or new_run_id()


def plan_slots(counts: dict[str, int], vocabulary: list[str]) -> list[Slot]:
    """One slot per exercise, types interleaved so every type progresses from the start."""
    queues = {kind: list(range(1, n + 1)) for kind, n in counts.items()}
    slots: list[Slot] = []
    while any(queues.values()):
        for kind, left in queues.items():
            if not left:
                continue
            slot: Slot = {"index": len(slots), "type": kind, "nth": left.pop(0), "of": counts[kind]}
            if vocabulary:
                slot["focus"] = vocabulary[len(slots) % len(vocabulary)]
            slots.append(slot)
    return slots


async def load_spec(state: State, runtime: Runtime[Context]) -> dict:
    """Read the spec, its course and lesson; record the run as running."""
    run_id = run_id_of(runtime)
    async with session_scope(runtime.context.database_url) as session:
        spec = await session.get(CurriculumSpec, state["spec_id"])
        if spec is None:
            raise ValueError(f"there is no curriculum spec {state['spec_id']}")
        course = await session.get(Course, spec.course_id)
        lesson = await session.scalar(
            select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == spec.lesson_slug)
        )
        if lesson is None:
            raise ValueError(f"spec {spec.id} names lesson {spec.lesson_slug!r}, which is gone")
        prompts = await session.scalars(
            select(Exercise.prompt)
            .where(Exercise.lesson_id == lesson.id, Exercise.status != "rejected")
            .order_by(Exercise.position, Exercise.id)
            .limit(EXISTING_SHOWN)
        )
        brief: Brief = {
            "run_id": run_id,
            "spec_id": spec.id,
            "course_id": course.id,
            "course_title": course.title,
            "lesson_id": lesson.id,
            "lesson_title": lesson.title,
            "lesson_intro": lesson.intro,
            "level": spec.level,
            "target_language": course.target_language,
            "native_language": course.native_language,
            "topic": spec.topic,
            "vocabulary_focus": list(spec.vocabulary_focus),
            "notes": spec.notes or "",
            "existing_prompts": list(prompts),
        }
        # Started from Studio rather than the API or CLI: record the run here.
        if await session.get(ContentRun, run_id) is None:
            await create_run(session, run_id, spec, runtime.context.generator_model, 1)
        else:
            await update_run(session, run_id, status="running")
    slots = plan_slots(spec.exercise_counts, brief["vocabulary_focus"])
    return {"brief": brief, "slots": slots, "results": None}


def fan_out(state: State) -> list[Send]:
    """One `draft` task per slot; each is saved when it finishes, so a resume skips it."""
    return [Send("draft", {"brief": state["brief"], "slot": slot}) for slot in state["slots"]]
