"""Why a real word in place of another is wrong: person, tense, ser/estar, gender or number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tools import agreement, conjugation
from tools.edits import damerau_distance
from tools.lexicon import Lexicon
from tools.text import strip_accents

Kind = Literal["person", "tense", "ser/estar", "gender", "number", "word"]

PERSON_LABELS = {
    "yo": "yo",
    "tú": "tú",
    "él/ella": "él/ella/usted",
    "nosotros": "nosotros",
    "vosotros": "vosotros",
    "ellos/ellas": "ellos/ellas/ustedes",
}
# Pronouns before a verb that tell its person ("me llamo", "tú eres", "se acuestan").
PRONOUN_PERSONS = {
    "yo": {"yo"},
    "me": {"yo"},
    "tú": {"tú"},
    "te": {"tú"},
    "él": {"él/ella"},
    "ella": {"él/ella"},
    "usted": {"él/ella"},
    "se": {"él/ella", "ellos/ellas"},
    "nosotros": {"nosotros"},
    "nosotras": {"nosotros"},
    "nos": {"nosotros"},
    "vosotros": {"vosotros"},
    "vosotras": {"vosotros"},
    "os": {"vosotros"},
    "ellos": {"ellos/ellas"},
    "ellas": {"ellos/ellas"},
    "ustedes": {"ellos/ellas"},
}
CLITICS = {"me", "te", "se", "nos", "os"}
SER_ESTAR = ("ser", "estar")
MAX_SLIP = 2  # edits within which a real word could pass for a misspelling


@dataclass(frozen=True)
class WrongForm:
    """A real word given for another, and what to tell the learner about it."""

    kind: Kind
    note: str


def explain(typed: str, words: list[str], index: int, lexicon: Lexicon) -> WrongForm | None:
    """Why `typed`, a real word, is wrong where the answer `words` have `words[index]`.

    None when `typed` is not a word of the lexicon (then it may be a spelling slip), or when it
    is an unrelated word far from the intended one.
    """
    intended = words[index]
    if typed not in lexicon:
        return None
    verb, agreeing = _verb(typed, words, index, lexicon), _agreement(typed, words, index)
    # After an article or a determiner a word is a noun or an adjective, never a verb.
    after_determiner = index > 0 and agreement.is_determiner(words[index - 1])
    if after_determiner or agreement.is_determiner(intended):
        verb, agreeing = agreeing, verb
    return _ser_estar(typed, intended) or verb or agreeing or _other_word(typed, intended, lexicon)


def _ser_estar(typed: str, intended: str) -> WrongForm | None:
    for wanted, other in (SER_ESTAR, SER_ESTAR[::-1]):
        if conjugation.cells_of(intended, wanted) and conjugation.cells_of(typed, other):
            if conjugation.cells_of(typed, wanted):
                return None  # a form of both (fue, fui): not a ser/estar mix-up
            return WrongForm(
                "ser/estar",
                f"*{typed}* is a form of *{other}*; here it's *{wanted}*: *{intended}* "
                "(*ser* for who or what someone is, *estar* for where or how they are).",
            )
    return None


def _verb(typed: str, words: list[str], index: int, lexicon: Lexicon) -> WrongForm | None:
    intended = words[index]
    infinitives = sorted(
        lemma
        for lemma in lexicon.lemmas(intended, exact=True) | set(SER_ESTAR)
        if conjugation.is_verb(lemma)
    )
    for infinitive in infinitives:
        wanted = conjugation.cells_of(intended, infinitive)
        given = conjugation.cells_of(typed, infinitive)
        if wanted and given and not wanted & given:
            return _verb_note(typed, given, intended, wanted, words[:index])
    return None


def _verb_note(typed: str, given: set, intended: str, wanted: set, before: list[str]) -> WrongForm:
    """The note for the closest pair of cells: person only, tense only, or both."""
    pairs = sorted(
        ((g, w) for g in given for w in wanted),
        key=lambda p: (
            (p[0][0] != p[1][0]) + (p[0][1] != p[1][1]),
            conjugation.TENSES.index(p[0][0]),
            conjugation.TENSES.index(p[1][0]),
        ),
    )
    (g_tense, g_person), (w_tense, w_person) = pairs[0]
    if g_tense == w_tense:
        said = f"*{typed}* is the {PERSON_LABELS[g_person]} form"
        pronoun = next(
            (w for w in reversed(before) if w_person in PRONOUN_PERSONS.get(w, ())), None
        )
        if pronoun:
            return WrongForm("person", f"{said}; with *{pronoun}* use *{intended}*.")
        label = PERSON_LABELS[w_person]
        return WrongForm("person", f"{said}; this answer needs the {label} form, *{intended}*.")
    if g_person == w_person:
        tenses = {tense for tense, person in wanted if person == w_person}
        needs = f"the {w_tense}: *{intended}*" if len(tenses) == 1 else f"*{intended}*"
        return WrongForm("tense", f"*{typed}* is the {g_tense}; this answer needs {needs}.")
    return WrongForm(
        "tense",
        f"*{typed}* is the {g_tense} {PERSON_LABELS[g_person]} form; this answer needs the "
        f"{w_tense} {PERSON_LABELS[w_person]} form, *{intended}*.",
    )


def _agreement(typed: str, words: list[str], index: int) -> WrongForm | None:
    intended = words[index]
    found = agreement.pair(typed, intended)
    if not found:
        return None
    given, wanted = found
    gender, number = agreement.differing(given, wanted)
    if not (gender or number):
        return None
    kind: Kind = "gender" if gender else "number"
    partner = _partner(words, index, wanted, gender, number)
    if partner and agreement.is_determiner(intended):
        feat = agreement.describe(agreement.features(partner), gender, number)
        return WrongForm(kind, f"*{partner}* is {feat}, so it takes *{intended}*, not *{typed}*.")
    said = f"*{typed}* is {agreement.describe(given, gender, number)}"
    if partner:
        return WrongForm(kind, f"{said}; *{partner}* needs *{intended}*.")
    wanted_said = agreement.describe(wanted, gender, number)
    return WrongForm(kind, f"{said}; this answer needs the {wanted_said} *{intended}*.")


def _partner(words: list[str], index: int, wanted, gender: bool, number: bool) -> str | None:
    """The neighbouring word the intended form agrees with (its article, or its noun)."""
    neighbours = words[index + 1 : index + 2] if agreement.is_determiner(words[index]) else []
    neighbours += [w for w in reversed(words[max(0, index - 2) : index])]
    for word in neighbours:
        if word in CLITICS or not agreement.agrees_visibly(word):
            continue
        feat = agreement.features(word)
        if (not gender or feat[0] == wanted[0]) and (not number or feat[1] == wanted[1]):
            return word
    return None


def _other_word(typed: str, intended: str, lexicon: Lexicon) -> WrongForm | None:
    if damerau_distance(strip_accents(typed), strip_accents(intended), MAX_SLIP + 1) > MAX_SLIP:
        return None
    shared = sorted(lexicon.lemmas(typed) & lexicon.lemmas(intended))
    if shared:
        note = f"*{typed}* is another form of *{shared[0]}*; this answer needs *{intended}*."
    else:
        note = f"*{typed}* is a different Spanish word, not a misspelling of *{intended}*."
    return WrongForm("word", note)
