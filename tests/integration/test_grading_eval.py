"""The grading eval's gate: every wrong inflection of the course rejected with its reason."""

from evals.grading_eval import evaluate
from evals.inflections import generate, load
from tools.lexicon import spanish


def test_the_dataset_is_what_the_generator_makes_of_the_course():
    assert load() == generate(spanish()), "run `lingograph eval grading --write`"


def test_every_wrong_inflection_is_rejected_with_a_reason_and_every_typo_accepted():
    score = evaluate(spanish())
    assert score.wrong_forms > 1000 and score.typos > 100
    assert set(score.by_kind) == {"person", "tense", "ser/estar", "gender", "number"}
    assert score.misses == [] and score.passed
