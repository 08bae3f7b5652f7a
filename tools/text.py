"""Text normalisation used by grading and routing; safe for any script."""

from __future__ import annotations

import unicodedata

_KEEP_INSIDE_WORDS = {"'", "’", "-"}


def normalize(text: str) -> str:
    """Case-fold, unify Unicode forms, drop punctuation and symbols, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).casefold()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if ch in _KEEP_INSIDE_WORDS:
            out.append(" " if ch == "-" else "")
        elif cat[0] in "PS" or cat in {"Cc", "Cf"}:
            out.append(" ")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def strip_accents(text: str) -> str:
    """Remove combining marks (á→a, ñ→n, ü→u) from already-normalised text."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


def plain(text: str) -> str:
    """Normalised and without accents: how matching compares what learners type."""
    return strip_accents(normalize(text))


def words(text: str) -> list[str]:
    """The normalised words of a text."""
    return normalize(text).split()
