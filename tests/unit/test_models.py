"""Chat models from provider:model strings, any OpenAI-compatible server, and fallbacks."""

from __future__ import annotations

import pytest

from graphs.fields import context_from
from graphs.tutor.context import Context
from tests.fake_openai import completion, fake_openai
from tools.models import OPENAI_DEFAULT_BASE_URL, _load, load_chat_model, with_fallbacks
from tools.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _fresh_models(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    _load.cache_clear()
    yield
    _load.cache_clear()
    get_settings.cache_clear()  # no model set here may stay in the process's settings


@pytest.mark.parametrize("spec", ["gpt-4o-mini", "openai:", ":gpt-4o", ""])
def test_a_spec_without_provider_and_model_is_refused_with_an_example(spec):
    with pytest.raises(ValueError, match="provider:model"):
        load_chat_model(spec)


def test_an_unknown_provider_names_the_problem():
    with pytest.raises(ValueError, match="nosuchprovider"):
        load_chat_model("nosuchprovider:model-x")


async def test_openai_models_talk_to_the_configured_base_url(monkeypatch):
    with fake_openai(lambda body: (200, completion(body["model"], "¡Hola!"))) as (url, seen):
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("LINGOGRAPH_MODEL", "openai:local-llama")
        context = context_from(Context, Settings())
        answer = await context.tutor_llm().ainvoke("hi")
    assert answer.content == "¡Hola!"
    assert seen[0]["path"] == "/v1/chat/completions" and seen[0]["model"] == "local-llama"


def test_a_run_without_a_base_url_is_not_redirected_by_the_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    model = load_chat_model("openai:gpt-4o-mini", None)
    assert str(model.root_client.base_url).rstrip("/") == OPENAI_DEFAULT_BASE_URL


async def test_fallbacks_are_tried_in_order_when_a_model_fails():
    def respond(body: dict) -> tuple[int, dict]:
        if body["model"] != "third":
            return 400, {"error": {"message": f"{body['model']} is unavailable"}}
        return 200, completion("third", "from the third")

    with fake_openai(respond) as (url, seen):
        chain = with_fallbacks(
            load_chat_model("openai:first", url), ["openai:second", "openai:third"], url
        )
        answer = await chain.ainvoke("hi")
    assert answer.content == "from the third"
    assert [r["model"] for r in seen] == ["first", "second", "third"]
