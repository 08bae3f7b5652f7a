"""The intent registry: one declaration drives routing, wiring and the model's output schema."""

import pydantic
import pytest

from graphs.intents import Intent, registry
from graphs.tutor.graph import HANDLERS, graph
from graphs.tutor.intents import TUTOR
from graphs.tutor.prompts import CLASSIFIER

SHOP = registry(
    [
        Intent("browse", "catalog", "wants to see products", model=True),
        Intent("buy", "checkout", "wants to pay for the basket", model=True),
        Intent("track", "orders", "asks where an order is", side=True, model=True),
        Intent("confirm", None, "says yes to the last offer"),
        Intent("refund", "orders", "asks for money back"),
    ]
)


def handler(state, runtime):
    return {}


def test_the_registry_lists_names_nodes_and_side_intents():
    assert SHOP.names == ("browse", "buy", "track", "confirm", "refund")
    assert SHOP.nodes == ("catalog", "checkout", "orders")
    assert SHOP.side == {"track"}
    assert SHOP.node_for("refund") == "orders"


def test_an_unknown_intent_fails_naming_the_valid_ones():
    with pytest.raises(ValueError, match=r"'refnud'.*browse, buy, track, confirm, refund"):
        SHOP.node_for("refnud")
    with pytest.raises(ValueError, match="unknown intent"):
        SHOP.check(["buy", "refnud"])


def test_an_intent_the_router_resolves_has_no_node():
    with pytest.raises(ValueError, match="'confirm' has no node"):
        SHOP.node_for("confirm")


def test_a_duplicate_or_unroutable_model_intent_fails_at_declaration():
    with pytest.raises(ValueError, match="declared twice"):
        registry([Intent("buy", "checkout", "pays"), Intent("buy", "catalog", "browses")])
    with pytest.raises(ValueError, match="no model may choose it"):
        registry([Intent("confirm", None, "says yes", model=True)])


def test_a_node_without_a_handler_fails():
    handlers = {"catalog": handler, "checkout": handler}
    with pytest.raises(ValueError, match="no handler for node.*orders"):
        SHOP.check_handlers(handlers)


def test_a_handler_for_no_node_fails():
    handlers = {"catalog": handler, "checkout": handler, "orders": handler, "faq": handler}
    with pytest.raises(ValueError, match="faq, which no intent routes to"):
        SHOP.check_handlers(handlers)


def test_the_model_schema_accepts_exactly_the_model_intents():
    schema = SHOP.choice_schema()
    assert schema.__name__ == "IntentChoice"
    assert schema.model_json_schema()["properties"]["intent"]["enum"] == ["browse", "buy", "track"]
    for name in ("browse", "buy", "track"):
        assert schema(intent=name).intent == name
    for name in ("confirm", "refund", "nonsense"):
        with pytest.raises(pydantic.ValidationError):
            schema(intent=name)


def test_the_model_schema_describes_each_intent_with_placeholders_filled():
    schema = TUTOR.choice_schema(target="Spanish")
    described = schema.model_json_schema()["properties"]["intent"]["description"]
    for intent in TUTOR.model_intents:
        assert f"{intent.name}: " in described
    assert "writes to chat in Spanish" in described
    assert TUTOR.choice_schema(target="Spanish") is schema


def test_the_tutor_prompt_lists_the_model_intents_from_the_registry():
    prompt = CLASSIFIER.format(target="Spanish", native="English", level="A1")
    listed = [line[2:].split(":")[0] for line in prompt.splitlines() if line.startswith("- ")]
    assert listed == [i.name for i in TUTOR.model_intents]
    assert "- practice: wants free conversation, or writes to chat in Spanish" in prompt


def test_the_tutor_graph_draws_an_edge_from_route_to_every_registry_node():
    drawn = {edge.target for edge in graph.get_graph().edges if edge.source == "route"}
    assert drawn == set(TUTOR.nodes) == set(HANDLERS)


def test_every_tutor_intent_reaches_a_node_or_is_resolved_by_the_router():
    for name in TUTOR.names:
        if TUTOR[name].node is None:
            continue
        assert TUTOR.node_for(name) in HANDLERS
