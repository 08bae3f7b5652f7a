"""Gender and number of Spanish articles, determiners, nouns and adjectives, from their endings."""

from __future__ import annotations

from tools.text import strip_accents

Features = tuple[str | None, str | None]  # (gender, number); None where the form doesn't say

_M, _F, _SG, _PL = "masculine", "feminine", "singular", "plural"
# Determiners whose forms are not the word plus -o/-a/-s; the rest follow the endings below.
_DETERMINER_GROUPS = (
    {"el": (_M, _SG), "la": (_F, _SG), "los": (_M, _PL), "las": (_F, _PL)},
    {"un": (_M, _SG), "una": (_F, _SG), "unos": (_M, _PL), "unas": (_F, _PL)},
    {"este": (_M, _SG), "esta": (_F, _SG), "estos": (_M, _PL), "estas": (_F, _PL)},
    {"ese": (_M, _SG), "esa": (_F, _SG), "esos": (_M, _PL), "esas": (_F, _PL)},
    {"aquel": (_M, _SG), "aquella": (_F, _SG), "aquellos": (_M, _PL), "aquellas": (_F, _PL)},
    {"él": (_M, _SG), "ella": (_F, _SG), "ellos": (_M, _PL), "ellas": (_F, _PL)},
)
_DETERMINER_STEMS = ("mi", "tu", "su", "nuestr", "vuestr", "much", "poc", "otr", "tod", "cuánt")
# Longest first, so "chicas" is chic+as rather than chica+s.
_ENDINGS: dict[str, Features] = {
    "os": (_M, _PL),
    "as": (_F, _PL),
    "es": (None, _PL),
    "o": (_M, _SG),
    "a": (_F, _SG),
    "e": (None, _SG),
    "s": (None, _PL),
    "": (None, _SG),
}


def _group(word: str) -> dict[str, Features] | None:
    return next((g for g in _DETERMINER_GROUPS if word in g), None)


def is_determiner(word: str) -> bool:
    """Whether `word` is an article, demonstrative, possessive or quantifier that agrees."""
    return _group(word) is not None or any(
        word.startswith(stem) and word[len(stem) :] in _ENDINGS and len(word) - len(stem) <= 2
        for stem in _DETERMINER_STEMS
    )


def features(word: str) -> Features:
    """What a word's form says about its gender and number, on its own."""
    group = _group(word)
    if group:
        return group[word]
    bare = strip_accents(word)
    for ending in ("os", "as", "o", "a"):
        if bare.endswith(ending):
            return _ENDINGS[ending]
    return (None, _PL if bare.endswith("s") else None)


def agrees_visibly(word: str) -> bool:
    """Whether the word shows gender in its form (la, chicos), so it can explain agreement."""
    return _group(word) is not None or is_determiner(word) or word.endswith(("o", "a", "os", "as"))


def pair(typed: str, intended: str) -> tuple[Features, Features] | None:
    """The features of two forms of one word (chico/chicas, el/los), or None if unrelated."""
    group = _group(intended)
    if group:
        return (group[typed], group[intended]) if typed in group else None
    t, i = strip_accents(typed), strip_accents(intended)
    for t_end, t_feat in _ENDINGS.items():
        for i_end, i_feat in _ENDINGS.items():
            stem = t[: len(t) - len(t_end)] if t_end else t
            if (
                t_end != i_end
                and t.endswith(t_end)
                and i.endswith(i_end)
                and len(stem) >= 2
                and stem == (i[: len(i) - len(i_end)] if i_end else i)
            ):
                return _fill_gender(t_end, t_feat, i_end), _fill_gender(i_end, i_feat, t_end)
    return None


def _fill_gender(ending: str, feat: Features, other_ending: str) -> Features:
    """profesor beside profesora: the bare form is the masculine one."""
    if ending == "" and other_ending in ("a", "as"):
        return (_M, feat[1])
    if ending == "es" and other_ending in ("a", "as"):
        return (_M, feat[1])
    return feat


def differing(a: Features, b: Features) -> tuple[bool, bool]:
    """Whether gender, and whether number, are known on both sides and differ."""
    return (None not in (a[0], b[0]) and a[0] != b[0], None not in (a[1], b[1]) and a[1] != b[1])


def describe(feat: Features, gender: bool, number: bool) -> str:
    """ "feminine", "plural" or "feminine plural": only the features in question."""
    return " ".join(part for part, wanted in zip(feat, (gender, number), strict=True) if wanted)
