"""Metrics over replayed conversations, threshold gates and baseline comparison."""

from __future__ import annotations

from collections import Counter, defaultdict

from evals.judge import CRITERIA
from evals.replay import ConversationOutcome

RATES = {
    "intent_accuracy": "intent",
    "trajectory_match": "trajectory",
    "grading_accuracy": "grade",
    "contains_pass": "contains",
    "language_pass": "language",
}
HIGHER_IS_BETTER = {*RATES, "conversation_pass", *(f"judge_{c}" for c in CRITERIA)}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def compute(outcomes: list[ConversationOutcome]) -> dict[str, float | int | str | None]:
    """Every metric of the run; rates are None when no turn carried that expectation."""
    turns = [t for c in outcomes for t in c.turns]
    metrics: dict[str, float | int | str | None] = {
        "conversations": len(outcomes),
        "turns": len(turns),
    }
    for metric, key in RATES.items():
        results = [t.checks[key] for t in turns if key in t.checks]
        metrics[metric] = round(sum(results) / len(results), 4) if results else None
    metrics["conversation_pass"] = (
        round(sum(c.passed for c in outcomes) / len(outcomes), 4) if outcomes else None
    )
    latencies = [t.latency_ms for t in turns]
    metrics["latency_p50_ms"] = _percentile(latencies, 0.5)
    metrics["latency_p99_ms"] = _percentile(latencies, 0.99)
    for criterion in CRITERIA:
        scores = [t.judge[criterion] for t in turns if criterion in t.judge]
        metrics[f"judge_{criterion}"] = round(sum(scores) / len(scores), 4) if scores else "not run"
    return metrics


def confusion(outcomes: list[ConversationOutcome]) -> dict[str, dict[str, int]]:
    """Expected intent → predicted intent → count."""
    matrix: dict[str, Counter] = defaultdict(Counter)
    for conversation in outcomes:
        for turn in conversation.turns:
            if turn.expect.intent is not None:
                matrix[turn.expect.intent][turn.intent or "none"] += 1
    return {expected: dict(counts) for expected, counts in sorted(matrix.items())}


def per_intent_accuracy(matrix: dict[str, dict[str, int]]) -> dict[str, float]:
    """Accuracy of the router for each expected intent."""
    return {
        intent: round(row.get(intent, 0) / sum(row.values()), 4) for intent, row in matrix.items()
    }


def gate(metrics: dict, thresholds: dict[str, float]) -> list[str]:
    """The metrics under their thresholds, described."""
    failures = []
    for metric, minimum in sorted(thresholds.items()):
        value = metrics.get(metric)
        if isinstance(value, int | float) and value < minimum:
            failures.append(f"{metric} {value:.3f} < {minimum:.3f}")
    return failures


def compare(metrics: dict, baseline: dict) -> list[dict]:
    """Each numeric metric against the baseline: improved, regressed or unchanged."""
    rows = []
    for metric, value in metrics.items():
        before = baseline.get(metric)
        if not isinstance(value, int | float) or not isinstance(before, int | float):
            continue
        delta = value - before
        if metric in HIGHER_IS_BETTER:
            change = "improved" if delta > 0 else "regressed" if delta < 0 else "unchanged"
        else:
            change = "changed" if delta else "unchanged"
        rows.append(
            {
                "metric": metric,
                "baseline": before,
                "now": value,
                "delta": round(delta, 4),
                "change": change,
            }
        )
    return rows
