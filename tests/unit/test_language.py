import pytest

from tools.language import guess_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¡Hola! 👋 Ready to keep learning Spanish?", "en"),
        ("❌ Not quite. The correct answer is: *Buenos días*", "en"),
        ("¡Muy bien! ¿Cómo estás hoy? Yo estoy en la casa.", "es"),
        ("✏️ *Me gusta el café.* ¡Qué bien! ¿Tomas café cada día?", "es"),
        ("😀👍", None),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language
