"""Language names, and a small offline language guess (English or Spanish) from function words.

The guess is used by the content validator (is a draft in the right language?) and by evals.
"""

from __future__ import annotations

from tools.text import words

LANGUAGE_NAMES = {
    "es": "Spanish",
    "en": "English",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
}


def language_name(code: str | None, default: str = "?") -> str:
    """A language's English name from its code; the code itself (or `default`) when unknown."""
    return LANGUAGE_NAMES.get(code or "", code or default)


SPANISH = frozenset(
    "el la los las un una de del y que en es por para con no se lo le su al como más pero "
    "sí muy yo tú usted está estás soy eres son estoy hola gracias qué cómo dónde cuándo "
    "bien también me te nos mi tu a ella él ellos ellas sus mis este esta hay ayer hoy".split()
)
ENGLISH = frozenset(
    "the a an of and to in is are was you your i it that this for with on not be have "
    "what how where when can do does answer lesson exercise correct send words here ready "
    "keep learning learn let lets start type please now more all one will would my me at "
    "from or if so there they we he she his her our which who why just done review "
    "progress level".split()
)


def language_counts(text: str) -> dict[str, int]:
    """How many of each language's common words the text uses."""
    tokens = words(text)
    return {
        "es": sum(t in SPANISH for t in tokens),
        "en": sum(t in ENGLISH for t in tokens),
    }


def guess_language(text: str) -> str | None:
    """ "es" or "en" by which language's common words the text uses more; None if unclear."""
    counts = language_counts(text)
    if counts["es"] == counts["en"]:
        return None
    return "es" if counts["es"] > counts["en"] else "en"


DETECTABLE = frozenset({"es", "en"})  # the languages guess_language can tell apart
