"""The exercise schema registry: one versioned pydantic model per type, exported as JSON Schema.

The tutor serves exactly these models (`tools.exercises`), and the generator fills them, so a
generated exercise that validates here is servable as is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from pydantic import BaseModel

from tools.exercises import SCHEMA_VERSION, FillBlank, MultipleChoice, Translate, WordOrder


@dataclass(frozen=True)
class ExerciseSchema:
    """One exercise type: its model and the version stored with every exercise of the type."""

    type: str
    version: int
    model: type[BaseModel]

    def json_schema(self) -> dict:
        """The model's JSON Schema, as the tutor validates stored exercises."""
        return self.model.model_json_schema()

    def draft_schema(self) -> dict:
        """What the generator fills: the JSON Schema without `id` (runs assign the slug)."""
        schema = copy.deepcopy(self.json_schema())
        schema["properties"].pop("id", None)
        schema["required"] = [name for name in schema.get("required", []) if name != "id"]
        schema["title"] = self.type
        schema["description"] = (self.model.__doc__ or self.type).strip()
        return schema


REGISTRY: dict[str, ExerciseSchema] = {
    schema.type: schema
    for schema in (
        ExerciseSchema("multiple_choice", SCHEMA_VERSION, MultipleChoice),
        ExerciseSchema("fill_blank", SCHEMA_VERSION, FillBlank),
        ExerciseSchema("translate", SCHEMA_VERSION, Translate),
        ExerciseSchema("word_order", SCHEMA_VERSION, WordOrder),
    )
}


def schema_for(exercise_type: str) -> ExerciseSchema:
    """The registry entry of a type; a ValueError names the known types."""
    try:
        return REGISTRY[exercise_type]
    except KeyError:
        raise ValueError(
            f"unknown exercise type {exercise_type!r}; known types: {', '.join(REGISTRY)}"
        ) from None


def export() -> dict[str, dict]:
    """Every type's version and JSON Schema, keyed by type."""
    return {
        name: {"version": entry.version, "schema": entry.json_schema()}
        for name, entry in REGISTRY.items()
    }
