"""Spanish verb paradigms: which tense and person a form is (regular and common irregular verbs)."""

from __future__ import annotations

from tools.text import strip_accents

PERSONS = ("yo", "tú", "él/ella", "nosotros", "vosotros", "ellos/ellas")
TENSES = ("present", "preterite", "imperfect", "future", "conditional", "present subjunctive")
Cell = tuple[str, str]  # (tense, person)

_ENDINGS = {
    "ar": {
        "present": "o as a amos áis an",
        "preterite": "é aste ó amos asteis aron",
        "imperfect": "aba abas aba ábamos abais aban",
        "present subjunctive": "e es e emos éis en",
    },
    "er": {
        "present": "o es e emos éis en",
        "preterite": "í iste ió imos isteis ieron",
        "imperfect": "ía ías ía íamos íais ían",
        "present subjunctive": "a as a amos áis an",
    },
    "ir": {
        "present": "o es e imos ís en",
        "preterite": "í iste ió imos isteis ieron",
        "imperfect": "ía ías ía íamos íais ían",
        "present subjunctive": "a as a amos áis an",
    },
}
_FUTURE = "é ás á emos éis án".split()
_CONDITIONAL = "ía ías ía íamos íais ían".split()
# Boot-shaped stem changes (pienso, vuelvo, pido, juego): yo, tú, él and ellos only.
_STEM_CHANGES = (("e", "ie"), ("o", "ue"), ("e", "i"), ("u", "ue"))
_BOOT = {0, 1, 2, 5}

_IRREGULAR = {
    "ser": {
        "present": "soy eres es somos sois son",
        "preterite": "fui fuiste fue fuimos fuisteis fueron",
        "imperfect": "era eras era éramos erais eran",
        "present subjunctive": "sea seas sea seamos seáis sean",
    },
    "estar": {
        "present": "estoy estás está estamos estáis están",
        "preterite": "estuve estuviste estuvo estuvimos estuvisteis estuvieron",
        "present subjunctive": "esté estés esté estemos estéis estén",
    },
    "ir": {
        "present": "voy vas va vamos vais van",
        "preterite": "fui fuiste fue fuimos fuisteis fueron",
        "imperfect": "iba ibas iba íbamos ibais iban",
        "present subjunctive": "vaya vayas vaya vayamos vayáis vayan",
    },
    "tener": {
        "present": "tengo tienes tiene tenemos tenéis tienen",
        "preterite": "tuve tuviste tuvo tuvimos tuvisteis tuvieron",
        "present subjunctive": "tenga tengas tenga tengamos tengáis tengan",
    },
    "hacer": {
        "present": "hago haces hace hacemos hacéis hacen",
        "preterite": "hice hiciste hizo hicimos hicisteis hicieron",
        "present subjunctive": "haga hagas haga hagamos hagáis hagan",
    },
    "haber": {
        "present": "he has ha hemos habéis han",
        "preterite": "hube hubiste hubo hubimos hubisteis hubieron",
        "present subjunctive": "haya hayas haya hayamos hayáis hayan",
    },
    "poder": {
        "present": "puedo puedes puede podemos podéis pueden",
        "preterite": "pude pudiste pudo pudimos pudisteis pudieron",
    },
    "querer": {"preterite": "quise quisiste quiso quisimos quisisteis quisieron"},
    "venir": {
        "present": "vengo vienes viene venimos venís vienen",
        "preterite": "vine viniste vino vinimos vinisteis vinieron",
    },
    "decir": {
        "present": "digo dices dice decimos decís dicen",
        "preterite": "dije dijiste dijo dijimos dijisteis dijeron",
    },
    "dar": {
        "present": "doy das da damos dais dan",
        "preterite": "di diste dio dimos disteis dieron",
    },
    "ver": {
        "present": "veo ves ve vemos veis ven",
        "preterite": "vi viste vio vimos visteis vieron",
    },
}
_FUTURE_STEMS = {"tener": "tendr", "hacer": "har", "haber": "habr", "poder": "podr"}
_FUTURE_STEMS |= {"querer": "querr", "venir": "vendr", "decir": "dir"}


def is_verb(lemma: str) -> bool:
    """Whether `lemma` looks like an infinitive this module can conjugate."""
    return lemma in _IRREGULAR or (len(lemma) > 2 and lemma[-2:] in _ENDINGS)


def paradigm(infinitive: str) -> dict[Cell, set[str]]:
    """Every (tense, person) cell of a verb with its spellings (stem-changed ones included)."""
    cells: dict[Cell, set[str]] = {}
    stem, kind = infinitive[:-2], infinitive[-2:]
    for tense, endings in _ENDINGS.get(kind, {}).items():
        for i, (person, ending) in enumerate(zip(PERSONS, endings.split(), strict=True)):
            forms = {stem + ending}
            if tense in ("present", "present subjunctive") and i in _BOOT:
                forms |= {changed + ending for changed in _changed_stems(stem)}
            cells[(tense, person)] = forms
    future_stem = _FUTURE_STEMS.get(infinitive, infinitive)
    for tense, endings in (("future", _FUTURE), ("conditional", _CONDITIONAL)):
        for person, ending in zip(PERSONS, endings, strict=True):
            cells[(tense, person)] = {future_stem + ending}
    for tense, forms in _IRREGULAR.get(infinitive, {}).items():
        for person, form in zip(PERSONS, forms.split(), strict=True):
            cells[(tense, person)] = {form}
    return cells


def cells_of(form: str, infinitive: str) -> set[Cell]:
    """The (tense, person) cells `form` fills in the verb's paradigm.

    Spelled exactly if it can be; otherwise accents aside, since learners often leave them out.
    """
    table = paradigm(infinitive)
    exact = {cell for cell, forms in table.items() if form in forms}
    if exact:
        return exact
    bare = strip_accents(form)
    return {cell for cell, forms in table.items() if any(strip_accents(f) == bare for f in forms)}


def _changed_stems(stem: str) -> set[str]:
    """The stem with its last vowel changed as boot verbs change it (e→ie, o→ue, ...)."""
    changed = set()
    for vowel, into in _STEM_CHANGES:
        at = stem.rfind(vowel)
        if at >= 0 and not any(v in stem[at + 1 :] for v in "aeiou"):
            changed.add(stem[:at] + into + stem[at + 1 :])
    return changed
