"""Eval reports: JSON for machines, Markdown for reviews, HTML with a per-intent chart."""

from __future__ import annotations

import html
import json
from pathlib import Path

from evals.replay import ConversationOutcome

WORST = 5


def build(
    outcomes: list[ConversationOutcome],
    metrics: dict,
    thresholds: dict,
    failures: list[str],
    matrix: dict,
    per_intent: dict,
    comparison: list[dict] | None,
) -> dict:
    """The whole report as one JSON-able dict."""
    return {
        "metrics": metrics,
        "thresholds": thresholds,
        "gate_failures": failures,
        "confusion": matrix,
        "per_intent_accuracy": per_intent,
        "baseline_comparison": comparison,
        "conversations": [
            {
                "id": c.id,
                "dataset": c.dataset,
                "tags": c.tags,
                "passed": c.passed,
                "failures": c.failures,
                "error": c.error,
                "turns": [
                    {
                        "user": t.user,
                        "intent": t.intent,
                        "nodes": t.nodes,
                        "verdict": t.verdict,
                        "reply": t.reply,
                        "checks": t.checks,
                        "judge": t.judge,
                        "latency_ms": round(t.latency_ms, 2),
                        "expect": t.expect.model_dump(exclude_defaults=True),
                    }
                    for t in c.turns
                ],
            }
            for c in outcomes
        ],
    }


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "—" if value is None else str(value)


def _worst(report: dict) -> list[dict]:
    failing = [c for c in report["conversations"] if not c["passed"]]
    return sorted(failing, key=lambda c: -c["failures"])[:WORST]


def markdown(report: dict) -> str:
    """The report as Markdown."""
    lines = ["# Eval report", "", "| metric | value | threshold |", "|---|---|---|"]
    for metric, value in report["metrics"].items():
        threshold = report["thresholds"].get(metric)
        lines.append(f"| {metric} | {_fmt(value)} | {_fmt(threshold) if threshold else ''} |")
    lines += [
        "",
        "**Gate:** "
        + (
            "passed"
            if not report["gate_failures"]
            else "FAILED: " + "; ".join(report["gate_failures"])
        ),
        "",
    ]
    if report["baseline_comparison"]:
        lines += [
            "## Against the baseline",
            "",
            "| metric | baseline | now | change |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {r['metric']} | {_fmt(r['baseline'])} | {_fmt(r['now'])} | {r['change']} "
            f"({r['delta']:+.3f}) |"
            for r in report["baseline_comparison"]
        ]
        lines.append("")
    lines += ["## Per-intent accuracy", "", "| intent | accuracy |", "|---|---|"]
    lines += [f"| {i} | {a:.0%} |" for i, a in report["per_intent_accuracy"].items()]
    lines += ["", "## Conversations", "", "| conversation | dataset | result |", "|---|---|---|"]
    lines += [
        f"| {c['id']} | {c['dataset']} | {'pass' if c['passed'] else 'FAIL'} |"
        for c in report["conversations"]
    ]
    worst = _worst(report)
    if worst:
        lines += ["", "## Worst transcripts", ""]
        for c in worst:
            lines += [f"### {c['id']} ({c['failures']} failed checks)", ""]
            if c["error"]:
                lines.append(f"Error: `{c['error']}`")
            for t in c["turns"]:
                failed = [k for k, ok in t["checks"].items() if not ok]
                mark = f" ❌ {', '.join(failed)}" if failed else ""
                lines.append(f"- **learner:** {t['user']}  → intent `{t['intent']}`{mark}")
                lines.append(f"  - **tutor:** {t['reply'][:400]}".replace("\n", " "))
            lines.append("")
    return "\n".join(lines) + "\n"


def _chart(per_intent: dict[str, float]) -> str:
    bar_height, width, label = 22, 360, 110
    rows = []
    for i, (intent, accuracy) in enumerate(per_intent.items()):
        y = i * bar_height
        color = "#2e7d32" if accuracy >= 0.95 else "#f9a825" if accuracy >= 0.8 else "#c62828"
        rows.append(
            f'<text x="{label - 6}" y="{y + 15}" text-anchor="end">{html.escape(intent)}</text>'
            f'<rect x="{label}" y="{y + 3}" width="{accuracy * width:.1f}" height="16" '
            f'fill="{color}"/><text x="{label + accuracy * width + 4:.1f}" y="{y + 15}">'
            f"{accuracy:.0%}</text>"
        )
    height = max(1, len(per_intent)) * bar_height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label + width + 50}" '
        f'height="{height}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="Per-intent accuracy">{"".join(rows)}</svg>'
    )


def html_page(report: dict) -> str:
    """The report as a self-contained HTML page."""
    esc = html.escape
    metric_rows = "".join(
        f"<tr><td>{esc(m)}</td><td>{esc(_fmt(v))}</td>"
        f"<td>{esc(_fmt(report['thresholds'].get(m))) if m in report['thresholds'] else ''}"
        f"</td></tr>"
        for m, v in report["metrics"].items()
    )
    comparison = "".join(
        f"<tr class='{r['change']}'><td>{esc(r['metric'])}</td><td>{_fmt(r['baseline'])}</td>"
        f"<td>{_fmt(r['now'])}</td><td>{r['change']} ({r['delta']:+.3f})</td></tr>"
        for r in report["baseline_comparison"] or []
    )
    conversations = "".join(
        f"<tr class='{'pass' if c['passed'] else 'fail'}'><td>{esc(c['id'])}</td>"
        f"<td>{esc(c['dataset'])}</td><td>{'pass' if c['passed'] else 'FAIL'}</td></tr>"
        for c in report["conversations"]
    )
    worst = ""
    for c in _worst(report):
        turns = "".join(
            f"<li><b>learner:</b> {esc(t['user'])} → <code>{esc(str(t['intent']))}</code> "
            f"{esc(', '.join(k for k, ok in t['checks'].items() if not ok))}"
            f"<br><b>tutor:</b> {esc(t['reply'][:600])}</li>"
            for t in c["turns"]
        )
        worst += f"<h3>{esc(c['id'])}</h3><p>{esc(c['error'] or '')}</p><ul>{turns}</ul>"
    baseline = (
        "<h2>Against the baseline</h2><table><tr><th>metric</th><th>baseline</th>"
        f"<th>now</th><th>change</th></tr>{comparison}</table>"
        if comparison
        else ""
    )
    gate = (
        "passed"
        if not report["gate_failures"]
        else "FAILED: " + esc("; ".join(report["gate_failures"]))
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Lingograph eval report</title><style>
body{{font-family:system-ui,sans-serif;margin:2em;max-width:60em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px}}
.fail,.regressed{{background:#fdecea}}.pass,.improved{{background:#edf7ed}}</style></head>
<body><h1>Eval report</h1><p><b>Gate:</b> {gate}</p>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>threshold</th></tr>{metric_rows}</table>
{baseline}
<h2>Per-intent accuracy</h2>{_chart(report["per_intent_accuracy"])}
<h2>Conversations</h2><table><tr><th>conversation</th><th>dataset</th><th>result</th></tr>{conversations}</table>
<h2>Worst transcripts</h2>{worst or "<p>None: every conversation passed.</p>"}
</body></html>
"""


def write(report: dict, folder: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": folder / "report.json",
        "md": folder / "report.md",
        "html": folder / "report.html",
    }
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    paths["md"].write_text(markdown(report), encoding="utf-8")
    paths["html"].write_text(html_page(report), encoding="utf-8")
    return paths
