"""Opt-out and opt-in: carrier keywords and requests in words, and what must not count."""

from __future__ import annotations

import pytest

from tools.consent import is_opt_in, is_opt_out


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop.",
        "Stopall",
        "UNSUBSCRIBE!",
        "cancel",
        "End",
        "quit",
        "STOP please",
        "can you stop",
        "please stop texting me",
        "no more reminders pls",
        "don't message me anymore",
        "turn off the notifications",
        "take me off this list",
        "deja de mandarme mensajes",
        "ya no quiero recibir mensajes",
        "quiero darme de baja",
        "para ya",
        "pará",
        "arrête de m'envoyer des messages",
        "não me mande mais mensagens",
        "smetti di mandarmi messaggi",
        "hör auf mir Nachrichten zu schicken",
    ],
)
def test_requests_to_stop_are_opt_outs(text):
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "para",  # "for": an answer, not a stop
        "es para mi madre",
        "el tren para en la estación",
        "stop this exercise",
        "I want to stop the lesson",
        "cancel my premium",
        "no more hints please",
        "the end",
        "no me gusta el café",
        "quiero salir a bailar",
        "START",
    ],
)
def test_answers_and_other_requests_are_not(text):
    assert not is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    ["START", "unstop", "reminders on", "you can message me again", "activa los recordatorios"],
)
def test_requests_to_come_back_are_opt_ins(text):
    assert is_opt_in(text) and not is_opt_out(text)


@pytest.mark.parametrize(
    "text", ["start the lesson again", "don't send me reminders again", "turn on dark mode"]
)
def test_other_starts_are_not_opt_ins(text):
    assert not is_opt_in(text)
