"""The grading eval's dataset: wrong inflections of the course's own answers, and true typos.

Each accepted answer word gets the forms of the same word one or two letters away that the
lexicon knows (another person, tense, gender or number, or ser for estar): the grader must
reject every one, with a reason. As a control, each long word also gets a misspelling that is
no word at all, which must still pass as a typo.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tools import agreement, conjugation
from tools.course import COMMON_WORDS
from tools.edits import damerau_distance
from tools.exercises import FillBlank, Translate, WordOrder, parse_exercise
from tools.grading import MIN_TYPO_WORD_LENGTH
from tools.lexicon import Lexicon
from tools.resources import packaged
from tools.text import normalize, plain, strip_accents

DATASET = packaged("evals", "datasets", "grading_inflections.yaml")
LESSONS = packaged("knowledge", "courses", "es-en", "lessons")
HEADER = (
    "# Made by `lingograph eval grading --write` from the course and the lexicon: don't edit.\n"
)
MAX_EDITS = 2


def course_exercises(lessons: Path = LESSONS) -> dict[str, object]:
    """The lesson exercises by id, validated."""
    exercises = {}
    for path in sorted(lessons.glob("*.yaml")):
        for data in yaml.safe_load(path.read_text(encoding="utf-8"))["exercises"]:
            exercises[data["id"]] = parse_exercise(data)
    return exercises


def course_confusables(lessons: Path = LESSONS) -> frozenset[str]:
    """The course's vocabulary words, as the tutor passes them to the grader."""
    terms = [
        word["term"]
        for path in sorted(lessons.glob("*.yaml"))
        for word in yaml.safe_load(path.read_text(encoding="utf-8")).get("vocabulary", [])
    ]
    return frozenset({strip_accents(w) for t in terms for w in normalize(t).split()} | COMMON_WORDS)


def generate(lexicon: Lexicon, lessons: Path = LESSONS) -> list[dict]:
    """Every wrong-inflection case, then every typo control, in course order."""
    confusables = course_confusables(lessons)
    wrong, typos = [], []
    for exercise_id, exercise in course_exercises(lessons).items():
        if not _answers_in_target_language(exercise):
            continue
        taken = {plain(a) for a in exercise.answers}
        for answer in exercise.answers:
            words = normalize(answer).split()
            for i, word in enumerate(words):
                nominal = i > 0 and agreement.is_determiner(words[i - 1])
                for form, kind in inflections(word, lexicon, nominal=nominal):
                    sentence = " ".join([*words[:i], form, *words[i + 1 :]])
                    if strip_accents(sentence) not in taken:
                        taken.add(strip_accents(sentence))
                        wrong.append(_case(exercise_id, sentence, "wrong", kind))
                slip = misspelling(word, lexicon, confusables)
                sentence = " ".join([*words[:i], slip or "", *words[i + 1 :]])
                if slip and strip_accents(sentence) not in taken:
                    taken.add(strip_accents(sentence))
                    typos.append(_case(exercise_id, sentence, "typo", None))
    return wrong + typos


def inflections(word: str, lexicon: Lexicon, *, nominal: bool = False) -> list[tuple[str, str]]:
    """(form, kind) for the real forms of `word` one or two letters away, by what they change.

    `nominal`: the word follows an article or determiner, so it is no verb.
    """
    verbs = sorted(
        lemma
        for lemma in lexicon.lemmas(word, exact=True) | {"ser", "estar"}
        if not nominal and conjugation.is_verb(lemma) and word in _spellings(lemma)
    )
    found: dict[str, str] = {}
    if verbs:
        for lemma in verbs:
            for form, kind in _verb_forms(word, lemma):
                found.setdefault(form, kind)
    else:
        found = {f: k for f, k in _nominal_forms(word).items() if not _verb_form(f, lexicon)}
    return [
        (form, kind)
        for form, kind in sorted(found.items())
        if _near(form, word) and form in lexicon.forms(form)
    ]


def _verb_form(form: str, lexicon: Lexicon) -> bool:
    """Whether the form is a verb's (cansad, lea): no noun or adjective inflection, then."""
    return any(
        conjugation.is_verb(lemma) and form in _spellings(lemma)
        for lemma in lexicon.lemmas(form, exact=True)
    )


def _spellings(infinitive: str) -> set[str]:
    return {form for forms in conjugation.paradigm(infinitive).values() for form in forms}


def _verb_forms(word: str, infinitive: str) -> list[tuple[str, str]]:
    """Other cells of the verb (person or tense), and for ser/estar the other verb's forms."""
    cells = conjugation.cells_of(word, infinitive)
    out = []
    for (tense, person), forms in conjugation.paradigm(infinitive).items():
        if (tense, person) in cells:
            continue
        same_tense = any(t == tense for t, _ in cells)
        out += [(form, "person" if same_tense else "tense") for form in sorted(forms)]
    for wanted, other in (("ser", "estar"), ("estar", "ser")):
        if infinitive == wanted:
            out += [(form, "ser/estar") for form in sorted(_spellings(other))]
    return [(form, kind) for form, kind in out if form not in _spellings_of_cells(word, infinitive)]


def _spellings_of_cells(word: str, infinitive: str) -> set[str]:
    table = conjugation.paradigm(infinitive)
    return {form for cell in conjugation.cells_of(word, infinitive) for form in table[cell]}


def _nominal_forms(word: str) -> dict[str, str]:
    """The word with other gender and number endings (chico: chica, chicos, chicas)."""
    found: dict[str, str] = {}
    bare = strip_accents(word)
    if len(bare) < 3 and not agreement.is_determiner(word):
        return found  # me, te, se, yo: pronouns, not nouns with endings
    for ending in ("os", "as", "es", "o", "a", "e", "s", ""):
        if not bare.endswith(ending) or len(bare) - len(ending) < 2:
            continue
        stem = word[: len(word) - len(ending)] if ending else word
        for other in ("os", "as", "es", "o", "a", "e", "s", ""):
            form = stem + other
            kinds = agreement.pair(form, word)
            if form != word and kinds:
                gender, number = agreement.differing(*kinds)
                if gender or number:
                    found.setdefault(form, "gender" if gender else "number")
    return found


def misspelling(word: str, lexicon: Lexicon, confusables: frozenset[str]) -> str | None:
    """A slip of one letter in a long word that makes no word at all (a swap, double or drop)."""
    if len(word) < MIN_TYPO_WORD_LENGTH or not word.isalpha():
        return None
    middle = range(1, len(word) - 2)
    slips = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in middle]
    slips += [word[: i + 1] + word[i] + word[i + 1 :] for i in middle]
    slips += [word[:i] + word[i + 1 :] for i in middle]
    for slip in slips:
        bare = strip_accents(slip)
        if (
            slip != word
            and bare not in confusables
            and slip not in lexicon
            and damerau_distance(bare, strip_accents(word)) == 1
        ):
            return slip
    return None


def _near(form: str, word: str) -> bool:
    """One or two letters apart, accents aside (an accent alone is accepted with a note)."""
    a, b = strip_accents(form), strip_accents(word)
    return a != b and damerau_distance(a, b, MAX_EDITS + 1) <= MAX_EDITS


def _answers_in_target_language(exercise) -> bool:
    if isinstance(exercise, Translate):
        return exercise.direction == "to_target"
    return isinstance(exercise, FillBlank | WordOrder)


def _case(exercise_id: str, answer: str, expect: str, kind: str | None) -> dict:
    case = {"exercise": exercise_id, "answer": answer, "expect": expect}
    return case | {"kind": kind} if kind else case


def write(cases: list[dict], path: Path = DATASET) -> None:
    """Save the cases as the dataset YAML."""
    body = yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(HEADER + body, encoding="utf-8")


def load(path: Path = DATASET) -> list[dict]:
    """The saved cases."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
