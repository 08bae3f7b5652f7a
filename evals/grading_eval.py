"""Grading eval: every wrong inflection rejected with its reason, every true typo accepted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from evals.inflections import DATASET, course_confusables, course_exercises, load
from tools.grading import grade_exercise
from tools.lexicon import Lexicon


@dataclass
class GradingScore:
    """How the grader did on the dataset."""

    wrong_forms: int = 0
    rejected: int = 0
    with_reason: int = 0  # rejected with a note saying what was wrong, of the expected kind
    typos: int = 0
    typos_accepted: int = 0
    by_kind: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """The gate: all of them, no exceptions."""
        return self.rejected == self.with_reason == self.wrong_forms and (
            self.typos_accepted == self.typos
        )


def evaluate(lexicon: Lexicon, path: Path = DATASET) -> GradingScore:
    """Grade every case of the dataset as the tutor would."""
    exercises, confusables = course_exercises(), course_confusables()
    score = GradingScore()
    for case in load(path):
        grade = grade_exercise(
            exercises[case["exercise"]], case["answer"], confusables=confusables, lexicon=lexicon
        )
        seen = f"{case['exercise']}: {case['answer']!r} → {grade.verdict} ({grade.note})"
        if case["expect"] == "typo":
            score.typos += 1
            score.typos_accepted += grade.verdict == "typo"
            if grade.verdict != "typo":
                score.misses.append(seen)
            continue
        score.wrong_forms += 1
        score.by_kind[case["kind"]] += 1
        score.rejected += not grade.accepted
        explained = not grade.accepted and grade.note and grade.reason == case["kind"]
        score.with_reason += bool(explained)
        if not explained:
            score.misses.append(f"{seen}, expected {case['kind']}")
    return score
