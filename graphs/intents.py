"""Intents declared once per graph; its router, wiring and model schema derive from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model


@dataclass(frozen=True)
class Intent:
    """What a message can mean, and the node that answers it.

    `side`: a waiting exercise (or form, or order) comes back after it is handled.
    `model`: a model classifier may choose it (rules alone decide the others).
    `node=None`: the router resolves it into another intent before routing (e.g. a bare "yes").
    `title`: offered as a button when the router is unsure (empty: never offered).
    """

    name: str
    node: str | None
    description: str
    side: bool = False
    model: bool = False
    title: str = ""  # a button's words when the router asks which intent was meant


@dataclass(frozen=True)
class IntentRegistry:
    """A graph's intents, in declaration order (the order prompts and schemas list them in)."""

    intents: tuple[Intent, ...]
    _by_name: dict[str, Intent] = field(init=False, repr=False, compare=False)
    _schemas: dict[tuple, type[BaseModel]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Intent] = {}
        for intent in self.intents:
            if intent.name in by_name:
                raise ValueError(f"intent {intent.name!r} is declared twice")
            if intent.model and intent.node is None:
                raise ValueError(f"intent {intent.name!r} has no node, so no model may choose it")
            by_name[intent.name] = intent
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_schemas", {})

    @property
    def names(self) -> tuple[str, ...]:
        """Every intent name."""
        return tuple(self._by_name)

    @property
    def nodes(self) -> tuple[str, ...]:
        """The nodes the router can send a message to, each once."""
        return tuple(dict.fromkeys(i.node for i in self.intents if i.node is not None))

    @property
    def side(self) -> frozenset[str]:
        """Intents after which the waiting exercise is shown again."""
        return frozenset(i.name for i in self.intents if i.side)

    @property
    def model_intents(self) -> tuple[Intent, ...]:
        """The intents a model classifier may choose, in declaration order."""
        return tuple(i for i in self.intents if i.model)

    def titles(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """(name, button title) for the named intents that have a title, in the given order."""
        return [(n, self[n].title) for n in names if self[n].title]

    def __getitem__(self, name: str) -> Intent:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(
                f"unknown intent {name!r}; valid intents: {', '.join(self.names)}"
            ) from None

    def check(self, names: Iterable[str]) -> None:
        """Raise a ValueError naming every name that is not a declared intent (e.g. in a table)."""
        unknown = sorted(set(names) - set(self._by_name))
        if unknown:
            raise ValueError(
                f"unknown intent(s) {', '.join(unknown)}; valid intents: {', '.join(self.names)}"
            )

    def node_for(self, name: str) -> str:
        """The node that handles an intent; a clear error for an unknown or unroutable one."""
        intent = self[name]
        if intent.node is None:
            raise ValueError(
                f"intent {name!r} has no node: the router must resolve it into another intent "
                f"first (routable: {', '.join(i.name for i in self.intents if i.node)})"
            )
        return intent.node

    def node_literal(self) -> Any:
        """`Literal[...]` of the nodes: a router returning `Command[...]` of it gets drawn edges."""
        return Literal[self.nodes]

    def prompt_lines(self) -> str:
        """The model-classifiable intents as "- name: description" lines for a prompt."""
        return "\n".join(f"- {i.name}: {i.description}" for i in self.model_intents)

    def choice_schema(self, name: str = "IntentChoice", **values: str) -> type[BaseModel]:
        """A structured-output schema whose `intent` is one of the model intents, each described.

        `values` fill placeholders in the descriptions (e.g. target="Spanish"); schemas are
        cached, so a classifier may ask for one per call.
        """
        key = (name, tuple(sorted(values.items())))
        if key not in self._schemas:
            self._schemas[key] = _choice_schema(name, self.model_intents, values)
        return self._schemas[key]

    def check_handlers(self, handlers: Mapping[str, Any]) -> Mapping[str, Any]:
        """The handlers, if they cover every node and nothing more; else a ValueError naming why."""
        missing = [n for n in self.nodes if n not in handlers]
        extra = [n for n in handlers if n not in self.nodes]
        problems = []
        if missing:
            problems.append(f"no handler for node(s) {', '.join(missing)}")
        if extra:
            problems.append(f"handler(s) for {', '.join(extra)}, which no intent routes to")
        if problems:
            raise ValueError("; ".join(problems))
        return handlers


def registry(intents: Iterable[Intent]) -> IntentRegistry:
    """An intent registry from declarations."""
    return IntentRegistry(tuple(intents))


class _Keep(dict):
    """Format values that leave a placeholder nobody filled as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _choice_schema(
    name: str, intents: tuple[Intent, ...], values: dict[str, str]
) -> type[BaseModel]:
    if not intents:
        raise ValueError("no intent may be chosen by a model: mark some with model=True")
    # A plain enum (one Literal) is what every provider's tool calling accepts; the meanings
    # go in its description.
    meanings = "; ".join(f"{i.name}: {i.description.format_map(_Keep(values))}" for i in intents)
    return create_model(
        name,
        __doc__="The intent of a message.",
        intent=(
            Literal[tuple(i.name for i in intents)],
            Field(description=f"The single best intent. {meanings}."),
        ),
    )
