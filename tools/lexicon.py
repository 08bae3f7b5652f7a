"""A word list with inflected forms: which spellings are real words, and of which lemma."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from tools.text import strip_accents

_SEP = "\t"
_LATIN_1 = "".join(map(chr, range(0xC0, 0x100)))
# Spanish is written in Latin-1 letters; keeping to them keeps the lines one byte a letter.
_BARE = str.maketrans({ch: strip_accents(ch) for ch in _LATIN_1 if len(strip_accents(ch)) == 1})


class Lexicon:
    """Forms and their lemmas, looked up without regard to accents.

    Kept as one sorted string of `bare<TAB>form<TAB>lemma` lines searched by bisection: a
    dict of 800,000 Spanish forms costs several hundred MB, the string about 25 MB.
    """

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        lines = sorted(
            {
                f"{form.translate(_BARE)}{_SEP}{form}{_SEP}{lemma}"
                for form, lemma in ((f.casefold(), lem.casefold()) for f, lem in entries)
                if _is_word(form) and _is_word(lemma)
            }
        )
        self._count = len(lines)
        self._text = "\n" + "\n".join(lines) + "\n"

    def __len__(self) -> int:
        return self._count

    def __contains__(self, word: str) -> bool:
        return bool(self.entries(word))

    def entries(self, word: str) -> list[tuple[str, str]]:
        """(form, lemma) pairs whose spelling is `word` once accents are set aside."""
        key = strip_accents(word.casefold()) + _SEP
        text, found = self._text, []
        start = self._first_line_at_or_after(key)
        while start < len(text) and text.startswith(key, start):
            end = text.index("\n", start)
            _, form, lemma = text[start:end].split(_SEP)
            found.append((form, lemma))
            start = end + 1
        return found

    def lemmas(self, word: str, *, exact: bool = False) -> set[str]:
        """The lemmas `word` can be a form of: accents aside, or as spelled if `exact`."""
        return {lemma for form, lemma in self.entries(word) if not exact or form == word}

    def forms(self, word: str) -> set[str]:
        """The accented spellings of `word` in the lexicon."""
        return {form for form, _ in self.entries(word)}

    def _first_line_at_or_after(self, key: str) -> int:
        """Offset of the first line not sorting before `key` (lines start after a newline)."""
        text = self._text
        low, high = 1, len(text)
        while low < high:
            mid = (low + high) // 2
            line_start = text.rfind("\n", 0, mid) + 1
            line_end = text.index("\n", line_start)
            if text[line_start:line_end] < key:
                low = line_end + 1
            else:
                high = line_start
        return low


def _is_word(text: str) -> bool:
    """Letters only, all of them Latin-1 (multi-word and foreign-script entries are left out)."""
    return text.isalpha() and (text.isascii() or all(ch <= "ÿ" for ch in text))


_lock = threading.Lock()
_loaded: dict[str, Lexicon] = {}


def spanish() -> Lexicon:
    """The Spanish lexicon (simplemma's word list), read once per process on first use.

    Reading takes a second or two, so call it from a thread (or at startup), never on the
    event loop.
    """
    with _lock:  # two threads asking at once must not build it twice
        if "es" not in _loaded:
            from simplemma.strategies.dictionaries import DefaultDictionaryFactory

            table = DefaultDictionaryFactory(cache_max_size=0).get_dictionary("es")
            _loaded["es"] = Lexicon(table.items())
        return _loaded["es"]


LOADERS = {"es": spanish}


def lexicon_for(language: str | None) -> Lexicon | None:
    """The lexicon of a target language, or None where the course has none."""
    loader = LOADERS.get(language or "")
    return loader() if loader else None


def warm() -> None:
    """Load every lexicon now (at startup, in a thread), so no learner waits for it."""
    for loader in LOADERS.values():
        loader()
