"""The service hands its own settings to a run: every context field, nested ones too."""

from __future__ import annotations

from graphs.fields import context_from
from graphs.tutor.context import Context
from tools.settings import Settings


def test_a_run_context_reads_the_given_settings_not_the_process_ones():
    settings = Settings(
        database_url="sqlite:///elsewhere.db",
        lingograph_model="openai:tutor-x",
        rag_min_score=0.5,
        history_messages=3,
    )
    context = context_from(Context, settings)
    assert context.database_url == "sqlite:///elsewhere.db"
    assert context.tutor_model == "openai:tutor-x" and context.history_messages == 3
    assert context.knowledge.model == "openai:tutor-x" and context.knowledge.min_score == 0.5


def test_overrides_win_over_the_settings():
    context = context_from(Context, Settings(history_messages=3), history_messages=7)
    assert context.history_messages == 7
